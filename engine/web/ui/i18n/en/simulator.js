// The simulator pages' words (en).
export default {
};
