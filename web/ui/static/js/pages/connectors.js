// Connectors: each configured platform connection and its last scan.
import { h, table, when } from '../dom.js';
import { get } from '../api.js';

export async function render() {
  const d = await get('/api/v1/connectors');
  const items = Array.isArray(d) ? d : (d.items || []);
  return h('div', {},
    h('h1', {}, 'Connectors'),
    table([
      { title: 'Name', cell: c => c.name },
      { title: 'Platform', cell: c => c.platform },
      { title: 'Tenant', cell: c => c.tenant || '' },
      { title: 'Last scan', cell: c => c.last_scan_status || c.status || (c.last_scan && c.last_scan.status) || 'never' },
      { title: 'At', cell: c => when(c.last_scan_at || c.finished_at || (c.last_scan && (c.last_scan.finished_at || c.last_scan.started_at))) },
    ], items, 'No connector is configured.'));
}
