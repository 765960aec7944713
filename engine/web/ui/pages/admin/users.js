// Users: create, change role / display name / concurrent maximum / campaign scope, disable
// (their sessions end at once) and set a password.

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { h, replace, field } from '../../lib/dom.js';
import { t, formatTime } from '../../lib/i18n.js';
import { form, textField, numberField, readNumber, selectField, checkField, table, listState, heading, smallButton, showEditor, invalid } from './kit.js';

const ROLES = ['agent', 'supervisor', 'admin'];

class Users extends Page {
  constructor() {
    super();
    this.state = { items: null, error: null };
    this.campaigns = [];
    this.list = h('div', { 'aria-live': 'polite' });
    this.editor = h('div', { class: 'admin-editor' });
  }

  async load() {
    try {
      const [users, campaigns] = await Promise.all([api.get('/api/v1/users'), api.get('/api/v1/campaigns')]);
      this.campaigns = campaigns;
      this.state = { items: users, error: null };
    } catch (error) {
      this.state = { items: this.state.items, error };
    }
    this.render();
  }

  render() {
    replace(this,
      heading(t('admin.section.users'),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => this.edit(null) }, t('admin.users.new'))),
      this.list,
      this.editor);
    replace(this.list, listState(this.state, () => this.drawTable(), () => this.load()));
  }

  drawTable() {
    const names = new Map(this.campaigns.map((c) => [c.id, c.name]));
    return table(
      [t('admin.users.username'), t('admin.users.display_name'), t('admin.users.role'), t('admin.users.max_concurrent'),
        t('admin.users.scope'), t('admin.users.password'), t('common.status'), t('common.actions')],
      this.state.items.map((u) => [
        h('span', { class: 'mono' }, u.username),
        u.display_name,
        t(`admin.role.${u.role}`),
        String(u.max_concurrent),
        u.campaign_scope ? u.campaign_scope.map((id) => names.get(id) || `#${id}`).join(', ') || t('common.none') : t('admin.users.all_campaigns'),
        u.has_password ? t('common.yes') : h('span', { class: 'badge badge-warning' }, t('admin.users.no_password')),
        u.disabled_at
          ? h('span', { class: 'badge badge-danger', title: formatTime(u.disabled_at) }, t('admin.disabled'))
          : h('span', { class: 'badge badge-success' }, t('admin.enabled')),
        h('div', { class: 'btn-row' },
          smallButton(t('action.edit'), () => this.edit(u), { 'aria-label': `${t('action.edit')} ${u.username}`, dataset: { testid: `edit-user-${u.username}` } }),
          smallButton(t('admin.users.set_password'), () => this.password(u), { 'aria-label': `${t('admin.users.set_password')} ${u.username}` })),
      ]),
      { caption: t('admin.section.users'), testid: 'users-table' });
  }

  /** Campaign scope: all, or some campaigns. `read()` → null (all) or ids. */
  scopeEditor(scope) {
    const [allField, all] = checkField(t('admin.users.all_campaigns'), !scope);
    const boxes = this.campaigns.map((c) => checkField(c.name, scope?.includes(c.id), { value: c.id }));
    const list = h('div', { class: 'scope-list' }, boxes.map(([el]) => el));
    const sync = () => { list.hidden = all.checked; };
    all.addEventListener('change', sync);
    sync();
    return {
      element: h('fieldset', {}, h('legend', {}, t('admin.users.scope')), h('p', { class: 'small muted' }, t('admin.users.scope_hint')), allField, list),
      read: () => (all.checked ? null : boxes.filter(([, b]) => b.checked).map(([, b]) => Number(b.value))),
    };
  }

  edit(user) {
    const isNew = !user;
    const u = user || { username: '', display_name: '', role: 'agent', max_concurrent: 5, campaign_scope: null, disabled_at: null };
    const [usernameField, username] = textField(t('admin.users.username'), u.username,
      { required: true, readonly: !isNew, autocomplete: 'off', name: 'username', dataset: { testid: 'user-username' } }, isNew ? t('admin.users.username_hint') : null);
    const [displayField, display] = textField(t('admin.users.display_name'), u.display_name, { name: 'display_name', dataset: { testid: 'user-display-name' } });
    const [roleField, role] = selectField(t('admin.users.role'), ROLES.map((r) => ({ value: r, label: t(`admin.role.${r}`) })), u.role, { dataset: { testid: 'user-role' } });
    const [maxField, max] = numberField(t('admin.users.max_concurrent'), u.max_concurrent, { min: 0, name: 'max_concurrent' }, t('admin.users.max_concurrent_hint'));
    const scope = this.scopeEditor(u.campaign_scope);
    const password = h('input', { type: 'password', autocomplete: 'new-password', minlength: 8, name: 'password', dataset: { testid: 'user-password' } });
    const [disabledField, disabled] = checkField(t('admin.users.disabled'), !!u.disabled_at);
    showEditor(this.editor, form({
      title: isNew ? t('admin.users.new') : t('admin.users.edit', { name: u.username }),
      testid: 'user-form',
      fields: [
        h('div', { class: 'grid grid-2' }, usernameField, displayField, roleField, maxField),
        isNew ? field(t('admin.users.password'), password, t('admin.users.password_hint')) : disabledField,
        scope.element,
      ],
      save: () => {
        if (isNew && !username.value.trim()) throw invalid(t('admin.error.required', { field: t('admin.users.username') }));
        const maxConcurrent = readNumber(max, t('admin.users.max_concurrent'));
        if (isNew) {
          return api.post('/api/v1/users', {
            username: username.value.trim(),
            display_name: display.value.trim() || null,
            role: role.value,
            password: password.value || null,
            max_concurrent: maxConcurrent,
            campaign_scope: scope.read(),
          });
        }
        return api.patch(`/api/v1/users/${u.id}`, {
          display_name: display.value.trim() || u.username,
          role: role.value,
          max_concurrent: maxConcurrent ?? u.max_concurrent,
          campaign_scope: scope.read(),
          disabled: disabled.checked,
        });
      },
      done: () => { showEditor(this.editor, null); this.load(); },
      extraActions: [h('button', { type: 'button', class: 'btn', onclick: () => showEditor(this.editor, null) }, t('action.cancel'))],
    }));
  }

  password(u) {
    const input = h('input', { type: 'password', autocomplete: 'new-password', minlength: 8, required: true, dataset: { testid: 'new-password' } });
    showEditor(this.editor, form({
      title: t('admin.users.set_password_of', { name: u.username }),
      fields: [field(t('admin.users.password'), input, t('admin.users.password_reset_hint'))],
      save: () => api.post(`/api/v1/users/${u.id}/password`, { password: input.value }),
      done: () => { showEditor(this.editor, null); this.load(); },
      extraActions: [h('button', { type: 'button', class: 'btn', onclick: () => showEditor(this.editor, null) }, t('action.cancel'))],
    }));
  }
}

customElements.define('sb-admin-users', Users);
