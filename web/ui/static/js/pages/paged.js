// Shared pieces of the list pages: a filter form bound to the URL query and a cursor
// pager. Only one page of items is ever loaded; the cursor comes from the API.
import { h } from '../dom.js';
import { navigate } from '../app.js';

const back = new Map(); // list path + filters -> stack of earlier cursors

// filterForm renders fields and, on submit, navigates to base with their non-empty values.
export function filterForm(base, fields) {
  const form = h('form', { class: 'filters', role: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
    navigate(base + (q.toString() ? '?' + q : ''));
  } }, fields, h('button', { type: 'submit' }, 'Apply'));
  return form;
}

// pager renders Previous/Next links for a list whose current cursor is in query.
export function pager(base, query, next, count) {
  const cur = query.get('cursor') || '';
  const rest = new URLSearchParams(query);
  rest.delete('cursor');
  const key = base + '?' + rest;
  const stack = back.get(key) || [];
  const go = (c) => { const q = new URLSearchParams(rest); if (c) q.set('cursor', c); navigate(base + (q.toString() ? '?' + q : '')); };
  return h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'secondary', disabled: !cur, onclick: () => {
      const st = back.get(key) || []; go(st.pop() || ''); back.set(key, st);
    } }, 'Previous'),
    h('span', { class: 'muted' }, count + ' shown'),
    h('button', { type: 'button', class: 'secondary', disabled: !next, onclick: () => {
      stack.push(cur); back.set(key, stack); go(next);
    } }, 'Next'));
}

// params copies the named query parameters into an object.
export function params(query, names) {
  const o = {};
  for (const n of names) if (query.get(n)) o[n] = query.get(n);
  return o;
}

export const platforms = [['', 'Any platform'], ['google_workspace', 'Google Workspace'], ['microsoft_entra', 'Microsoft Entra'],
  ['github', 'GitHub'], ['slack', 'Slack'], ['salesforce', 'Salesforce'], ['okta', 'Okta'], ['aws', 'AWS']];
export const kinds = [['', 'Any kind'], ...['oauth_grant', 'service_account', 'api_key', 'app_credential', 'bot',
  'integration', 'webhook', 'deploy_key'].map(k => [k, k.replace(/_/g, ' ')])];
