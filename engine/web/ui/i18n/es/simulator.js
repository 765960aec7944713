// The simulator pages' words (es).
export default {
};
