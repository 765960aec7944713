// Opening hours: weekly ranges (days + start + end) in an IANA time zone, whole-day holidays
// and dated exceptions with their own ranges, as `routing/schedule.rs` takes them. The server
// checks the zone, the times and the dates; the editor only arranges the input.

import { h, field } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { invalid } from './kit.js';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

let zoneList = null;

/** A `<datalist>` of the browser's IANA zones, shared by every zone input. */
function zones() {
  if (!zoneList) {
    zoneList = h('datalist', { id: 'admin-time-zones' },
      (Intl.supportedValuesOf?.('timeZone') || ['UTC']).map((z) => h('option', { value: z })));
    document.body.append(zoneList);
  }
  return zoneList.id;
}

/** Weekly ranges only (the dialer's contact window uses it alone). */
export function weeklyEditor(ranges, { testid = 'weekly' } = {}) {
  const rows = h('div', { class: 'stack range-rows' });
  const add = (range) => rows.append(weeklyRow(range || { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' }));
  for (const range of ranges || []) add(range);
  const element = h('div', { class: 'weekly', dataset: { testid } },
    rows,
    h('button', { type: 'button', class: 'btn btn-small', onclick: () => add() }, t('admin.schedule.add_range')));
  return {
    element,
    read: () => [...rows.children].map((row) => row.read()),
  };
}

function weeklyRow(range) {
  const boxes = DAYS.map((day) => {
    const box = h('input', { type: 'checkbox', value: day, checked: range.days.includes(day) });
    return h('label', { class: 'day' }, box, t(`admin.day.${day}`));
  });
  const start = h('input', { type: 'time', value: range.start, 'aria-label': t('admin.schedule.start'), required: true });
  // `24:00` cannot be typed in a time input: an end box left empty means midnight.
  const end = h('input', { type: 'time', value: range.end === '24:00' ? '' : range.end, 'aria-label': t('admin.schedule.end') });
  const row = h('fieldset', { class: 'range-row' },
    h('legend', { class: 'sr-only' }, t('admin.schedule.range')),
    h('div', { class: 'days' }, boxes),
    h('div', { class: 'row' },
      h('span', {}, t('admin.schedule.from')), start,
      h('span', {}, t('admin.schedule.to')), end,
      h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => row.remove() }, t('action.delete'))));
  row.read = () => {
    const days = boxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value);
    if (!days.length) throw invalid(t('admin.schedule.need_day'));
    if (!start.value) throw invalid(t('admin.error.required', { field: t('admin.schedule.start') }));
    return { days, start: start.value, end: end.value || '24:00' };
  };
  return row;
}

/** `09:00-13:00, 14:00-18:00` ⇄ ranges. */
function rangesText(ranges) {
  return ranges.map((r) => `${r.start}-${r.end}`).join(', ');
}

function parseRanges(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((part) => {
    const m = part.match(/^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/);
    if (!m) throw invalid(t('admin.schedule.bad_ranges', { text: part }));
    return { start: m[1].padStart(5, '0'), end: m[2].padStart(5, '0') };
  });
}

/**
 * The whole schedule, or "always open" (`read()` → null). `schedule` is the stored one or null.
 */
export function scheduleEditor(schedule, { testid = 'schedule' } = {}) {
  const always = h('input', { type: 'checkbox', checked: !schedule, id: `always-${testid}` });
  const zone = h('input', {
    type: 'text', list: zones(), value: schedule?.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    autocomplete: 'off', spellcheck: 'false', name: 'time_zone',
  });
  const weekly = weeklyEditor(schedule?.weekly || [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' }]);
  const holidays = h('textarea', { rows: 3, name: 'holidays', placeholder: '2026-12-25' });
  holidays.value = (schedule?.holidays || []).join('\n');
  const exceptions = h('div', { class: 'stack' });
  const addException = (ex) => {
    const date = h('input', { type: 'date', value: ex?.date || '', 'aria-label': t('admin.schedule.date') });
    const ranges = h('input', { type: 'text', value: ex ? rangesText(ex.ranges) : '', placeholder: '09:00-13:00', 'aria-label': t('admin.schedule.exception_ranges') });
    const row = h('div', { class: 'row exception-row' }, date, ranges,
      h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => row.remove() }, t('action.delete')));
    row.read = () => {
      if (!date.value) throw invalid(t('admin.error.required', { field: t('admin.schedule.date') }));
      return { date: date.value, ranges: parseRanges(ranges.value) };
    };
    exceptions.append(row);
  };
  for (const ex of schedule?.exceptions || []) addException(ex);
  const details = h('div', { class: 'stack schedule-details' },
    field(t('admin.schedule.time_zone'), zone),
    h('div', {}, h('h4', {}, t('admin.schedule.weekly')), h('p', { class: 'hint muted small' }, t('admin.schedule.weekly_hint')), weekly.element),
    field(t('admin.schedule.holidays'), holidays, t('admin.schedule.holidays_hint')),
    h('div', {}, h('h4', {}, t('admin.schedule.exceptions')), h('p', { class: 'hint muted small' }, t('admin.schedule.exceptions_hint')),
      exceptions,
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => addException() }, t('admin.schedule.add_exception'))));
  const sync = () => { details.hidden = always.checked; };
  always.addEventListener('change', sync);
  sync();
  const element = h('div', { class: 'schedule-editor', dataset: { testid } },
    h('div', { class: 'field field-inline' }, always, h('label', { for: always.id }, t('admin.schedule.always'))),
    details);
  return {
    element,
    read: () => {
      if (always.checked) return null;
      if (!zone.value.trim()) throw invalid(t('admin.error.required', { field: t('admin.schedule.time_zone') }));
      return {
        time_zone: zone.value.trim(),
        weekly: weekly.read(),
        holidays: holidays.value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean),
        exceptions: [...exceptions.children].map((row) => row.read()),
      };
    },
  };
}

/** A schedule as a short line for tables. */
export function scheduleSummary(schedule) {
  if (!schedule) return t('admin.schedule.always');
  const ranges = schedule.weekly.map((r) => `${r.days.map((d) => t(`admin.day.${d}`)).join(' ')} ${r.start}–${r.end}`).join('; ');
  const extra = schedule.holidays.length ? ` · ${t('admin.schedule.n_holidays', { n: schedule.holidays.length })}` : '';
  return `${ranges} (${schedule.time_zone})${extra}`;
}
