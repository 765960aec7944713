// The supervisor pages' words (en).
export default {
};
