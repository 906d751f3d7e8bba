// Identity page: what one non-human identity can do, who owns it, how it is used (and its
// timeline), why it is risky (the score and its contributions) and what can be done about it.
import { h, s, card, table, kv, sev, link, when } from '../dom.js';
import { get, api, can } from '../api.js';
import { navigate, toast } from '../app.js';
import { findingsTable } from './findings.js';

function permissions(id, tiers) {
  const perms = id.permissions || [];
  const tierOf = p => p.tier || (tiers && tiers[p.scope]);
  return table([
    { title: 'Scope', cell: p => p.scope },
    perms.some(tierOf) && { title: 'Tier', cell: p => { const t = tierOf(p); return t ? sev(tierSeverity(t)) : ''; } },
  ].filter(Boolean), perms, id.scope ? 'Scope: ' + id.scope : 'No permissions recorded.');
}

function tierSeverity(t) {
  return { critical: 'critical', high: 'high', elevated: 'medium', medium: 'medium', low: 'low', read: 'low', none: 'info' }[String(t)] || String(t);
}

function score(sc) {
  if (!sc) return h('p', { class: 'muted' }, 'Not scored.');
  return h('div', {},
    h('p', {}, 'Risk score ', h('strong', { id: 'score-total' }, String(sc.total ?? sc.points ?? 0)), '/100 ', sev(sc.severity)),
    table([
      { title: 'Signal', cell: c => c.signal },
      { title: 'Points', cell: c => String(c.points) },
      { title: 'Evidence', cell: c => h('ul', {}, (c.evidence || []).map(e => h('li', {}, e))) },
    ], sc.contributions || [], 'No signal contributes.'));
}

function propose(id, actions) {
  if (!can('analyst')) return h('p', { class: 'muted' }, 'Your role can view actions but not propose plans.');
  if (!actions || actions.length === 0) return h('p', { class: 'muted' }, 'No action is available for this identity.');
  const form = h('form', { class: 'actions', id: 'propose', onsubmit: async (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    try {
      const plan = await api('POST', '/api/v1/plans', { identity_ids: [id.id], action: fd.get('action'), reason: fd.get('reason') });
      toast('Plan proposed');
      navigate('/plans/' + encodeURIComponent(plan.id));
    } catch (e) { toast('Could not propose: ' + e.message); }
  } },
  h('label', {}, 'Action', h('select', { name: 'action' }, actions.map(a => h('option', { value: a }, a.replace(/_/g, ' '))))),
  h('label', {}, 'Reason', h('input', { name: 'reason', required: true, size: 40 })),
  h('button', { type: 'submit' }, 'Propose plan'));
  return form;
}

// group is the CSS class of an event kind: created, first_seen, finding, plan, action, ...
function group(kind) {
  return 'tl-' + String(kind).split('.')[0].replace(/[^a-z_]/g, '');
}

// strip draws the events as dots on a time axis, each with its title as a tooltip.
function strip(items) {
  const times = items.map(e => Date.parse(e.at)).filter(t => !isNaN(t));
  if (times.length < 2) return null;
  const lo = Math.min(...times), span = Math.max(...times) - lo || 1;
  return s('svg', { class: 'tl-strip', viewBox: '0 0 600 28', role: 'img',
    'aria-label': 'Timeline from ' + when(new Date(lo).toISOString()) + ' to ' + when(new Date(lo + span).toISOString()) },
  s('line', { class: 'axis', x1: 8, y1: 14, x2: 592, y2: 14 }),
  ...items.filter(e => !isNaN(Date.parse(e.at))).map(e => s('circle',
    { class: 'tl-dot ' + group(e.kind), cx: 8 + 584 * (Date.parse(e.at) - lo) / span, cy: 14, r: 5 },
    s('title', {}, when(e.at) + ' ' + e.title))));
}

// timeline lists what is known of the identity over time, oldest first.
function timeline(tl) {
  if (!tl) return h('p', { class: 'muted' }, 'The timeline could not be loaded.');
  const items = tl.items || [];
  if (items.length === 0) return h('p', { class: 'muted' }, 'Nothing recorded yet.');
  return h('div', {},
    strip(items),
    h('ol', { class: 'timeline', id: 'timeline' }, items.map(e => h('li', { class: group(e.kind) },
      h('time', { datetime: e.at }, when(e.at)), ' ',
      h('span', { class: 'badge' }, e.kind), ' ', e.title,
      e.detail ? h('span', { class: 'muted' }, ' · ' + e.detail) : null,
      e.actor ? h('span', { class: 'muted' }, ' · by ' + e.actor) : null,
      e.plan_id ? [' · ', link('/plans/' + encodeURIComponent(e.plan_id), 'plan')] : null))),
    tl.complete ? null : h('p', { class: 'muted' }, 'Partial: ' + (tl.notes || []).join('; ') + '.'));
}

export async function render([rawID]) {
  const base = '/api/v1/identities/' + encodeURIComponent(rawID);
  const [d, tl] = await Promise.all([get(base), get(base + '/timeline').catch(() => null)]);
  const id = d.identity || {};
  const owner = d.owner;
  const app = d.app;
  return h('div', {},
    h('h1', {}, id.name || id.external_id || rawID),
    h('div', { class: 'grid' },
      card('Identity', kv([['Platform', id.platform], ['Tenant', id.tenant], ['Kind', id.kind],
        ['External ID', id.external_id],
        ['App', app ? link('/vendors/' + encodeURIComponent(app.vendor || app.name), app.name) : id.app_id],
        ['Gone since', when(id.gone_at)]])),
      card('Owner', owner ? kv([['Name', owner.name], ['Email', owner.email], ['Status', owner.status],
        ['Last login', when(owner.last_login) || 'never']]) : h('p', { class: 'muted' }, id.owner_id || 'No owner known.')),
      card('Usage', kv([['Created', when(id.created_at)], ['Last used', when(id.last_used_at) || 'never'],
        ['Expires', when(id.expires_at)], ['First seen', when(id.first_seen)], ['Last seen', when(id.last_seen)]])),
      card('Risk', score(d.score))),
    card('Timeline', timeline(tl)),
    card('Permissions', permissions(id, d.tiers)),
    card('Credentials', table([
      { title: 'ID', cell: c => c.id }, { title: 'Type', cell: c => c.type }, { title: 'Fingerprint', cell: c => c.fingerprint || '' },
      { title: 'Last used', cell: c => when(c.last_used_at) || 'never' },
      { title: 'Expires', cell: c => c.never_expires ? 'never' : when(c.expires_at) },
    ], id.credentials || [], 'No credentials.')),
    card('Findings', findingsTable(d.findings || [], false)),
    card('Actions', propose(id, d.actions)));
}
