// A form drawn from a plugin's config JSON Schema, for the keywords the bundled plugins use:
// `properties` of type string, integer, number, boolean; `enum`; `const`; arrays of strings or
// integers (one item a line); `["string", "null"]`; `oneOf`/`anyOf` branches told apart by a
// `const` property (Sinch's `api`, the HTTP gateway's `style`), chosen with a select. Anything
// else (objects, arrays of objects) is edited as JSON. The server validates the result against
// the same schema; this only shapes the input.
//
// Fields marked `"writeOnly": true` are secrets: never filled in (the API does not return them),
// only "set / replace": left empty, the stored value stays (the connector API keeps secrets left
// out); typed, it replaces; "clear" sends `null`.

import { h, field, replace } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { invalid } from './kit.js';

/**
 * `schemaForm(schema, value, {secretsSet})` → `{element, read()}`; `read()` returns the config
 * object or throws an error naming the field.
 */
export function schemaForm(schema, value = {}, { secretsSet = [] } = {}) {
  const current = value && typeof value === 'object' ? value : {};
  const branches = branchesOf(schema);
  const element = h('div', { class: 'schema-form', dataset: { testid: 'schema-form' } });
  if (!schema || typeof schema !== 'object') {
    return jsonOnly(element, current);
  }
  if (!branches) {
    const fields = propertyFields(schema, current, secretsSet);
    replace(element, fields.map((f) => f.element));
    if (!fields.length) element.append(h('p', { class: 'muted' }, t('admin.schema.no_settings')));
    return { element, read: () => readFields(fields, {}) };
  }
  // One branch at a time; the select picks it, the branch's `const` goes into the config.
  const { key, list } = branches;
  let chosen = Math.max(0, list.findIndex((b) => b.value === current[key]));
  let fields = [];
  const body = h('div', { class: 'schema-branch' });
  const select = h('select', { name: key, dataset: { testid: `cfg-${key}` } },
    list.map((b, i) => h('option', { value: String(i), selected: i === chosen }, b.title)));
  const draw = () => {
    const keep = list[chosen].value === current[key] ? current : {};
    fields = propertyFields(list[chosen].schema, keep, secretsSet).filter((f) => f.name !== key);
    replace(body, fields.map((f) => f.element));
  };
  select.addEventListener('change', () => { chosen = Number(select.value); draw(); });
  replace(element, field(key, select, schema.description), body);
  draw();
  return { element, read: () => readFields(fields, { [key]: list[chosen].value }) };
}

/** `{key, list: [{title, value, schema}]}` when the schema is a choice of `const`-tagged branches. */
function branchesOf(schema) {
  const list = schema?.oneOf || schema?.anyOf;
  if (!Array.isArray(list) || !list.length) return null;
  const first = list[0]?.properties || {};
  const key = Object.keys(first).find((k) => 'const' in first[k]
    && list.every((b) => b.properties?.[k] && 'const' in b.properties[k]));
  if (!key) return null;
  return {
    key,
    list: list.map((b) => ({ title: b.title || String(b.properties[key].const), value: b.properties[key].const, schema: b })),
  };
}

function propertyFields(schema, value, secretsSet) {
  const required = new Set(schema.required || []);
  // Required fields first (what must be filled in), then the rest as the schema lists them.
  return Object.entries(schema.properties || {})
    .filter(([, prop]) => !('const' in prop))
    .sort(([a], [b]) => Number(required.has(b)) - Number(required.has(a)))
    .map(([name, prop]) => fieldFor(name, prop, value[name], name in value, required.has(name), secretsSet.includes(name)));
}

