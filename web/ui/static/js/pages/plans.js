// Plans and approvals: list plans, and on one plan approve, reject or execute it as the
// user's role allows (buttons the role cannot use are not shown; the API enforces it too).
import { h, card, table, kv, link, when, select } from '../dom.js';
import { get, api, can } from '../api.js';
import { navigate, toast } from '../app.js';
import { filterForm, pager, params } from './paged.js';
import { actionsTable } from './vendor.js';

async function loadPlan(id) {
  try {
    const p = await get('/api/v1/plans/' + encodeURIComponent(id));
    return p.plan || p;
  } catch (e) {
    if (e.status !== 404 && e.status !== 405) throw e;
  }
  let cursor = '';
  for (let i = 0; i < 20; i++) { // no single-plan endpoint: look through the list
    const page = await get('/api/v1/plans', { limit: 200, cursor });
    const p = (page.items || []).find(x => x.id === id);
    if (p) return p;
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  const err = new Error('plan not found');
  err.status = 404;
  throw err;
}

function act(plan, verb, body, label) {
  return async () => {
    try {
      await api('POST', '/api/v1/plans/' + encodeURIComponent(plan.id) + '/' + verb, body && body());
      toast(label);
      navigate('/plans/' + encodeURIComponent(plan.id), true);
    } catch (e) { toast(label + ' failed: ' + e.message); }
  };
}

function controls(p) {
  if (!can('approver')) return h('p', { class: 'muted', id: 'no-approve' }, 'Approving and executing plans needs the approver role.');
  if (p.state !== 'proposed' && p.state !== 'approved') return h('p', { class: 'muted' }, 'Nothing left to decide: the plan is ' + p.state + '.');
  const reason = h('input', { name: 'reason', placeholder: 'reason for rejecting', 'aria-label': 'Reject reason' });
  return h('div', { class: 'actions' },
    p.state === 'proposed' && h('button', { type: 'button', id: 'approve', onclick: act(p, 'approve', null, 'Plan approved') }, 'Approve'),
    p.state === 'proposed' && [reason, h('button', { type: 'button', class: 'danger', id: 'reject',
      onclick: act(p, 'reject', () => ({ reason: reason.value }), 'Plan rejected') }, 'Reject')],
    p.state === 'approved' && h('button', { type: 'button', id: 'execute', onclick: act(p, 'execute', null, 'Plan executed') }, 'Execute'));
}

async function one(id) {
  const p = await loadPlan(id);
  const b = p.blast_radius || {};
  return h('div', {},
    h('h1', {}, p.title || p.id),
    h('div', { class: 'grid' },
      card('Plan', kv([['ID', p.id], ['State', h('strong', { id: 'plan-state' }, p.state)], ['Mode', p.mode],
        ['Reason', p.reason && (p.reason.text || p.reason.policy || p.reason.kind)],
        ['Proposed by', p.created_by], ['Created', when(p.created_at)], ['Approved by', p.approved_by], ['Approved', when(p.approved_at)]])),
      card('Blast radius', kv([['Actions', String(b.actions ?? 0)], ['Identities', String(b.identities ?? 0)],
        ['People', String(b.people ?? 0)], ['Apps', String(b.apps ?? 0)], ['Platforms', (b.platforms || []).join(', ')]])),
      card('Decision', controls(p))),
    card('Actions', actionsTable(p.actions)),
    h('p', {}, link('/plans', 'All plans'), ' · ', link('/audit', 'Audit log')));
}

export async function render(args, query) {
  if (args[0]) return one(args[0]);
  const page = await get('/api/v1/plans', { ...params(query, ['state']), limit: 50, cursor: query.get('cursor') });
  const items = page.items || [];
  return h('div', {},
    h('h1', {}, 'Plans'),
    filterForm('/plans', [select('State', 'state', [['', 'Any'], ...['proposed', 'approved', 'running', 'done', 'partial', 'failed', 'rejected'].map(v => [v, v])], query.get('state'))]),
    table([
      { title: 'Plan', cell: p => link('/plans/' + encodeURIComponent(p.id), p.title || p.id) },
      { title: 'State', cell: p => p.state },
      { title: 'Actions', cell: p => String((p.blast_radius && p.blast_radius.actions) ?? (p.actions || []).length) },
      { title: 'Proposed by', cell: p => p.created_by || '' },
      { title: 'Created', cell: p => when(p.created_at) },
    ], items, 'No plans.'),
    pager('/plans', query, page.next_cursor, items.length));
}
