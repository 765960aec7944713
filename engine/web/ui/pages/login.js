// Sign-in: username and password; on success the element fires `sb:signed-in` with the
// session (`{user, csrf_token}`). Too many attempts say how long to wait.

import { api, setCsrf } from '../lib/api.js';
import { h, replace, field } from '../lib/dom.js';
import { t, languages, setLanguage, language } from '../lib/i18n.js';

class Login extends HTMLElement {
  connectedCallback() {
    this.render();
    this.onLanguage = () => this.render();
    window.addEventListener('sb:language', this.onLanguage);
  }

  disconnectedCallback() {
    window.removeEventListener('sb:language', this.onLanguage);
  }

  render() {
    const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    this.error = h('p', { class: 'form-error', role: 'alert' });
    this.button = h('button', { class: 'btn btn-primary', type: 'submit' }, t('login.submit'));
    const form = h('form', { class: 'login-card card', onsubmit: (event) => this.submit(event, username, password) },
      h('div', { class: 'login-brand' }, h('img', { src: '/ui/icon.svg', alt: '', width: 40, height: 40 }),
        h('h1', {}, 'Switchboard')),
      h('p', { class: 'muted' }, t('login.intro')),
      field(t('login.username'), username),
      field(t('login.password'), password),
      this.error,
      this.button,
      h('div', { class: 'login-language' },
        h('label', { for: 'login-language' }, t('nav.language')),
        h('select', { id: 'login-language', onchange: (event) => setLanguage(event.target.value) },
          languages.map((l) => h('option', { value: l.code, selected: l.code === language() }, l.name)))));
    replace(this, h('div', { class: 'login-page' }, form));
    username.focus();
  }

  async submit(event, username, password) {
    event.preventDefault();
    this.error.textContent = '';
    this.button.disabled = true;
    try {
      const me = await api.post('/api/v1/auth/login', { username: username.value.trim(), password: password.value });
      setCsrf(me.csrf_token);
      this.dispatchEvent(new CustomEvent('sb:signed-in', { detail: me }));
    } catch (error) {
      this.error.textContent = loginError(error);
      password.select();
    } finally {
      this.button.disabled = false;
    }
  }
}

function loginError(error) {
  switch (error.code) {
    case 'invalid_credentials': return t('login.invalid');
    case 'account_disabled': return t('login.disabled');
    case 'too_many_attempts': return t('login.too_many', { seconds: error.retryAfter || '60' });
    case 'network': return t('error.network');
    default: return error.message;
  }
}

customElements.define('sb-login', Login);
