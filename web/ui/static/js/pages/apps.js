// Apps: third-party apps across platforms, by users, name or risk; each links to its
// vendor's page.
import { h, table, link, when, select } from '../dom.js';
import { get } from '../api.js';
import { filterForm, pager, params, platforms } from './paged.js';

export async function render(_p, query) {
  const page = await get('/api/v1/apps', { ...params(query, ['platform', 'sort']), limit: 50, cursor: query.get('cursor') });
  const items = page.items || [];
  return h('div', {},
    h('h1', {}, 'Apps'),
    filterForm('/apps', [
      select('Platform', 'platform', platforms, query.get('platform')),
      select('Sort', 'sort', [['', 'Most users'], ['risk', 'Riskiest'], ['name', 'Name']], query.get('sort')),
    ]),
    table([
      { title: 'App', cell: a => link('/vendors/' + encodeURIComponent(a.vendor || a.name), a.name || a.external_id) },
      { title: 'Vendor', cell: a => a.vendor || '' },
      { title: 'Platform', cell: a => a.platform + ' / ' + a.tenant },
      { title: 'Risk', cell: a => String(a.risk ?? '') },
      { title: 'Users', cell: a => String(a.users ?? '') },
      { title: 'Identities', cell: a => String(a.identities ?? '') },
      { title: 'Last seen', cell: a => when(a.last_seen) },
    ], items, 'No apps.'),
    pager('/apps', query, page.next_cursor, items.length));
}
