// Parts of a campaign the campaign form and the Members / Pre-set replies / Schedules sections
// share: the members table, the pre-set replies list, and a plugin binding (a plugin of one
// kind and its config, drawn from the plugin's schema).

import { h, field, replace } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { invalid } from './kit.js';
import { schemaForm } from './schema-form.js';

/**
 * Members: one row per user (agents and supervisors) with "member", penalty and skills.
 * `read()` → `[{user_id, penalty, skills}]`.
 */
export function membersEditor(members, users) {
  const byId = new Map((members || []).map((m) => [m.user_id, m]));
  const people = users.filter((u) => u.role !== 'admin' || byId.has(u.id));
  const rows = people.map((u) => {
    const m = byId.get(u.id);
    const id = `mem-${u.id}-${Math.random().toString(36).slice(2, 7)}`;
    const member = h('input', { type: 'checkbox', id, checked: !!m, dataset: { testid: `member-${u.username}` } });
    const penalty = h('input', { type: 'number', min: 0, max: 100, step: 1, value: String(m?.penalty ?? 0), 'aria-label': t('admin.members.penalty_of', { name: u.display_name }) });
    const skills = h('input', { type: 'text', value: (m?.skills || []).join(', '), 'aria-label': t('admin.members.skills_of', { name: u.display_name }), placeholder: t('admin.members.skills_placeholder') });
    const tr = h('tr', {},
      h('td', {}, h('div', { class: 'field-inline' }, member, h('label', { for: id }, u.display_name, ' ', h('span', { class: 'muted small' }, `@${u.username} · ${t(`admin.role.${u.role}`)}`)))),
      h('td', {}, penalty),
      h('td', {}, skills));
    tr.read = () => {
      if (!member.checked) return null;
      const p = Number(penalty.value || 0);
      if (!Number.isInteger(p) || p < 0 || p > 100) throw invalid(t('admin.members.bad_penalty', { name: u.display_name }));
      return { user_id: u.id, penalty: p, skills: skills.value.split(',').map((s) => s.trim()).filter(Boolean) };
    };
    return tr;
  });
  const element = h('div', { class: 'table-wrap', dataset: { testid: 'members-editor' } },
    h('table', {},
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('admin.members.user')),
        h('th', { scope: 'col' }, t('admin.members.penalty')),
        h('th', { scope: 'col' }, t('admin.members.skills')))),
      h('tbody', {}, rows)));
  return { element, read: () => rows.map((r) => r.read()).filter(Boolean) };
}

/** Pre-set replies: code, title, text; `read()` → `[{code, title, text}]`. */
export function repliesEditor(replies) {
  const list = h('div', { class: 'stack' });
  const add = (r) => {
    const code = h('input', { type: 'text', value: r?.code || '', placeholder: '/hours', 'aria-label': t('admin.replies.code') });
    const title = h('input', { type: 'text', value: r?.title || '', 'aria-label': t('admin.replies.title') });
    const text = h('textarea', { rows: 2, 'aria-label': t('admin.replies.text') });
    text.value = r?.text || '';
    const row = h('fieldset', { class: 'reply-row' },
      h('legend', { class: 'sr-only' }, t('admin.replies.one')),
      h('div', { class: 'grid grid-2' },
        field(t('admin.replies.code'), code),
        field(t('admin.replies.title'), title)),
      field(t('admin.replies.text'), text),
      h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => row.remove() }, t('action.delete')));
    row.read = () => {
      if (!code.value.trim() || !text.value.trim()) throw invalid(t('admin.replies.need'));
      return { code: code.value.trim(), title: title.value.trim() || code.value.trim(), text: text.value };
    };
    list.append(row);
    return row;
  };
  for (const r of replies || []) add(r);
  const element = h('div', { class: 'replies-editor', dataset: { testid: 'replies-editor' } },
    list,
    h('button', {
      type: 'button', class: 'btn btn-small',
      onclick: () => add().querySelector('input')?.focus(),
    }, t('admin.replies.add')));
  return { element, read: () => [...list.children].map((row) => row.read()) };
}

/**
 * A plugin of `kind` with its config form. `optional` adds "none" (`read()` → null).
 * `plugins` is the `/api/v1/plugins` list.
 */
export function bindingEditor(label, binding, plugins, kind, { optional = false, testid } = {}) {
  const choices = plugins.filter((p) => p.kind === kind);
  const select = h('select', { dataset: { testid } },
    optional ? h('option', { value: '' }, t('common.none')) : null,
    choices.map((p) => h('option', { value: p.name, selected: binding?.plugin === p.name }, p.name)));
  if (binding && !choices.some((p) => p.name === binding.plugin)) {
    select.append(h('option', { value: binding.plugin, selected: true }, binding.plugin));
  }
  const configBox = h('div', { class: 'binding-config' });
  let config = null;
  const draw = () => {
    const plugin = choices.find((p) => p.name === select.value);
    config = null;
    if (!select.value) { replace(configBox); return; }
    config = schemaForm(plugin?.config_schema, binding?.plugin === select.value ? binding.config : {});
    replace(configBox, plugin?.description ? h('p', { class: 'muted small' }, plugin.description) : null, config.element);
  };
  select.addEventListener('change', draw);
  draw();
  const element = h('fieldset', { class: 'binding' }, h('legend', {}, label), field(t('admin.binding.plugin'), select), configBox);
  return {
    element,
    read: () => (select.value ? { plugin: select.value, config: config ? config.read() : {} } : null),
  };
}
