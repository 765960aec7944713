// Live pages redraw often; a redraw must not steal the keyboard user's place. Controls carry
// `data-key`; after a redraw the control with the same key gets focus back.

export function keepFocus(root, draw) {
  const active = document.activeElement;
  const key = active && root.contains(active) ? active.dataset?.key : null;
  draw();
  if (key) root.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus({ preventScroll: true });
}
