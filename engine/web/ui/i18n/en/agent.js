// The agent pages' words (en).
export default {
};
