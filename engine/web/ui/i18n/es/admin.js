// The admin pages' words (es).
export default {
};
