// The web client's words, without a browser: English and Spanish have the same keys in the
// same area files, no text is empty, placeholders match, every `t('key')` in the client names
// a key that exists, and (a heuristic) no page passes a literal English sentence to `h()`
// instead of going through `t()`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './harness.mjs';

const ui = join(repoRoot, 'engine', 'web', 'ui');
const languages = ['en', 'es'];

async function dictionary(language, file) {
  const module = await import(pathToFileURL(join(ui, 'i18n', language, file)).href);
  return module.default;
}

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('English and Spanish have the same area files and keys, none empty', async () => {
  const files = Object.fromEntries(languages.map((l) => [l, readdirSync(join(ui, 'i18n', l)).filter((f) => f.endsWith('.js')).sort()]));
  assert.deepEqual(files.es, files.en, 'the same area files in i18n/en and i18n/es');
  const problems = [];
  const seen = Object.fromEntries(languages.map((l) => [l, new Map()]));
  for (const file of files.en) {
    const dicts = Object.fromEntries(await Promise.all(languages.map(async (l) => [l, await dictionary(l, file)])));
    for (const [language, other] of [['en', 'es'], ['es', 'en']]) {
      for (const [key, text] of Object.entries(dicts[language])) {
        if (!(key in dicts[other])) problems.push(`${other}/${file}: missing '${key}' (present in ${language})`);
        if (typeof text !== 'string' || !text.trim()) problems.push(`${language}/${file}: '${key}' is empty`);
        const earlier = seen[language].get(key);
        if (earlier && earlier !== file) problems.push(`${language}: '${key}' is in both ${earlier} and ${file}`);
        seen[language].set(key, file);
      }
    }
    for (const [key, text] of Object.entries(dicts.en)) {
      const spanish = dicts.es[key];
      if (typeof spanish === 'string' && placeholders(text).join() !== placeholders(spanish).join()) {
        problems.push(`${file}: '${key}' has placeholders {${placeholders(text)}} in en but {${placeholders(spanish)}} in es`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test("every t('key') in the client exists", async () => {
  const english = {};
  for (const file of readdirSync(join(ui, 'i18n', 'en')).filter((f) => f.endsWith('.js'))) {
    Object.assign(english, await dictionary('en', file));
  }
  const missing = [];
  for (const path of jsFiles(ui).filter((p) => !p.includes(`${join(ui, 'i18n')}/`))) {
    // Through the lexer, so `t('key')` in a comment does not count; keys built at run time
    // (`t(\`sim.status_${state}\`)`) cannot be checked here.
    const tokens = lex(readFileSync(path, 'utf8'));
    tokens.forEach((token, i) => {
      const key = tokens[i + 2];
      if (token.type === 'word' && token.value === 't' && tokens[i + 1]?.value === '(' && tokens[i - 1]?.value !== '.'
        && key?.type === 'string' && key.quoted && !(key.value in english)) {
        missing.push(`${relative(repoRoot, path)}:${key.line}: t('${key.value}')`);
      }
    });
  }
  assert.deepEqual([...new Set(missing)], []);
});

// --- The literal-sentence heuristic -------------------------------------------------------

/**
 * The tokens of a JS module that matter here: identifiers, punctuation, and string literals
 * (a template literal gives its fixed parts). Comments and regular expressions are skipped, so
 * their quotes and parentheses do not confuse the scan.
 */
function lex(source) {
  const tokens = [];
  let i = 0;
  let line = 1;
  const last = () => tokens[tokens.length - 1];
  const regexCanStart = () => {
    const previous = last();
    if (!previous) return true;
    if (previous.type === 'punct') return !')]}'.includes(previous.value);
    return previous.type === 'word' && ['return', 'typeof', 'case', 'of', 'in', 'new', 'throw'].includes(previous.value);
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') { line += 1; i += 1; continue; }
    if (/\s/.test(c)) { i += 1; continue; }
    if (c === '/' && source[i + 1] === '/') { while (i < source.length && source[i] !== '\n') i += 1; continue; }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      line += (source.slice(i, stop).match(/\n/g) || []).length;
      i = stop;
      continue;
    }
    if (c === '/' && regexCanStart()) {
      let inClass = false;
      i += 1;
      while (i < source.length && source[i] !== '\n') {
        if (source[i] === '\\') { i += 2; continue; }
        if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        else if (source[i] === '/' && !inClass) break;
        i += 1;
      }
      i += 1;
      while (/[a-z]/i.test(source[i] || '')) i += 1;
      tokens.push({ type: 'punct', value: 'regex', line });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      const start = line;
      i += 1;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\') { value += source[i + 1]; i += 2; continue; }
        value += source[i];
        i += 1;
      }
      i += 1;
      tokens.push({ type: 'string', value, line: start, quoted: true });
      continue;
    }
    if (c === '`') {
      const start = line;
      const [parts, end] = template(source, i + 1);
      line += (source.slice(i, end).match(/\n/g) || []).length;
      for (const value of parts) tokens.push({ type: 'string', value, line: start });
      i = end;
      continue;
    }
    if (/[\w$]/.test(c)) {
      let j = i;
      while (j < source.length && /[\w$]/.test(source[j])) j += 1;
      tokens.push({ type: 'word', value: source.slice(i, j), line });
      i = j;
      continue;
    }
    tokens.push({ type: 'punct', value: c, line });
    i += 1;
  }
  return tokens;
}

/**
 * A template literal starting after its backtick, with each `${…}` as `X` (so `Hello ${name},
 * welcome` still reads as a sentence), and where it ends.
 */
function template(source, i) {
  let text = '';
  while (i < source.length && source[i] !== '`') {
    if (source[i] === '\\') { text += source[i + 1]; i += 2; continue; }
    if (source[i] === '$' && source[i + 1] === '{') {
      text += 'X';
      i = skipExpression(source, i + 2);
      continue;
    }
    text += source[i];
    i += 1;
  }
  return [[text], i + 1];
}

/** Past the `}` closing a `${…}` (nested braces, strings and templates allowed). */
function skipExpression(source, i) {
  let depth = 1;
  while (i < source.length && depth > 0) {
    const c = source[i];
    if (c === '{') depth += 1;
    else if (c === '}') depth -= 1;
    else if (c === '"' || c === "'") {
      i += 1;
      while (i < source.length && source[i] !== c) i += source[i] === '\\' ? 2 : 1;
    } else if (c === '`') {
      i = template(source, i + 1)[1] - 1;
    }
    i += 1;
  }
  return i;
}

/** A sentence a person reads: a capitalised word, then more words ("Save changes", "No data."). */
const SENTENCE = /^\s*[A-Z][a-z’']+(?:[ ,]+[A-Za-z’']+)+\s*[.!?…:]?\s*$/;

/** String literals inside `h(…)` calls, leaving out `t(…)` arguments. */
function literalSentences(source) {
  const tokens = lex(source);
  const found = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const call = token.type === 'word' && token.value === 'h' && tokens[i + 1]?.value === '('
      && tokens[i - 1]?.value !== '.';
    if (!call) continue;
    let depth = 0;
    let skipUntil = -1; // inside a t(…) call: its depth
    for (let j = i + 1; j < tokens.length; j++) {
      const inner = tokens[j];
      if (inner.type === 'punct' && '([{'.includes(inner.value)) depth += 1;
      else if (inner.type === 'punct' && ')]}'.includes(inner.value)) {
        depth -= 1;
        if (skipUntil >= 0 && depth < skipUntil) skipUntil = -1;
        if (depth === 0) break;
      } else if (inner.type === 'word' && inner.value === 't' && tokens[j + 1]?.value === '(' && skipUntil < 0) {
        skipUntil = depth + 1;
      } else if (inner.type === 'string' && skipUntil < 0 && SENTENCE.test(inner.value)) {
        found.push({ line: inner.line, text: inner.value });
      }
    }
  }
  // Nested h() calls are scanned by each enclosing call: report each literal once.
  const unique = new Map(found.map((f) => [`${f.line}:${f.text}`, f]));
  return [...unique.values()];
}

test('the heuristic finds sentences passed to h() and not data or t() keys', () => {
  const source = `
    // h('p', {}, 'Not this comment')
    const a = h('p', { class: 'muted small', title: t('x.y') }, 'Save your changes', t('a.b', { n: 'Not a sentence here' }));
    const b = h('button', { 'aria-label': 'Close the dialog' }, /[(']/.test(x) ? '+54 9 11' : 'OK');
    const c = h('span', {}, \`\${name} · SMS\`, \`Hello \${name}, welcome\`);
  `;
  assert.deepEqual(literalSentences(source).map((f) => f.text).sort(),
    ['Close the dialog', 'Hello X, welcome', 'Save your changes'].sort());
});

test('no page passes a literal English sentence to h() without t()', () => {
  const pages = join(ui, 'pages');
  const problems = [];
  for (const path of jsFiles(pages)) {
    for (const { line, text } of literalSentences(readFileSync(path, 'utf8'))) {
      problems.push(`${relative(repoRoot, path)}:${line}: '${text.trim()}'`);
    }
  }
  assert.deepEqual(problems, [], 'visible words go through t() (add the key in i18n/en and i18n/es)');
});
