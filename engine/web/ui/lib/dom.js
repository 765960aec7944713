// Small DOM helpers. Text always goes in as text nodes (never innerHTML), so what a customer
// writes cannot become markup.

import { t } from './i18n.js';

/**
 * `h('button', {class: 'btn', onclick: fn, 'aria-label': '…'}, 'text', child…)`.
 * Props starting with `on` become listeners; `class`, `text`, `value`, `checked`, `disabled`,
 * `hidden` and `dataset` are set as properties; the rest as attributes (skipped when null or
 * false). Children may be strings, numbers, nodes, arrays or null.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'text') {
      el.textContent = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (['value', 'checked', 'disabled', 'hidden', 'selected', 'multiple'].includes(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : value);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let fieldSeq = 0;

/** A labelled form field: `field(t('name'), h('input', {name: 'x'}), hint)`. */
export function field(label, control, hint) {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  const hintEl = hint ? h('small', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/** A message that disappears by itself; `kind`: info, success, error. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : null }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

/** The words for an error from `api` (its server message, or a known code). */
export function errorText(error) {
  if (!error) return '';
  if (error.code === 'network') return t('error.network');
  return error.message || String(error);
}

/** Runs `fn`; shows its error as a toast. Returns its result or undefined. */
export async function attempt(fn) {
  try {
    return await fn();
  } catch (error) {
    toast(errorText(error), 'error');
    return undefined;
  }
}

/**
 * A modal dialog (`<dialog>`, so focus is trapped and Escape closes). `content` is a node;
 * `actions` a list of `{label, value, primary}`. Resolves with the chosen value, or null.
 */
export function dialog(title, content, actions = [{ label: t('action.ok'), value: true, primary: true }]) {
  return new Promise((resolve) => {
    const buttons = actions.map((action) =>
      h('button', {
        type: 'button',
        class: action.primary ? 'btn btn-primary' : 'btn',
        onclick: () => close(action.value),
      }, action.label));
    const titleId = `d${++fieldSeq}`;
    const box = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title), content, h('div', { class: 'dialog-actions' }, buttons));
    const close = (value) => { box.close(); box.remove(); resolve(value); };
    box.addEventListener('cancel', (event) => { event.preventDefault(); close(null); });
    document.body.append(box);
    box.showModal();
  });
}

/** Asks yes or no. */
export async function confirm(question, yes = t('action.ok')) {
  const answer = await dialog(question, h('p', {}, ''), [
    { label: t('action.cancel'), value: false },
    { label: yes, value: true, primary: true },
  ]);
  return answer === true;
}

/** Saves a text as a file download. */
export function download(name, text, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Runs `fn` every `ms` while `el` is in the page; returns the stopper. */
export function every(ms, fn) {
  const id = setInterval(fn, ms);
  return () => clearInterval(id);
}

/** Adds a page's own stylesheet (`/ui/pages/agent/desk.css`) once. */
export function loadStyle(href) {
  if (document.querySelector(`link[rel="stylesheet"][href="${href}"]`)) return;
  document.head.append(h('link', { rel: 'stylesheet', href }));
}
