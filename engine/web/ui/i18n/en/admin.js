// The admin pages' words (en).
export default {
};
