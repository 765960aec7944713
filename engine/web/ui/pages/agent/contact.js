// The side panel of a conversation: the contact's fields (name and custom attributes), the
// conversation's tags, and internal notes (never sent to the customer).

import { api } from '../../lib/api.js';
import { h, replace, field, toast, errorText } from '../../lib/dom.js';
import { t, formatTime } from '../../lib/i18n.js';

export class ContactPanel {
  constructor({ conversationId, nameOf, onChange, editable }) {
    this.id = conversationId;
    this.nameOf = nameOf;
    this.onChange = onChange;
    this.editable = editable;
    this.contactBox = h('div', { class: 'stack' }, h('p', { class: 'muted' }, t('common.loading')));
    this.tagsBox = h('div');
    this.notesList = h('ul', { class: 'notes', 'aria-live': 'polite', 'data-testid': 'notes' });
    this.el = h('aside', { class: 'conv-side', 'aria-label': t('desk.side') },
      h('details', { class: 'side-section', open: true }, h('summary', {}, t('desk.contact')), this.contactBox),
      h('details', { class: 'side-section', open: true }, h('summary', {}, t('desk.tags')), this.tagsBox),
      h('details', { class: 'side-section', open: true }, h('summary', {}, t('desk.notes')), this.notesList, this.noteForm()));
    this.loadNotes();
  }

  /** Draws from a conversation's context (`/context`). */
  show(context) {
    this.context = context;
    if (this.contactBox.contains(document.activeElement) || this.tagsBox.contains(document.activeElement)) return;
    this.drawContact();
    this.drawTags();
  }

  drawContact() {
    const contact = this.context.contact;
    const name = h('input', { name: 'name', value: contact.name || '', maxlength: '200', autocomplete: 'off', 'data-testid': 'contact-name' });
    const rows = h('div', { class: 'attr-rows' });
    const addRow = (key = '', value = '') => {
      const row = h('div', { class: 'attr-row' },
        h('input', { class: 'attr-key', value: key, maxlength: '64', 'aria-label': t('desk.contact.field_name') }),
        h('input', { class: 'attr-value', value, maxlength: '1024', 'aria-label': t('desk.contact.field_value') }),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('desk.contact.remove_field'), onclick: () => row.remove() }, '✕'));
      rows.append(row);
      return row;
    };
    for (const [key, value] of Object.entries(contact.attributes || {})) addRow(key, value);
    const form = h('form', {
      class: 'contact-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const attributes = {};
        for (const row of rows.querySelectorAll('.attr-row')) {
          const key = row.querySelector('.attr-key').value.trim();
          if (key) attributes[key] = row.querySelector('.attr-value').value;
        }
        try {
          await api.patch(`/api/v1/contacts/${contact.id}`, { name: name.value.trim(), attributes });
          this.context.contact = { ...contact, name: name.value.trim(), attributes };
          toast(t('action.saved'), 'success');
          this.onChange?.();
        } catch (error) {
          toast(errorText(error), 'error');
        }
      },
    },
    h('p', { class: 'small muted' }, contact.number || ''),
    field(t('common.name'), name),
    h('div', { class: 'field' }, h('span', { class: 'label' }, t('desk.contact.fields')), rows),
    this.editable ? h('div', { class: 'btn-row' },
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => addRow().querySelector('input').focus() }, t('desk.contact.add_field')),
      h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, t('action.save'))) : null);
    if (!this.editable) for (const input of form.querySelectorAll('input')) input.disabled = true;
    replace(this.contactBox, form);
  }

  drawTags() {
    const tags = this.context.conversation.tags || [];
    const input = h('input', { name: 'tag', maxlength: '40', autocomplete: 'off', 'data-testid': 'tag-input' });
    const save = async (next) => {
      try {
        await api.put(`/api/v1/conversations/${this.id}/tags`, { tags: next });
        this.context.conversation.tags = [...new Set(next.map((x) => x.trim()).filter(Boolean))].sort();
        this.drawTags();
        this.tagsBox.querySelector('input')?.focus();
      } catch (error) {
        toast(errorText(error), 'error');
      }
    };
    replace(this.tagsBox,
      h('ul', { class: 'tags', 'aria-label': t('desk.tags') },
        tags.length ? tags.map((tag) => h('li', { class: 'badge badge-info tag' }, tag,
          this.editable ? h('button', {
            type: 'button', class: 'tag-remove', 'aria-label': t('desk.tags.remove', { tag }),
            onclick: () => save(tags.filter((x) => x !== tag)),
          }, '✕') : null)) : h('li', { class: 'muted small' }, t('desk.tags.none'))),
      this.editable ? h('form', {
        class: 'row', onsubmit: (event) => {
          event.preventDefault();
          const tag = input.value.trim();
          if (tag) save([...tags, tag]);
        },
      }, field(t('desk.tags.add'), input), h('button', { type: 'submit', class: 'btn btn-small' }, t('action.add'))) : null);
  }

  async loadNotes() {
    try {
      const notes = await api.get(`/api/v1/conversations/${this.id}/notes`);
      replace(this.notesList, notes.length
        ? notes.map((note) => this.noteItem(note))
        : h('li', { class: 'muted small' }, t('desk.notes.none')));
    } catch (error) {
      if (error.status !== 404) replace(this.notesList, h('li', { class: 'form-error' }, errorText(error)));
    }
  }

  noteItem(note) {
    return h('li', { class: 'note' },
      h('div', { class: 'small muted' }, `${this.nameOf(note.user_id)} · ${formatTime(note.created_at)}`),
      h('div', {}, note.text));
  }

  noteForm() {
    const text = h('textarea', { name: 'note', rows: '2', maxlength: '4096', 'data-testid': 'note-text' });
    return h('form', {
      class: 'note-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const value = text.value.trim();
        if (!value) return;
        try {
          const note = await api.post(`/api/v1/conversations/${this.id}/notes`, { text: value });
          text.value = '';
          this.notesList.querySelector('.muted')?.remove();
          this.notesList.append(this.noteItem(note));
        } catch (error) {
          toast(errorText(error), 'error');
        }
      },
    }, field(t('desk.notes.add'), text, t('desk.notes.hint')), h('button', { type: 'submit', class: 'btn btn-small' }, t('desk.notes.save')));
  }
}
