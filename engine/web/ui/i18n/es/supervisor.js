// The supervisor pages' words (es).
export default {
};
