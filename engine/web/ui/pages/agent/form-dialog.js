// A modal form: Enter submits, Escape cancels, and an error from `onSubmit` (a refused
// transfer, a template the server rejects) shows inside the dialog, which stays open with
// what was typed. Resolves with what `onSubmit` returned, or null when cancelled.

import { h } from '../../lib/dom.js';
import { errorText } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';

let seq = 0;

export function formDialog({ title, body, submitLabel, onSubmit, testid }) {
  return new Promise((resolve) => {
    const titleId = `fd${++seq}`;
    const error = h('p', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
    const form = h('form', { novalidate: false },
      body,
      error,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => done(null) }, t('action.cancel')),
        submit));
    const box = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': testid || null },
      h('h2', { id: titleId }, title), form);
    const done = (value) => { box.close(); box.remove(); resolve(value); };
    box.addEventListener('cancel', (event) => { event.preventDefault(); done(null); });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      try {
        const value = await onSubmit(new FormData(form), form);
        if (value !== undefined) done(value ?? true);
      } catch (e) {
        error.textContent = errorText(e);
      } finally {
        submit.disabled = false;
      }
    });
    document.body.append(box);
    box.showModal();
    box.querySelector('input:not([type=hidden]), select, textarea')?.focus();
  });
}
