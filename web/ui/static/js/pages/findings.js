// Findings triage: filter, read the evidence, suppress with a reason and an expiry.
import { h, table, sev, link, when, select, field } from '../dom.js';
import { get, api, can } from '../api.js';
import { toast } from '../app.js';
import { filterForm, pager, params, platforms } from './paged.js';

// day is the date n days from today, as an <input type=date> value.
function day(n) {
  return new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
}

function suppressForm(f, done) {
  const form = h('form', { class: 'inline-form', hidden: true, onsubmit: async (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const until = fd.get('until') ? new Date(fd.get('until') + 'T23:59:59Z').toISOString() : undefined;
    try {
      await api('POST', '/api/v1/findings/' + encodeURIComponent(f.id) + '/suppress', { reason: fd.get('reason'), until });
      toast('Finding suppressed');
      done();
    } catch (e) { toast('Could not suppress: ' + e.message); }
  } },
  h('input', { name: 'reason', placeholder: 'reason', required: true, 'aria-label': 'Reason' }),
  h('input', { name: 'until', type: 'date', 'aria-label': 'Until', required: true,
    min: day(1), max: day(365), value: day(90), title: 'The suppression lapses after this day (at most a year away).' }),
  h('button', { type: 'submit' }, 'Suppress'));
  return form;
}

function actionCell(f, refresh) {
  if (!can('analyst') || f.status === 'suppressed' || f.status === 'resolved') {
    return f.suppression ? h('span', { class: 'muted' }, 'suppressed by ' + f.suppression.author + ': ' + f.suppression.reason +
      (f.suppression.until ? ' until ' + when(f.suppression.until) : '')) : '';
  }
  const form = suppressForm(f, refresh);
  return h('div', {}, h('button', { type: 'button', class: 'secondary', onclick: () => { form.hidden = !form.hidden; } }, 'Suppress…'), form);
}

// findingsTable renders findings with their evidence; with triage, analysts get a
// suppress form per row.
export function findingsTable(items, triage = true, refresh = () => location.reload()) {
  return table([
    { title: 'Severity', cell: f => sev(f.severity) },
    { title: 'Finding', cell: f => h('div', {}, h('strong', {}, f.title || f.signal), h('div', { class: 'muted' }, f.signal + ' · ' + (f.owasp || []).join(', '))) },
    { title: 'Subject', cell: f => f.subject_kind === 'identity' ? link('/identities/' + encodeURIComponent(f.subject_id), f.subject_id) : (f.subject_id || '') },
    { title: 'Points', cell: f => String(f.points ?? '') },
    { title: 'Evidence', cell: f => h('ul', {}, (f.evidence || []).map(e => h('li', {}, e))) },
    { title: 'Status', cell: f => f.status || '' },
    triage && { title: '', cell: f => actionCell(f, refresh) },
  ].filter(Boolean), items, 'No findings.');
}

const names = ['severity', 'signal', 'owasp', 'platform', 'status'];

export async function render(_p, query) {
  const page = await get('/api/v1/findings', { ...params(query, names), limit: 50, cursor: query.get('cursor') });
  const items = page.items || [];
  const main = () => render(_p, query).then(n => document.getElementById('main').replaceChildren(n));
  return h('div', {},
    h('h1', {}, 'Findings'),
    filterForm('/findings', [
      select('At least', 'severity', [['', 'Any severity'], ...['critical', 'high', 'medium', 'low', 'info'].map(v => [v, v])], query.get('severity')),
      field('Signal', { name: 'signal', value: query.get('signal') || '' }),
      field('OWASP', { name: 'owasp', value: query.get('owasp') || '', placeholder: 'NHI5' }),
      select('Platform', 'platform', platforms, query.get('platform')),
      select('Status', 'status', [['', 'Open and suppressed'], ['open', 'open'], ['suppressed', 'suppressed'], ['resolved', 'resolved']], query.get('status')),
    ]),
    findingsTable(items, true, main),
    pager('/findings', query, page.next_cursor, items.length));
}
