// How the customer simulator draws message content the way WhatsApp does: formatted text
// (*bold*, _italic_, ~strike~, ```mono```), media, places, contact cards, templates filled
// with their parameters and buttons, and bots' interactive buttons and lists, which can be
// tapped (the tap is the customer's reply). Content is the sandbox plugin's JSON
// (`plugins/providers/sandbox/src/content.rs`).

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/**
 * The nodes for `content`. Options: `template` (the stored template a template message names),
 * `actions.reply(content)` (makes buttons and list rows tappable).
 */
export function renderContent(content, { template = null, actions = null } = {}) {
  if (!content || typeof content !== 'object') return h('p', { class: 'sim-note' }, t('sim.unknown_content'));
  switch (content.type) {
    case 'text': return h('p', { class: 'sim-text' }, formatted(content.text || ''));
    case 'media': return media(content);
    case 'location': return location(content);
    case 'contacts': return contacts(content.contacts || []);
    case 'template': return templateMessage(content, template, actions);
    case 'interactive': return interactive(content, actions);
    case 'choice_reply':
      return h('p', { class: 'sim-text sim-choice-reply' },
        h('span', { class: 'sim-choice-mark', 'aria-hidden': 'true' }, '↩ '), content.title || content.id);
    case 'reaction':
      return h('p', { class: 'sim-text' }, t('sim.reacted', { emoji: content.emoji || '' }));
    case 'unsupported':
      return h('p', { class: 'sim-note' }, t('sim.unsupported', { name: content.name || '' }));
    default:
      return h('p', { class: 'sim-note' }, t('sim.unsupported', { name: content.type || '' }));
  }
}

/** WhatsApp's inline formatting, as nodes (never markup from the text itself). */
export function formatted(text) {
  const parts = [];
  const pattern = /```([\s\S]+?)```|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const [, mono, bold, italic, strike] = match;
    if (mono !== undefined) parts.push(h('code', {}, mono));
    else if (bold !== undefined) parts.push(h('strong', {}, bold));
    else if (italic !== undefined) parts.push(h('em', {}, italic));
    else parts.push(h('s', {}, strike));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/**
 * A URL the page may load: files this server stores (`/media/…`, signed) are fetched from this
 * origin whatever host the engine's public URL names (the CSP allows only 'self'); anything
 * else is only linked.
 */
function localUrl(url) {
  try {
    const parsed = new URL(url, window.location.origin);
    if (parsed.origin === window.location.origin) return parsed.pathname + parsed.search;
    if (parsed.pathname.startsWith('/media/') || parsed.pathname.startsWith('/api/v1/media/')) {
      return parsed.pathname + parsed.search;
    }
  } catch { /* not a URL */ }
  return null;
}

function media(content) {
  const url = content.url || '';
  const local = localUrl(url);
  const type = content.mime_type || '';
  const name = content.filename || url.split('/').pop()?.split('?')[0] || t('sim.file');
  let body;
  if (local && type.startsWith('image/')) {
    body = h('img', { class: 'sim-image', src: local, alt: content.caption || name, loading: 'lazy' });
  } else if (local && type.startsWith('audio/')) {
    body = h('audio', { controls: true, src: local, 'aria-label': name });
  } else if (local && type.startsWith('video/')) {
    body = h('video', { class: 'sim-image', controls: true, src: local, 'aria-label': name });
  } else {
    body = h('div', { class: 'sim-file' },
      h('span', { class: 'sim-file-icon', 'aria-hidden': 'true' }, '▤'),
      h('span', { class: 'sim-file-name' }, name),
      local || /^https?:/.test(url)
        ? h('a', { href: local || url, target: '_blank', rel: 'noopener noreferrer' }, t('sim.open_file'))
        : null);
  }
  return h('div', { class: 'sim-media' }, body,
    content.caption ? h('p', { class: 'sim-text' }, formatted(content.caption)) : null);
}

function location(place) {
  const coordinates = `${Number(place.latitude).toFixed(5)}, ${Number(place.longitude).toFixed(5)}`;
  return h('div', { class: 'sim-location' },
    h('span', { class: 'sim-pin', 'aria-hidden': 'true' }, '⌖'),
    h('div', {},
      h('strong', {}, place.name || t('sim.location')),
      place.address ? h('p', { class: 'small' }, place.address) : null,
      h('p', { class: 'small sim-muted' }, coordinates)));
}

function contacts(cards) {
  return h('div', { class: 'sim-contacts' }, cards.map((card) => h('div', { class: 'sim-contact' },
    h('span', { class: 'sim-avatar', 'aria-hidden': 'true' }, initials(card.name || '?')),
    h('div', {},
      h('strong', {}, card.name || t('sim.contact')),
      [...(card.phones || []), ...(card.emails || [])].map((line) => h('p', { class: 'small' }, line))))));
}

/** `{{1}}…{{n}}` of `body` replaced by the message's parameters (a missing one stays visible). */
export function fillTemplate(body, params) {
  return body.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n) => params[Number(n) - 1] ?? whole);
}

