// What every admin section shares: a form that shows the server's `{code, message}` next to
// itself and toasts when saved, optional number fields, list fields (one item a line), tables
// inside `.table-wrap`, and the loading / empty / error states of a list.

import { h, field, replace, toast, errorText } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';

/**
 * A form that submits with Enter or its button. `save()` does the request; its error is shown
 * in the form's alert box (`data-testid="form-error"`), success as a toast then `done(result)`.
 */
export function form({ title, fields, save, done, submitLabel = t('action.save'), extraActions = [], testid }) {
  const error = h('p', { class: 'form-error', role: 'alert', 'aria-live': 'assertive', dataset: { testid: 'form-error' } });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
  const el = h('form', { class: 'admin-form card', novalidate: true, dataset: testid ? { testid } : undefined },
    title ? h('h2', {}, title) : null,
    fields,
    error,
    h('div', { class: 'btn-row' }, submit, extraActions));
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    el.setAttribute('aria-busy', 'true');
    try {
      const result = await save();
      toast(t('action.saved'), 'success');
      done?.(result);
    } catch (e) {
      error.textContent = formErrorText(e);
      error.focus?.();
    } finally {
      submit.disabled = false;
      el.removeAttribute('aria-busy');
    }
  });
  return el;
}

/** An API error as a line: the message, with the code when there is one. */
export function formErrorText(e) {
  if (e?.code && e.code !== 'network' && e.message) return `${e.message} (${e.code})`;
  return errorText(e);
}

/** A local check failing before any request: thrown, shown like a server error. */
export function invalid(message) {
  return Object.assign(new Error(message), { code: 'invalid' });
}

/** A text input in a labelled field; returns `[fieldEl, input]`. */
export function textField(label, value, props = {}, hint) {
  const input = h('input', { type: 'text', value: value ?? '', ...props });
  return [field(label, input, hint), input];
}

/** A number input; empty means "not set" (`read()` → null). */
export function numberField(label, value, props = {}, hint) {
  const input = h('input', { type: 'number', inputmode: 'numeric', value: value ?? '', ...props });
  return [field(label, input, hint), input];
}

/** The value of a number input: null when empty; throws with the field's label when not a number. */
export function readNumber(input, label, { integer = true, required = false } = {}) {
  const text = input.value.trim();
  if (text === '') {
    if (required) throw invalid(t('admin.error.required', { field: label }));
    return null;
  }
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw invalid(t('admin.error.number', { field: label }));
  }
  return value;
}

/** A checkbox with its label beside it; returns `[fieldEl, input]`. */
export function checkField(label, checked, props = {}) {
  const input = h('input', { type: 'checkbox', checked: !!checked, ...props });
  const id = `c${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return [h('div', { class: 'field field-inline' }, input, h('label', { for: id }, label)), input];
}

/** A select of `options` (`[{value, label}]`); returns `[fieldEl, select]`. */
export function selectField(label, options, value, props = {}, hint) {
  const select = h('select', props, options.map((o) =>
    h('option', { value: String(o.value), selected: String(o.value) === String(value ?? '') }, o.label)));
  return [field(label, select, hint), select];
}

/** A textarea of one item a line; `read()` gives the non-empty trimmed lines. */
export function linesField(label, items, props = {}, hint) {
  const area = h('textarea', { rows: Math.max(2, Math.min(8, (items?.length || 0) + 1)), ...props });
  area.value = (items || []).join('\n');
  return [field(label, area, hint), area];
}

export function readLines(area) {
  return area.value.split('\n').map((l) => l.trim()).filter(Boolean);
}

/**
 * A table in a `.table-wrap`: `columns` are header texts, `rows` arrays of cells. On a phone
 * each row becomes a card whose cells carry their column's name (`data-label`), so a list of
 * many columns needs no sideways scrolling.
 */
export function table(columns, rows, { caption, testid } = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'cards', dataset: testid ? { testid } : undefined },
      caption ? h('caption', { class: 'sr-only' }, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c, i) => h('td', { 'data-label': columns[i] }, c)))))));
}

/** The body of a list section: loading, the error (with retry), empty, or `draw()`. */
export function listState(state, draw, retry) {
  if (state.error) {
    return h('div', { class: 'card admin-state', role: 'alert' },
      h('p', {}, formErrorText(state.error)),
      h('button', { class: 'btn', type: 'button', onclick: retry }, t('action.refresh')));
  }
  if (state.items === null || state.items === undefined) {
    return h('p', { class: 'muted', role: 'status' }, t('common.loading'));
  }
  if (Array.isArray(state.items) && state.items.length === 0) {
    return h('p', { class: 'empty' }, t('common.empty'));
  }
  return draw();
}

/** A section's heading row: title, then buttons. */
export function heading(title, ...actions) {
  return h('div', { class: 'admin-heading' }, h('h2', {}, title), h('div', { class: 'btn-row' }, actions));
}

/** A small button. */
export function smallButton(label, onclick, props = {}) {
  return h('button', { ...props, type: 'button', class: `btn btn-small ${props.class || ''}`.trim(), onclick }, label);
}

/** Shows `node` in the section's editor slot (and focuses its first control). */
export function showEditor(slot, node) {
  replace(slot, node);
  if (!node) return;
  slot.scrollIntoView?.({ block: 'nearest' });
  node.querySelector('input:not([type=hidden]), select, textarea')?.focus({ preventScroll: true });
}

/** A campaign as the PUT body (`CampaignInput`) from its view. */
export function campaignInput(view) {
  return {
    name: view.name,
    enabled: view.enabled,
    incoming_blacklist: view.incoming_blacklist,
    outgoing_blacklist: view.outgoing_blacklist,
    numbers: view.numbers,
    members: view.members,
    settings: view.settings,
  };
}

/** Seconds as words for tables ("60 s"), or the "none" word. */
export function seconds(value) {
  return value === null || value === undefined ? t('common.none') : t('admin.seconds', { n: value });
}
