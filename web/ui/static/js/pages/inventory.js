// Inventory: one page of identities at a time, filtered, searched and sorted by the API.
import { h, table, link, when, select, field } from '../dom.js';
import { get } from '../api.js';
import { filterForm, pager, params, platforms, kinds } from './paged.js';

const names = ['q', 'platform', 'kind', 'owner', 'owner_status', 'app', 'sort', 'include_gone'];

// The orders the API offers (sort=), ties broken by ID; a leading '-' reverses one whole.
const sorts = [['', 'ID (default)'], ['-id', 'ID, reversed'], ['name', 'Name, A to Z'], ['-name', 'Name, Z to A'],
  ['last_used', 'Last used, recent first'], ['-last_used', 'Last used, never or longest ago first'],
  ['created', 'Created, oldest first'], ['-created', 'Created, newest first'],
  ['expires', 'Expires, soonest first'], ['-expires', 'Expires, latest or never first']];

export async function render(_p, query) {
  const page = await get('/api/v1/identities', { ...params(query, names), limit: 50, cursor: query.get('cursor') });
  const items = page.items || [];
  return h('div', {},
    h('h1', {}, 'Inventory'),
    filterForm('/inventory', [
      field('Search', { name: 'q', type: 'search', value: query.get('q') || '', placeholder: 'name, app, owner' }),
      select('Platform', 'platform', platforms, query.get('platform')),
      select('Kind', 'kind', kinds, query.get('kind')),
      select('Owner status', 'owner_status', [['', 'Any'], ['active', 'active'], ['suspended', 'suspended'],
        ['departed', 'departed'], ['unknown', 'unknown']], query.get('owner_status')),
      field('Owner', { name: 'owner', value: query.get('owner') || '' }),
      select('Sort', 'sort', sorts, query.get('sort')),
      h('label', {}, 'Gone too', h('input', { type: 'checkbox', name: 'include_gone', value: 'true', checked: query.get('include_gone') === 'true' })),
    ]),
    table([
      { title: 'Name', cell: i => link('/identities/' + encodeURIComponent(i.id), i.name || i.external_id) },
      { title: 'Platform', cell: i => i.platform },
      { title: 'Kind', cell: i => i.kind },
      { title: 'Tenant', cell: i => i.tenant },
      { title: 'Owner', cell: i => i.owner_id || '' },
      { title: 'Last used', cell: i => when(i.last_used_at) || 'never' },
      { title: 'Created', cell: i => when(i.created_at) },
      { title: 'Expires', cell: i => when(i.expires_at) },
    ], items, 'No identity matches.'),
    pager('/inventory', query, page.next_cursor, items.length));
}
