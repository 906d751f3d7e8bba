// DOM helpers. Every string from the API goes into the page through text nodes or
// attribute setters: nothing here parses HTML, so tenant-controlled names stay text.

// h builds an element. attrs: "class", plain attributes (setAttribute), "on*" functions
// (addEventListener), "hidden"/"disabled"/"checked"/"value" as properties. children:
// nodes, strings and numbers (as text), arrays, null/undefined/false (skipped).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'hidden' || k === 'disabled' || k === 'checked' || k === 'value' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

const SVG = 'http://www.w3.org/2000/svg';

// s builds an SVG element with attributes set one by one.
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) {
    if (c === undefined || c === null) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// link is an anchor that the router handles without a page load.
export function link(href, ...children) {
  return h('a', { href, 'data-route': '' }, ...children);
}

// table renders rows with columns [{title, cell(row) -> node|string, cls?}].
export function table(columns, rows, empty = 'Nothing here.') {
  if (!rows || rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, c.title)))),
    h('tbody', {}, rows.map(r => h('tr', {}, columns.map(c => h('td', { class: c.cls }, c.cell(r)))))));
}

// kv renders a definition list of [label, value] pairs, skipping empty values.
export function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// sev renders a severity badge.
export function sev(level) {
  const l = String(level || 'info').toLowerCase();
  return h('span', { class: 'badge sev-' + l.replace(/[^a-z]/g, '') }, l);
}

// when formats a timestamp for people; empty for zero values.
export function when(t) {
  if (!t) return '';
  const d = new Date(t);
  if (isNaN(d) || d.getUTCFullYear() < 1971) return '';
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

// card wraps content in a titled box.
export function card(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

// select builds a labelled <select> of [value, label] options.
export function select(label, name, options, current) {
  return h('label', {}, label, h('select', { name },
    options.map(([v, t]) => h('option', { value: v, selected: v === (current || '') }, t))));
}

// field builds a labelled <input>.
export function field(label, attrs) {
  return h('label', {}, label, h('input', attrs));
}
