// Every text the client shows, in English and Spanish, chosen per user (`language` on the
// user, changed from the header). Keys are grouped by area, one dictionary file per area and
// language (`i18n/en/agent.js`…), so each page keeps its words beside the others.
// `t('key', {name})` fills `{name}` in the text; a key missing in a language falls back to
// English, then to the key itself (and a test fails on any key missing in Spanish).

import enCommon from '../i18n/en/common.js';
import enAgent from '../i18n/en/agent.js';
import enSupervisor from '../i18n/en/supervisor.js';
import enAdmin from '../i18n/en/admin.js';
import enSimulator from '../i18n/en/simulator.js';
import esCommon from '../i18n/es/common.js';
import esAgent from '../i18n/es/agent.js';
import esSupervisor from '../i18n/es/supervisor.js';
import esAdmin from '../i18n/es/admin.js';
import esSimulator from '../i18n/es/simulator.js';

export const dictionaries = {
  en: { ...enCommon, ...enAgent, ...enSupervisor, ...enAdmin, ...enSimulator },
  es: { ...esCommon, ...esAgent, ...esSupervisor, ...esAdmin, ...esSimulator },
};

export const languages = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
];

let current = 'en';

/** The language in use. */
export function language() {
  return current;
}

/** Switches language; pages re-render on the `sb:language` event. */
export function setLanguage(code) {
  const next = dictionaries[code] ? code : 'en';
  if (next === current) return;
  current = next;
  document.documentElement.lang = next;
  window.dispatchEvent(new CustomEvent('sb:language', { detail: next }));
}

/** The text of `key` in the current language, with `{name}` placeholders filled. */
export function t(key, vars) {
  const text = dictionaries[current][key] ?? dictionaries.en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** A time of day (or date and time when not today) in the user's language. */
export function formatTime(value) {
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  const options = sameDay ? { hour: '2-digit', minute: '2-digit' } : { dateStyle: 'short', timeStyle: 'short' };
  return new Intl.DateTimeFormat(locale(), options).format(date);
}

/** A duration in seconds as `1:05`, `12:03:09`. */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** A number in the user's language (`1,234` / `1.234`). */
export function formatNumber(value, options) {
  return new Intl.NumberFormat(locale(), options).format(Number(value) || 0);
}

function locale() {
  return current === 'es' ? 'es-AR' : 'en-US';
}
