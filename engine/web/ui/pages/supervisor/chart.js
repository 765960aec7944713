// A small SVG chart of one figure per hour: bars, or a line whose gaps are hours with nothing
// to measure. No library: a few rectangles and a path. For screen readers the SVG has a title
// and a summary, and the same numbers are in a table under a disclosure.

import { h } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 720;
const H = 220;
const PAD = { left: 56, right: 8, top: 12, bottom: 26 };

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) el.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A round upper bound for the axis: 1, 2, 5 × 10ⁿ. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

let seq = 0;

/**
 * `chart({title, labels, values, kind: 'bar'|'line', format, max, least, testid})`: `values` holds a
 * number or null per label; `format(v)` writes a value for people.
 */
export function chart({ title, labels, values, kind = 'bar', format = String, max, least = 0, testid }) {
  const id = `chart${++seq}`;
  // `least`: the smallest top of the axis (2 for counts, so the middle line is a whole number).
  const top = max ?? niceMax(Math.max(least, ...values.filter((v) => v !== null)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, labels.length);
  const y = (v) => PAD.top + plotH - (Math.min(v, top) / top) * plotH;
  const grid = [0, top / 2, top].map((v) => [
    s('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }),
    s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)),
  ]).flat();
  const ticks = labels.map((label, i) => (i % 3 === 0
    ? s('text', { x: PAD.left + step * i + step / 2, y: H - 6, 'text-anchor': 'middle' }, label) : null));
  let marks;
  if (kind === 'bar') {
    marks = values.map((v, i) => (v ? s('rect', {
      class: 'bar', x: PAD.left + step * i + step * 0.15, width: step * 0.7, y: y(v), height: PAD.top + plotH - y(v),
    }, s('title', {}, `${labels[i]}: ${format(v)}`)) : null));
  } else {
    let d = '';
    let pen = false;
    const dots = [];
    values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      const x = PAD.left + step * i + step / 2;
      d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
      dots.push(s('circle', { class: 'dot', cx: x, cy: y(v), r: 3 }, s('title', {}, `${labels[i]}: ${format(v)}`)));
    });
    marks = [d ? s('path', { class: 'line', d }) : null, ...dots];
  }
  const shown = values.filter((v) => v !== null && v !== undefined);
  const summary = shown.length
    ? t('dash.chart_summary', { min: format(Math.min(...shown)), max: format(Math.max(...shown)), hours: shown.length })
    : t('dash.chart_empty');
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-t ${id}-d` },
    s('title', { id: `${id}-t` }, title), s('desc', { id: `${id}-d` }, summary), ...grid, ...ticks, ...marks);
  const table = h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'sr-only' }, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dash.hour')), h('th', { scope: 'col' }, title))),
    h('tbody', {}, labels.map((label, i) => h('tr', {},
      h('th', { scope: 'row' }, label),
      h('td', {}, values[i] === null || values[i] === undefined ? '—' : format(values[i])))))));
  return h('figure', { class: 'card sb-chart', 'data-testid': testid },
    h('figcaption', {}, h('h2', {}, title)),
    svg,
    h('details', {}, h('summary', {}, t('dash.show_table')), table));
}
