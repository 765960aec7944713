// A message's content as one line of text, for read-only views (spy, transcripts). Mirrors
// the engine's transcript rendering so what a supervisor reads here matches a download.

import { t } from '../../lib/i18n.js';

export function contentText(content) {
  if (!content) return '';
  switch (content.type) {
    case 'text': return content.text || '';
    case 'template': return `[${t('search.template')}: ${content.name || content.code || ''}]`;
    case 'location': return `[${t('search.location')}: ${content.name || `${content.latitude}, ${content.longitude}`}]`;
    case 'reaction': return `[${t('search.reaction')} ${content.emoji || ''}]`;
    case 'contacts': return `[${t('search.contacts')}]`;
    case 'interactive': return content.body || content.text || `[${t('search.interactive')}]`;
    case 'media': {
      const what = content.filename || content.mime_type || t('search.media');
      return `[${what}]${content.caption ? ` ${content.caption}` : ''}`;
    }
    default: return `[${content.type}]`;
  }
}
