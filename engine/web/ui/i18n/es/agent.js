// The agent pages' words (es).
export default {
};
