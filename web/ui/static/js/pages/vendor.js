// Vendor page: everything one vendor holds on every platform, its blast radius, and the
// kill switch: preview the plan that would cut the vendor off, then propose it.
import { h, card, table, kv, sev, link, when } from '../dom.js';
import { api, get, can } from '../api.js';
import { navigate, toast } from '../app.js';
import { generic } from './dashboard.js';
import { findingsTable } from './findings.js';

function blast(b) {
  if (!b) return h('p', { class: 'muted' }, 'No blast radius computed.');
  return kv([['Actions', String(b.actions ?? 0)], ['Identities', String(b.identities ?? 0)], ['People', String(b.people ?? 0)],
    ['Apps', String(b.apps ?? 0)], ['Platforms', (b.platforms || []).join(', ')]]);
}

// actionsTable lists the actions of a plan.
export function actionsTable(actions) {
  return table([
    { title: 'Action', cell: a => a.type },
    { title: 'Platform', cell: a => a.platform + ' / ' + a.tenant },
    { title: 'Target', cell: a => a.identity_id ? link('/identities/' + encodeURIComponent(a.identity_id), a.name || a.identity_id) : (a.name || a.app_id || '') },
    { title: 'Scopes', cell: a => (a.scopes || []).join(' ') },
    { title: 'State', cell: a => a.state + (a.error ? ': ' + a.error : '') },
  ], actions || [], 'No actions.');
}

function killSwitch(name, preview) {
  const plan = preview && (preview.plan || preview);
  const box = h('div', { id: 'kill-preview', hidden: true },
    plan ? [h('p', {}, plan.title || ''), blast(plan.blast_radius), actionsTable(plan.actions)] : h('p', { class: 'muted' }, 'Nothing to contain.'),
    can('analyst') && plan && (plan.actions || []).length > 0
      ? h('button', { type: 'button', class: 'danger', id: 'kill-propose', onclick: async () => {
        try {
          const p = await api('POST', '/api/v1/plans', { vendor: name });
          toast('Kill-switch plan proposed');
          navigate('/plans/' + encodeURIComponent(p.id));
        } catch (e) { toast('Could not propose: ' + e.message); }
      } }, 'Propose kill switch')
      : h('p', { class: 'muted' }, can('analyst') ? '' : 'Your role cannot propose plans.'));
  return h('div', {},
    h('button', { type: 'button', class: 'secondary', id: 'kill-preview-btn', onclick: () => { box.hidden = !box.hidden; } }, 'Preview kill switch'),
    box);
}

export async function render([name]) {
  const d = await get('/api/v1/vendors/' + encodeURIComponent(name));
  const apps = d.apps || [];
  const ids = d.identities || [];
  return h('div', {},
    h('h1', {}, 'Vendor ', (d.vendor && (d.vendor.name || d.vendor)) || name),
    h('div', { class: 'grid' },
      d.score && card('Risk', h('p', {}, 'Score ', String(d.score.total ?? d.score.points ?? ''), ' ', sev(d.score.severity))),
      card('Blast radius', blast(d.blast_radius || (d.preview && (d.preview.plan || d.preview).blast_radius)))),
    card('Apps', table([
      { title: 'App', cell: a => a.name }, { title: 'Platform', cell: a => a.platform + ' / ' + a.tenant },
      { title: 'Users', cell: a => String(a.users ?? '') }, { title: 'Identities', cell: a => String(a.identities ?? '') },
      { title: 'Scopes', cell: a => (a.scopes || []).join(' ') }, { title: 'Last seen', cell: a => when(a.last_seen) },
    ], apps, 'No apps.')),
    card('Identities', Array.isArray(ids) ? table([
      { title: 'Name', cell: i => link('/identities/' + encodeURIComponent(i.id), i.name || i.id) },
      { title: 'Platform', cell: i => i.platform }, { title: 'Kind', cell: i => i.kind }, { title: 'Owner', cell: i => i.owner_id || '' },
    ], ids, 'No identities.') : generic(ids),
    d.identities_total > ids.length ? h('p', { class: 'muted' }, `${ids.length} of ${d.identities_total} shown`) : null),
    d.findings && card('Findings', findingsTable(d.findings, false)),
    card('Kill switch', killSwitch(name, d.preview || d.kill_switch)));
}