function templateMessage(content, template, actions) {
  const params = content.body_params || [];
  const header = content.header;
  let headerNode = null;
  if (header?.type === 'text') headerNode = h('p', { class: 'sim-template-header' }, formatted(header.text || ''));
  else if (header) headerNode = media(header);
  const body = template
    ? h('p', { class: 'sim-text' }, formatted(fillTemplate(template.body, params)))
    : h('div', {},
      h('p', { class: 'sim-note' }, t('sim.template_unknown', { name: content.name, language: content.language })),
      params.length ? h('ol', { class: 'sim-params' }, params.map((p) => h('li', {}, p))) : null);
  const footer = h('p', { class: 'sim-footer' },
    t('sim.template_footer', { name: content.name, language: content.language }));
  const buttons = (content.buttons || []).slice().sort((a, b) => a.index - b.index).map((button) => {
    if (button.kind === 'url') {
      return h('a', { class: 'sim-action', href: button.value, target: '_blank', rel: 'noopener noreferrer' },
        h('span', { 'aria-hidden': 'true' }, '↗ '), button.value);
    }
    if (button.kind === 'copy_code') {
      return h('button', {
        type: 'button', class: 'sim-action',
        onclick: (event) => copy(button.value, event.currentTarget),
      }, t('sim.copy_code', { code: button.value }));
    }
    return h('button', {
      type: 'button', class: 'sim-action', disabled: !actions,
      onclick: () => actions?.reply({ type: 'choice_reply', id: button.value, title: button.value, description: null }),
    }, h('span', { 'aria-hidden': 'true' }, '↩ '), button.value);
  });
  return h('div', { class: 'sim-template', dataset: { testid: 'sim-template' } },
    headerNode, body, footer, buttons.length ? h('div', { class: 'sim-actions' }, buttons) : null);
}

async function copy(value, button) {
  try {
    await navigator.clipboard.writeText(value);
    button.dataset.copied = 'true';
    button.setAttribute('aria-label', t('sim.copied'));
  } catch { /* no clipboard permission: the code is on the button for copying by hand */ }
}

function interactive(content, actions) {
  const choices = content.choices || [];
  const reply = (choice) => actions?.reply({
    type: 'choice_reply', id: choice.id, title: choice.title, description: choice.description ?? null,
  });
  let choiceNodes = null;
  if (choices.length && content.list_button) {
    // A list: one button opens the rows, as WhatsApp does.
    const rows = h('ul', { class: 'sim-list', hidden: true }, choices.map((choice) => h('li', {},
      h('button', {
        type: 'button', class: 'sim-list-row', disabled: !actions,
        onclick: () => { rows.hidden = true; toggle.setAttribute('aria-expanded', 'false'); reply(choice); },
      },
        h('span', {}, choice.title),
        choice.description ? h('span', { class: 'small sim-muted' }, choice.description) : null))));
    const toggle = h('button', {
      type: 'button', class: 'sim-action', 'aria-expanded': 'false',
      onclick: () => {
        rows.hidden = !rows.hidden;
        toggle.setAttribute('aria-expanded', String(!rows.hidden));
      },
    }, h('span', { 'aria-hidden': 'true' }, '☰ '), content.list_button);
    choiceNodes = h('div', { class: 'sim-actions' }, toggle, rows);
  } else if (choices.length) {
    choiceNodes = h('div', { class: 'sim-actions' }, choices.map((choice) => h('button', {
      type: 'button', class: 'sim-action', disabled: !actions, onclick: () => reply(choice),
    }, choice.title)));
  }
  return h('div', { class: 'sim-interactive', dataset: { testid: 'sim-interactive' } },
    content.header ? h('p', { class: 'sim-template-header' }, content.header) : null,
    h('p', { class: 'sim-text' }, formatted(content.body || '')),
    content.footer ? h('p', { class: 'sim-footer' }, content.footer) : null,
    choiceNodes);
}

/** The ticks of a business message: ◷ waiting, ✓ sent, ✓✓ delivered, blue ✓✓ read, ⚠ failed. */
export function ticks(status, errorCode) {
  const known = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed'];
  const state = known.includes(status) ? status : 'sent';
  // Symbols from the basic planes: machines without an emoji font still draw them.
  const marks = { queued: '◷', sending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '⚠' };
  const label = state === 'failed' && errorCode
    ? t('sim.status_failed_code', { code: errorCode })
    : t(`sim.status_${state}`);
  return h('span', { class: `sim-ticks sim-ticks-${state}`, role: 'img', 'aria-label': label, title: label }, marks[state]);
}

/** Two letters for an avatar: a name's first two, a number's last two. */
export function initials(text) {
  const letters = String(text).replace(/[^\p{L}\p{N}]/gu, '');
  return (/^\d/.test(letters) ? letters.slice(-2) : letters.slice(0, 2)).toUpperCase();
}
