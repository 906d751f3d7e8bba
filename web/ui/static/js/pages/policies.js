// Policies page: the policies the scans evaluate, each with its mode, approval and `when`
// expression (as code text), and for analysts a Preview button that dry-runs the policy
// against the stored inventory and shows per action the counts and the first proposals.
import { h, card, table, sev, link, kv } from '../dom.js';
import { get, api, can } from '../api.js';

function target(p) {
  if (p.identity_id) return link('/identities/' + encodeURIComponent(p.identity_id), p.name || p.identity_id);
  return p.name || p.app_id || '';
}

// previewResult shows what a policy would propose, and says when the preview stopped early.
function previewResult(r) {
  const counts = r.counts || [];
  return h('div', { class: 'preview-result' },
    h('p', { class: r.complete ? 'muted' : 'warn' }, r.message,
      r.accepted ? ' · ' + r.accepted + ' left out: a person accepted the risk' : ''),
    table([
      { title: 'Action', cell: c => c.action.replace(/_/g, ' '), cls: 'nowrap' },
      { title: 'Proposals', cell: c => h('span', { class: 'preview-count' }, String(c.count)) },
      { title: 'Identities', cell: c => String(c.identity_count) },
      { title: 'First proposals', cell: c => h('ul', { class: 'compact' }, (c.proposals || []).map(p => h('li', {}, target(p)))) },
    ], counts, 'This policy proposes nothing for the stored inventory.'),
    (r.failures || []).map(f => h('p', { class: 'error' }, 'Failed on ' + f.count + ' identities; first error: ' + (f.first_error || ''))));
}

function previewButton(pol, out) {
  if (!can('analyst')) return null;
  const btn = h('button', { type: 'button', class: 'secondary preview-btn', onclick: async () => {
    btn.disabled = true;
    out.replaceChildren(h('p', { class: 'muted' }, 'Previewing against the inventory…'));
    try {
      out.replaceChildren(previewResult(await api('POST', '/api/v1/policies/preview', { policy: pol.name })));
    } catch (e) {
      out.replaceChildren(h('p', { class: 'error' }, 'Preview failed: ' + e.message));
    } finally { btn.disabled = false; }
  } }, 'Preview');
  return btn;
}

function policyCard(pol) {
  const out = h('div', { class: 'preview-out', 'aria-live': 'polite' });
  const then = (pol.then || []).map(a => a.type.replace(/_/g, ' ')).join(', ');
  return h('section', { class: 'card policy', 'data-policy': pol.name },
    h('h2', {}, pol.name, ' ', sev(pol.severity)),
    pol.description ? h('p', {}, pol.description) : null,
    kv([
      ['Mode', h('span', { class: 'badge mode-' + String(pol.mode).replace(/[^a-z_]/g, '') }, String(pol.mode).replace(/_/g, ' '))],
      ['Approval', pol.approval === 'none' ? 'none: runs without a person' : 'required'],
      ['OWASP', (pol.owasp || []).join(', ')],
      ['Then', then],
      ['When', h('pre', {}, h('code', { class: 'when' }, pol.when || ''))],
    ]),
    h('div', { class: 'actions' }, previewButton(pol, out)),
    out);
}

export async function render() {
  const page = await get('/api/v1/policies');
  const items = page.items || [];
  return h('div', {},
    h('h1', {}, 'Policies'),
    h('p', { class: 'muted' }, items.length + ' policies are evaluated on every scan. ',
      can('analyst') ? 'Preview dry-runs one against the stored inventory: it changes nothing and proposes no plan.'
        : 'Previewing a policy needs the analyst role.'),
    items.length ? items.map(policyCard) : card('No policies', h('p', { class: 'muted' }, 'This server evaluates no policies.')));
}