/** One field: `{name, element, read() → [present, value]}`. */
function fieldFor(name, prop, value, present, required, secretSet) {
  const label = required ? `${name} *` : name;
  const hint = prop.description || null;
  const testid = `cfg-${name}`;
  const types = [].concat(prop.type || []);
  if (prop.writeOnly) return secretField(name, label, prop, secretSet, required);
  if (Array.isArray(prop.enum)) {
    const options = [
      h('option', { value: '' }, 'default' in prop ? t('admin.schema.default', { value: String(prop.default) }) : t('common.none')),
      ...prop.enum.map((v, i) => h('option', { value: String(i), selected: present && v === value }, String(v))),
    ];
    const select = h('select', { name, required, dataset: { testid } }, options);
    return {
      name,
      element: field(label, select, hint),
      read: () => (select.value === '' ? need(required, name, [false]) : [true, prop.enum[Number(select.value)]]),
    };
  }
  if (types.includes('boolean')) {
    const checked = present ? !!value : !!prop.default;
    const input = h('input', { type: 'checkbox', name, checked, dataset: { testid } });
    const id = `cfg${Math.random().toString(36).slice(2, 9)}`;
    input.id = id;
    const element = h('div', { class: 'field' },
      h('div', { class: 'field-inline' }, input, h('label', { for: id }, name)),
      hint ? h('small', { class: 'hint' }, hint) : null);
    // Written when it was, or when it differs from the default: an untouched form adds nothing.
    return { name, element, read: () => (present || input.checked !== !!prop.default ? [true, input.checked] : [false]) };
  }
  if (types.includes('integer') || types.includes('number')) {
    const input = h('input', {
      type: 'number', name, inputmode: 'numeric', required, value: present ? String(value) : '',
      min: prop.minimum, max: prop.maximum, step: types.includes('integer') ? '1' : 'any',
      placeholder: 'default' in prop ? String(prop.default) : null, dataset: { testid },
    });
    return {
      name,
      element: field(label, input, hint),
      read: () => {
        const text = input.value.trim();
        if (text === '') return need(required, name, [false]);
        const number = Number(text);
        if (!Number.isFinite(number) || (types.includes('integer') && !Number.isInteger(number))) {
          throw invalid(t('admin.error.number', { field: name }));
        }
        return [true, number];
      },
    };
  }
  if (types.includes('array') && ['string', 'integer'].includes(prop.items?.type)) {
    const area = h('textarea', { name, rows: 3, dataset: { testid } });
    area.value = present && Array.isArray(value) ? value.join('\n') : '';
    return {
      name,
      element: field(label, area, [hint, t('admin.schema.one_per_line')].filter(Boolean).join(' ')),
      read: () => {
        const lines = area.value.split('\n').map((l) => l.trim()).filter(Boolean);
        if (!lines.length && !present) return need(required, name, [false]);
        if (prop.items.type === 'string') return [true, lines];
        const numbers = lines.map(Number);
        if (numbers.some((n) => !Number.isInteger(n))) throw invalid(t('admin.error.number', { field: name }));
        return [true, numbers];
      },
    };
  }
  if (types.includes('string') && !types.includes('object') && !types.includes('array')) {
    const input = h('input', {
      type: 'text', name, required, value: present && value !== null ? String(value) : '',
      placeholder: 'default' in prop && prop.default !== null ? String(prop.default) : null,
      autocomplete: 'off', spellcheck: 'false', dataset: { testid },
    });
    return {
      name,
      element: field(label, input, hint),
      read: () => (input.value.trim() === '' ? need(required, name, [false]) : [true, input.value.trim()]),
    };
  }
  return jsonField(name, label, hint, value, present, required, testid);
}

/** Anything the form does not draw (objects, arrays of objects): JSON text. */
function jsonField(name, label, hint, value, present, required, testid) {
  const area = h('textarea', { name, rows: 4, class: 'mono', spellcheck: 'false', dataset: { testid } });
  area.value = present ? JSON.stringify(value, null, 2) : '';
  return {
    name,
    element: field(label, area, [hint, t('admin.schema.json')].filter(Boolean).join(' ')),
    read: () => {
      if (area.value.trim() === '') return need(required, name, [false]);
      try {
        return [true, JSON.parse(area.value)];
      } catch {
        throw invalid(t('admin.error.json', { field: name }));
      }
    },
  };
}

/** A secret: an empty password box; typed replaces, "clear" removes, untouched keeps. */
function secretField(name, label, prop, isSet, required) {
  const input = h('input', {
    type: 'password', name, autocomplete: 'new-password', spellcheck: 'false', value: '',
    placeholder: isSet ? t('admin.secret.keep') : '', dataset: { testid: `cfg-${name}`, secret: 'true' },
  });
  const state = h('span', { class: `badge ${isSet ? 'badge-success' : 'badge-warning'}` },
    isSet ? t('admin.secret.set') : t('admin.secret.not_set'));
  let clear = null;
  let clearRow = null;
  if (isSet && !required) {
    clear = h('input', { type: 'checkbox' });
    clear.id = `clr${Math.random().toString(36).slice(2, 9)}`;
    clearRow = h('div', { class: 'field-inline small' }, clear, h('label', { for: clear.id }, t('admin.secret.clear')));
  }
  const element = field(label, input, [prop.description, t('admin.secret.hint')].filter(Boolean).join(' '));
  element.querySelector('label').append(' ', state);
  if (clearRow) element.append(clearRow);
  return {
    name,
    element,
    read: () => {
      if (input.value !== '') return [true, input.value];
      if (clear?.checked) return [true, null];
      if (!isSet) return need(required, name, [false]);
      return [false];
    },
  };
}

function need(required, name, answer) {
  if (required) throw invalid(t('admin.error.required', { field: name }));
  return answer;
}

function readFields(fields, base) {
  const config = { ...base };
  for (const f of fields) {
    const [present, value] = f.read();
    if (present) config[f.name] = value;
  }
  return config;
}

function jsonOnly(element, value) {
  const f = jsonField('config', 'config', null, value, true, false, 'cfg-json');
  replace(element, f.element);
  return { element, read: () => f.read()[1] ?? {} };
}
