// Dashboard: the estate at a glance. Sections are drawn from GET /api/v1/dashboard; each
// accepts either a list of objects or an object of counts, so small shape changes in the
// API degrade to a plain table instead of a broken page.
import { h, s, card, table, sev, link, when } from '../dom.js';
import { get } from '../api.js';

// rows turns {"k": n} into [{key: "k", count: n}] and leaves arrays alone.
export function rows(x) {
  if (!x) return [];
  if (Array.isArray(x)) return x;
  return Object.entries(x).map(([key, v]) => (v && typeof v === 'object' ? { key, ...v } : { key, count: v }));
}

function pick(o, ...names) {
  for (const n of names) if (o && o[n] !== undefined && o[n] !== null) return o[n];
  return undefined;
}

// generic renders any list of flat objects as a table of its scalar fields.
export function generic(list, empty) {
  const r = rows(list);
  const keys = [...new Set(r.flatMap(o => Object.keys(o).filter(k => o[k] === null || typeof o[k] !== 'object')))];
  return table(keys.map(k => ({ title: k.replace(/_/g, ' '), cell: o => (o[k] ?? '') + '' })), r, empty);
}

// trendChart draws findings per scan as an inline SVG line chart.
export function trendChart(points) {
  const pts = rows(points).map(p => ({ n: Number(pick(p, 'findings', 'count', 'open', 'total') ?? 0),
    label: when(pick(p, 'started_at', 'time', 'at', 'finished_at')) || String(pick(p, 'scan_id', 'id', 'key') ?? '') }));
  if (pts.length === 0) return h('p', { class: 'muted' }, 'No scans yet.');
  const W = 600, H = 180, pad = 30, max = Math.max(1, ...pts.map(p => p.n));
  const x = i => pad + (pts.length === 1 ? (W - 2 * pad) / 2 : i * (W - 2 * pad) / (pts.length - 1));
  const y = n => H - pad - n * (H - 2 * pad) / max;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Findings per scan' },
    s('line', { class: 'axis', x1: pad, y1: H - pad, x2: W - pad, y2: H - pad }),
    s('line', { class: 'axis', x1: pad, y1: pad, x2: pad, y2: H - pad }),
    s('text', { x: 2, y: pad }, String(max)), s('text', { x: 2, y: H - pad }, '0'),
    s('polyline', { class: 'line', points: pts.map((p, i) => `${x(i)},${y(p.n)}`).join(' ') }));
  pts.forEach((p, i) => svg.appendChild(s('circle', { class: 'dot', cx: x(i), cy: y(p.n), r: 3 },
    s('title', {}, `${p.label}: ${p.n} findings`))));
  return svg;
}

function severityBars(bySev) {
  const order = ['critical', 'high', 'medium', 'low', 'info'];
  const r = rows(bySev).map(o => ({ sev: String(pick(o, 'severity', 'key')), n: Number(pick(o, 'count', 'n') ?? 0) }))
    .sort((a, b) => order.indexOf(a.sev) - order.indexOf(b.sev));
  const max = Math.max(1, ...r.map(o => o.n));
  return table([
    { title: 'Severity', cell: o => link('/findings?severity=' + encodeURIComponent(o.sev), sev(o.sev)) },
    { title: 'Findings', cell: o => String(o.n) },
    { title: '', cell: o => s('svg', { width: 160, height: 12, 'aria-hidden': 'true' },
      s('rect', { class: 'bar', x: 0, y: 0, height: 12, width: Math.round(160 * o.n / max) })) },
  ], r, 'No findings.');
}

function vendorsTable(list) {
  return table([
    { title: 'Vendor', cell: v => { const n = pick(v, 'vendor', 'name', 'key'); return link('/vendors/' + encodeURIComponent(n), n); } },
    { title: 'Score', cell: v => String(pick(v, 'score', 'points', 'risk') ?? '') },
    { title: 'Severity', cell: v => { const l = pick(v, 'max_severity', 'severity'); return l ? sev(l) : ''; } },
    { title: 'Identities', cell: v => String(pick(v, 'identities', 'users', 'count') ?? '') },
    { title: 'Findings', cell: v => String(pick(v, 'findings') ?? '') },
  ], rows(list), 'No vendors.');
}

function identityRef(o) {
  const id = pick(o, 'identity_id', 'id');
  const name = pick(o, 'name', 'identity', 'identity_name') ?? id;
  return id ? link('/identities/' + encodeURIComponent(id), name) : String(name ?? '');
}

export async function render() {
  const d = await get('/api/v1/dashboard');
  const byPK = pick(d, 'by_platform_kind', 'identities', 'counts', 'by_platform');
  return h('div', {},
    h('h1', {}, 'Dashboard'),
    h('div', { class: 'grid' },
      card('Non-human identities by platform and kind', generic(byPK, 'No identities yet.')),
      card('Findings by severity', severityBars(pick(d, 'findings_by_severity', 'severity', 'findings'))),
      card('Findings across scans', trendChart(pick(d, 'trend', 'scans'))),
      card('Riskiest vendors', vendorsTable(pick(d, 'riskiest_vendors', 'vendors'))),
      card('Credentials expiring within 30 days', table([
        { title: 'Identity', cell: identityRef },
        { title: 'Platform', cell: o => String(pick(o, 'platform') ?? '') },
        { title: 'Expires', cell: o => when(pick(o, 'expires_at', 'expires')) },
      ], rows(pick(d, 'expiring_credentials', 'expiring')), 'Nothing expires soon.')),
      card('Offboarding debt', debt(pick(d, 'offboarding_debt', 'offboarding')))));
}

// debt renders identities whose owner is suspended or departed: either a list, or
// {"suspended": n, "departed": n, "identities": [...]}.
function debt(x) {
  const list = Array.isArray(x) ? x : (x && x.identities) || [];
  return h('div', {},
    x && !Array.isArray(x) ? h('p', {}, `Identities of suspended owners: ${x.suspended ?? 0}; of departed owners: ${x.departed ?? 0}`) : null,
    table([
      { title: 'Identity', cell: identityRef },
      { title: 'Platform', cell: o => String(pick(o, 'platform') ?? '') },
      { title: 'Owner', cell: o => String(pick(o, 'owner', 'owner_email', 'owner_id') ?? '') },
      list.some(o => o.owner_status) && { title: 'Owner status', cell: o => String(pick(o, 'owner_status') ?? '') },
    ].filter(Boolean), list.slice(0, 20), 'No offboarding debt.'),
    link('/inventory?owner_status=suspended', 'All identities of suspended owners'), ' · ',
    link('/inventory?owner_status=departed', 'of departed owners'));
}
