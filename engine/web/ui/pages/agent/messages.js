// Drawing messages: the bubble, who wrote it, when, and for what we sent its status —
// sent ✓, delivered ✓✓, read ✓✓ (coloured), failed with the provider's reason.

import { h } from '../../lib/dom.js';
import { t, formatTime } from '../../lib/i18n.js';

const marks = { queued: '🕓', sending: '🕓', unknown: '?', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '⚠', blocked: '⛔' };

/** A content's words, whatever its type. */
export function contentText(content) {
  if (!content) return '';
  switch (content.type) {
    case 'text': return content.text;
    case 'template': return content.rendered || `[${content.code}] ${(content.params || []).join(' · ')}`;
    case 'media': return content.caption || content.filename || t('desk.content.media');
    case 'location': return [t('desk.content.location'), content.name, content.address, `${content.latitude}, ${content.longitude}`].filter(Boolean).join(' · ');
    case 'contacts': return (content.contacts || []).map((c) => [c.name, ...(c.phones || [])].join(' ')).join('; ');
    case 'interactive': return [content.header, content.body, ...(content.choices || []).map((c) => `• ${c.title}`)].filter(Boolean).join('\n');
    case 'choice_reply': return content.title || content.id;
    case 'reaction': return content.emoji || t('desk.content.reaction_removed');
    default: return t('desk.content.unsupported', { name: content.name || content.type });
  }
}

function statusOf(m) {
  if (m.direction !== 'out') return null;
  const failed = m.status === 'failed' || m.status === 'blocked';
  const reason = failed ? [m.error_code, m.error_message].filter(Boolean).join(': ') : '';
  return h('span', {
    class: `msg-status status-${m.status}`, 'data-testid': 'message-status', dataset: { status: m.status },
  },
  h('span', { 'aria-hidden': 'true' }, marks[m.status] || ''),
  ' ', t(`desk.status.${m.status}`),
  reason ? h('span', { class: 'msg-reason' }, ` — ${reason}`) : null);
}

/** One message as a list item. */
export function messageItem(m) {
  const who = m.direction === 'in' ? t('desk.origin.customer') : t(`desk.origin.${m.origin}`);
  const media = (m.media || []).map((file) => h('a', {
    class: 'msg-media', href: `/api/v1/media/${file.id}`, target: '_blank', rel: 'noopener',
  }, file.filename || file.mime_type || t('desk.content.media')));
  return h('li', {
    class: `msg msg-${m.direction} origin-${m.origin}${m.content?.type === 'template' ? ' msg-template' : ''}`,
    dataset: { id: String(m.id) }, 'data-testid': 'message',
  },
  h('div', { class: 'msg-meta' }, h('span', { class: 'msg-who' }, who), ' · ', h('time', { datetime: m.created_at }, formatTime(m.created_at))),
  h('div', { class: 'msg-text' }, contentText(m.content)),
  media,
  statusOf(m));
}
