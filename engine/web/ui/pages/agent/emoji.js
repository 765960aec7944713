// A small emoji picker: the emojis agents use most, in a few categories, with no library.
// Keyboard: the button opens it with focus on the first emoji; arrows move in the grid, Tab
// reaches the category tabs, Enter picks, Escape closes and gives focus back.

import { h, replace } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';

export const categories = [
  { key: 'smileys', emojis: ['😀', '😃', '😄', '😁', '😊', '🙂', '😉', '😍', '😘', '😅', '😂', '🤣', '😇', '🤗', '🤔', '😐', '😕', '😢', '😭', '😮', '😎', '🥳', '😴', '🙄'] },
  { key: 'gestures', emojis: ['👍', '👎', '👌', '👏', '🙌', '🙏', '🤝', '👋', '✌️', '🤞', '💪', '☝️', '👉', '👀', '💖', '✋'] },
  { key: 'symbols', emojis: ['❤️', '💚', '💙', '⭐', '✨', '🔥', '✅', '❌', '⚠️', '❓', '❗', '💯', '🎉', '🎁', '💡', '📌'] },
  { key: 'objects', emojis: ['📞', '📱', '💬', '📧', '📅', '⏰', '📦', '🚚', '🏠', '🏦', '💳', '💵', '🧾', '🔒', '🔑', '🛒'] },
];

/**
 * The picker: a toggle button and its panel. `onPick(emoji)` inserts it; the panel closes.
 * Returns the wrapper element.
 */
export function emojiPicker(onPick) {
  let open = false;
  let category = 0;
  const panelId = `emoji-${Math.random().toString(36).slice(2, 8)}`;
  const toggle = h('button', {
    type: 'button', class: 'btn btn-ghost composer-tool', 'aria-haspopup': 'true',
    'aria-expanded': 'false', 'aria-controls': panelId, 'data-testid': 'emoji-button',
    title: t('desk.emoji'),
    onclick: () => (open ? close(true) : show()),
  }, h('span', { 'aria-hidden': 'true' }, '😊'), h('span', { class: 'sr-only' }, t('desk.emoji')));
  const panel = h('div', { id: panelId, class: 'emoji-panel', role: 'dialog', 'aria-label': t('desk.emoji'), hidden: true });
  const wrap = h('div', { class: 'emoji-picker' }, toggle, panel);

  const onOutside = (event) => { if (open && !wrap.contains(event.target)) close(false); };

  function show() {
    open = true;
    toggle.setAttribute('aria-expanded', 'true');
    panel.hidden = false;
    draw();
    panel.querySelector('.emoji-grid button')?.focus();
    document.addEventListener('pointerdown', onOutside);
  }

  function close(refocus) {
    open = false;
    toggle.setAttribute('aria-expanded', 'false');
    panel.hidden = true;
    document.removeEventListener('pointerdown', onOutside);
    if (refocus) toggle.focus();
  }

  function draw() {
    const tabs = h('div', { class: 'emoji-tabs', role: 'tablist', 'aria-label': t('desk.emoji.categories') },
      categories.map((c, i) => h('button', {
        type: 'button', role: 'tab', class: 'btn btn-ghost btn-small',
        'aria-selected': String(i === category), tabindex: i === category ? '0' : '-1',
        onclick: () => { category = i; draw(); panel.querySelector('[role="tab"][aria-selected="true"]')?.focus(); },
        onkeydown: (event) => moveTab(event, i),
      }, t(`desk.emoji.${c.key}`))));
    const grid = h('div', { class: 'emoji-grid', role: 'group', 'aria-label': t(`desk.emoji.${categories[category].key}`), onkeydown: moveInGrid },
      categories[category].emojis.map((emoji) => h('button', {
        type: 'button', class: 'emoji', 'aria-label': emoji, dataset: { emoji },
        onclick: () => { onPick(emoji); close(false); },
      }, emoji)));
    replace(panel, tabs, grid);
  }

  function moveTab(event, i) {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (event.key === 'Escape') { event.preventDefault(); close(true); return; }
    if (!step) return;
    event.preventDefault();
    category = (i + step + categories.length) % categories.length;
    draw();
    panel.querySelector('[role="tab"][aria-selected="true"]')?.focus();
  }

  function moveInGrid(event) {
    if (event.key === 'Escape') { event.preventDefault(); close(true); return; }
    const buttons = [...panel.querySelectorAll('.emoji-grid button')];
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const columns = Math.max(1, Math.round(panel.querySelector('.emoji-grid').clientWidth / buttons[0].offsetWidth)) || 8;
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, Home: -index, End: buttons.length - 1 - index }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    buttons[Math.min(buttons.length - 1, Math.max(0, index + step))].focus();
  }

  panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') { event.preventDefault(); close(true); } });
  return wrap;
}
