// Audit log: who did what, oldest first, paged with the API's cursor.
import { h, table, link, when } from '../dom.js';
import { get } from '../api.js';
import { pager } from './paged.js';

// detail shows an entry's detail: a one-line summary that opens to the whole JSON.
function detail(d) {
  if (!d) return '';
  const line = JSON.stringify(d);
  if (line.length <= 90) return h('code', {}, line);
  return h('details', {}, h('summary', {}, line.slice(0, 90) + '…'), h('pre', {}, JSON.stringify(d, null, 2)));
}

export async function render(_p, query) {
  const page = await get('/api/v1/audit', { after: query.get('after'), limit: 100, cursor: query.get('cursor') });
  const items = page.items || [];
  return h('div', {},
    h('h1', {}, 'Audit log'),
    table([
      { title: '#', cell: e => String(e.seq), cls: 'nowrap' },
      { title: 'Time', cell: e => when(e.time), cls: 'nowrap' },
      { title: 'Actor', cell: e => e.actor, cls: 'nowrap' },
      { title: 'Event', cell: e => e.kind, cls: 'nowrap' },
      { title: 'Plan', cell: e => e.plan_id ? link('/plans/' + encodeURIComponent(e.plan_id), e.plan_id) : '' },
      { title: 'Target', cell: e => e.target || '' },
      { title: 'Detail', cell: e => detail(e.detail) },
    ], items, 'The audit log is empty.'),
    pager('/audit', query, page.next_cursor, items.length));
}
