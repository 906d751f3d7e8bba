// The console end to end: an analyst finds a risky vendor, opens an identity and proposes a
// plan; an approver approves and executes it and sees it in the audit log; a viewer can
// neither see the approve button nor approve through the API; a hostile app name stays text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, Browser, workdir, hostile, password } from './harness.js';

let server, dir, planID;
const browsers = [];

before(async () => {
  dir = workdir();
  server = await startServer(dir.work);
  console.log('# screenshots: ' + dir.shots);
});

after(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  server?.stop();
  dir?.cleanup();
});

async function signIn(role) {
  const b = await Browser.open(dir.work, role);
  browsers.push(b);
  const p = b.page;
  await p.goto(server.url + '/');
  await p.waitForURL(/\/signin/);
  assert.equal(await p.locator('#sso').getAttribute('href'), '/auth/oidc/login');
  await p.getByLabel('Username').fill(role);
  await p.getByLabel('Password').fill(password(role));
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.match(await p.locator('#who').textContent(), new RegExp('\\(' + role + '\\)'));
  return b;
}

async function shot(b, name) {
  await b.page.screenshot({ path: join(dir.shots, name + '.png'), fullPage: true });
}

async function signOut(b) {
  await b.page.locator('#signout').click();
  await b.page.waitForURL(/\/signin/);
  const me = await b.page.evaluate(() => fetch('/api/v1/me').then(r => r.status));
  assert.equal(me, 401, 'the session must be gone after signing out');
}

function assertClean(b) {
  assert.deepEqual(b.errors, [], 'browser errors (CSP violations included)');
}

test('wrong password is refused', async () => {
  const b = await Browser.open(dir.work, 'intruder');
  browsers.push(b);
  await b.page.goto(server.url + '/signin');
  await shot(b, '01-signin');
  await b.page.getByLabel('Username').fill('analyst');
  await b.page.getByLabel('Password').fill('not-the-password');
  await b.page.getByRole('button', { name: 'Sign in' }).click();
  await b.page.getByRole('alert').filter({ hasText: /wrong username or password/i }).waitFor();
  assert.match(b.page.url(), /\/signin/);
  assertClean(b);
});

test('analyst finds a risky vendor, opens an identity and proposes a plan', async () => {
  const b = await signIn('analyst');
  const p = b.page;
  await p.locator('svg.chart').waitFor();
  await shot(b, '02-dashboard');
  const vendors = p.locator('section', { has: p.getByRole('heading', { name: 'Riskiest vendors' }) });
  await vendors.locator('a').first().click();
  await p.waitForURL(/\/vendors\//);
  await p.getByRole('heading', { name: 'Kill switch' }).waitFor();
  await p.locator('#kill-preview-btn').click();
  await p.locator('#kill-preview').waitFor();
  await shot(b, '03-vendor');
  const ids = p.locator('section', { has: p.getByRole('heading', { name: 'Identities', exact: true }) });
  await ids.locator('a').first().click();
  await p.waitForURL(/\/identities\//);
  await p.getByRole('heading', { name: 'Permissions' }).waitFor();
  const identityURL = p.url();
  await p.locator('#timeline li', { hasText: 'first_seen' }).waitFor();
  await p.locator('#propose select[name=action]').selectOption({ index: 0 });
  await p.locator('#propose input[name=reason]').fill('e2e: unused grant');
  await p.getByRole('button', { name: 'Propose plan' }).click();
  await p.waitForURL(/\/plans\/[^/]+$/);
  assert.equal(await p.locator('#plan-state').textContent(), 'proposed');
  planID = decodeURIComponent(new URL(p.url()).pathname.split('/').pop());
  // The identity's timeline now shows the plan proposed for it, linked.
  await p.goto(identityURL);
  const proposed = p.locator('#timeline li', { hasText: 'plan.created' });
  await proposed.waitFor();
  assert.equal(await proposed.locator('a').getAttribute('href'), '/plans/' + encodeURIComponent(planID));
  assert.ok(await p.locator('svg.tl-strip circle').count() >= 2, 'the timeline strip draws the events');
  await shot(b, '04-identity');
  assert.equal(await p.locator('#approve').count(), 0, 'an analyst must not see Approve');
  await p.goto(server.url + '/inventory');
  await p.locator('table tbody tr').first().waitFor();
  const first = await p.locator('table tbody tr').first().textContent();
  await p.getByRole('button', { name: 'Next' }).click();
  await p.waitForURL(/cursor=/);
  await p.waitForFunction(f => document.querySelector('table tbody tr')?.textContent !== f, first);
  await shot(b, '05-inventory');
  await p.goto(server.url + '/findings');
  await p.getByRole('heading', { name: 'Findings' }).waitFor();
  await shot(b, '06-findings');
  const row = p.locator('tbody tr', { has: p.getByRole('button', { name: 'Suppress…' }) }).first();
  const subject = await row.locator('td').nth(2).textContent();
  await row.getByRole('button', { name: 'Suppress…' }).click();
  await row.getByLabel('Reason').fill('e2e: accepted risk');
  const until = new Date(Date.now() + 60 * 86400000).toISOString().slice(0, 10);
  await row.getByLabel('Until').fill(until);
  await row.getByRole('button', { name: 'Suppress', exact: true }).click();
  await p.locator('#toast').waitFor();
  assert.equal(await p.locator('#toast').textContent(), 'Finding suppressed');
  await p.goto(server.url + '/findings?status=suppressed');
  await p.locator('tbody tr', { hasText: 'e2e: accepted risk' }).filter({ hasText: subject }).first().waitFor();
  await signOut(b);
  assertClean(b);
});

test('approver approves and executes the plan and sees it in the audit log', async () => {
  assert.ok(planID, 'needs the plan proposed above');
  const b = await signIn('approver');
  const p = b.page;
  await p.goto(server.url + '/plans/' + encodeURIComponent(planID));
  await p.locator('#approve').click();
  await p.locator('#plan-state', { hasText: 'approved' }).waitFor();
  await p.locator('#execute').click();
  await p.locator('#plan-state', { hasText: /^(done|partial|failed)$/ }).waitFor({ timeout: 30_000 });
  await shot(b, '07-plan');
  await p.getByRole('link', { name: 'Audit log' }).first().click();
  await p.getByRole('heading', { name: 'Audit log' }).waitFor();
  let row = p.locator('tr', { hasText: 'plan.approved' }).filter({ hasText: planID });
  while (await row.count() === 0 && await p.getByRole('button', { name: 'Next' }).isEnabled()) {
    await p.getByRole('button', { name: 'Next' }).click();
    await p.waitForURL(/cursor=/);
    row = p.locator('tr', { hasText: 'plan.approved' }).filter({ hasText: planID });
  }
  await row.first().waitFor();
  assert.match(await row.first().textContent(), /approver/);
  await shot(b, '08-audit');
  await p.goto(server.url + '/connectors');
  await p.getByRole('heading', { name: 'Connectors' }).waitFor();
  await shot(b, '09-connectors');
  await signOut(b);
  assertClean(b);
});

test('analyst lists the built-in policies and previews one against the inventory', async () => {
  const b = await signIn('analyst');
  const p = b.page;
  await p.locator('#nav a', { hasText: 'Policies' }).click();
  await p.getByRole('heading', { name: 'Policies', exact: true }).waitFor();
  const listed = await p.evaluate(() => fetch('/api/v1/policies').then(r => r.json()));
  assert.ok(listed.items.length > 0, 'the built-in pack is loaded');
  assert.equal(await p.locator('section.policy').count(), listed.items.length);
  const off = p.locator('section.policy[data-policy="nhi1.offboarded_owner_grant"]');
  const want = listed.items.find(x => x.name === 'nhi1.offboarded_owner_grant');
  assert.ok(want, 'the offboarding policy is in the built-in pack');
  assert.equal(await off.locator('code.when').textContent(), want.when);
  assert.match(await off.textContent(), new RegExp(want.mode.replace(/_/g, ' ')));
  // Preview the first policy that proposes something, and compare its counts with the API.
  const csrf = await p.evaluate(() => fetch('/api/v1/me').then(r => r.json()).then(m => m.csrf_token));
  const all = await p.evaluate(t => fetch('/api/v1/policies/preview', { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': t }, body: '{}' }).then(r => r.json()), csrf);
  assert.ok(all.complete && all.counts.length > 0, 'some built-in policy proposes something: ' + JSON.stringify(all).slice(0, 300));
  const first = all.counts[0];
  const sec = p.locator('section.policy[data-policy="' + first.policy + '"]');
  await sec.getByRole('button', { name: 'Preview' }).click();
  await sec.locator('.preview-result').waitFor();
  const counts = await sec.locator('.preview-count').allTextContents();
  assert.ok(counts.includes(String(first.count)), 'shown counts ' + counts + ', want ' + first.count);
  assert.ok(await sec.locator('.preview-result li a').count() > 0, 'the first proposals link their identities');
  assert.match(await sec.locator('.preview-result').textContent(), /evaluated all \d+ present identities/);
  await sec.scrollIntoViewIfNeeded();
  await shot(b, '12-policies');
  const plans = await p.evaluate(n => fetch('/api/v1/plans?policy=' + encodeURIComponent(n)).then(r => r.json()), first.policy);
  assert.equal(plans.items.length, 0, 'a preview proposes no plan');
  assertClean(b);
});

test('viewer cannot approve: no button and the API answers 403', async () => {
  const analyst = await signIn('analyst');
  const ap = analyst.page;
  await ap.goto(server.url + '/inventory');
  await ap.locator('table tbody tr a').first().click();
  await ap.locator('#propose input[name=reason]').fill('e2e: for the viewer');
  await ap.getByRole('button', { name: 'Propose plan' }).click();
  await ap.waitForURL(/\/plans\/[^/]+$/);
  const pending = decodeURIComponent(new URL(ap.url()).pathname.split('/').pop());
  await ap.goto(server.url + '/');
  await ap.locator('section', { has: ap.getByRole('heading', { name: 'Riskiest vendors' }) }).locator('a').nth(1).click();
  await ap.locator('#kill-preview-btn').click();
  await ap.locator('#kill-propose').click();
  await ap.waitForURL(/\/plans\/[^/]+$/);
  await ap.locator('#plan-state', { hasText: 'proposed' }).waitFor();
  assert.match(await ap.locator('h1').textContent(), /./);

  const b = await signIn('viewer');
  const p = b.page;
  await p.goto(server.url + '/plans/' + encodeURIComponent(pending));
  await p.locator('#plan-state', { hasText: 'proposed' }).waitFor();
  await p.locator('#no-approve').waitFor();
  assert.equal(await p.locator('#approve').count(), 0);
  assert.equal(await p.locator('#execute').count(), 0);
  const status = await p.evaluate(async (id) => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch('/api/v1/plans/' + encodeURIComponent(id) + '/approve',
      { method: 'POST', headers: { 'X-CSRF-Token': me.csrf_token } });
    return r.status;
  }, pending);
  assert.equal(status, 403);
  await p.goto(server.url + '/inventory');
  await p.locator('table tbody tr a').first().click();
  await p.getByRole('heading', { name: 'Actions' }).waitFor();
  assert.equal(await p.locator('#propose').count(), 0, 'a viewer must not see the propose form');
  assertClean(b);
  assertClean(analyst);
});

test('a hostile app name is shown as text and runs nothing', async () => {
  const b = await signIn('viewer');
  const p = b.page;
  await p.goto(server.url + '/vendors/' + encodeURIComponent(hostile));
  await p.getByRole('heading', { name: 'Kill switch' }).waitFor();
  assert.equal(await p.locator('h1').textContent(), 'Vendor ' + hostile);
  await p.goto(server.url + '/inventory?q=' + encodeURIComponent('onerror'));
  await p.locator('td', { hasText: hostile }).first().waitFor();
  await p.locator('td a', { hasText: hostile }).first().click();
  await p.waitForURL(/\/identities\//);
  await p.locator('h1', { hasText: hostile }).waitFor();
  await shot(b, '10-hostile-identity');
  assert.equal(await p.evaluate(() => typeof window.__pwned), 'undefined');
  assert.equal(await p.locator('main img, main script').count(), 0);
  assertClean(b);
});

test('every page and filter loads without an error', async () => {
  const b = await signIn('viewer');
  const p = b.page;
  const pages = [
    ['/apps?sort=risk', 'Apps'], ['/apps?sort=name&platform=google_workspace', 'Apps'],
    ['/inventory?kind=oauth_grant&owner_status=suspended&sort=id', 'Inventory'],
    ['/inventory?q=zzz-no-such-thing', 'Inventory'],
    ['/findings?severity=high&status=open&platform=google_workspace', 'Findings'],
    ['/plans?state=done', 'Plans'], ['/audit', 'Audit log'], ['/connectors', 'Connectors'], ['/policies', 'Policies'],
  ];
  for (const [path, heading] of pages) {
    await p.goto(server.url + path);
    await p.getByRole('heading', { name: heading, exact: true }).waitFor();
    assert.equal(await p.locator('main [role=alert]').count(), 0, path + ' shows an error: ' +
      await p.locator('main').textContent());
  }
  await p.goto(server.url + '/policies');
  await p.locator('section.policy').first().waitFor();
  assert.equal(await p.getByRole('button', { name: 'Preview' }).count(), 0, 'a viewer must not see Preview');
  await p.locator('#nav a', { hasText: 'Apps' }).click();
  await p.locator('select[name=sort]').selectOption('risk');
  await p.getByRole('button', { name: 'Apply' }).click();
  await p.waitForURL(/\/apps\?sort=risk/);
  await p.locator('tbody tr a').first().waitFor();
  await shot(b, '11-apps');
  await p.goto(server.url + '/no/such/page');
  await p.getByRole('heading', { name: 'Not found' }).waitFor();
  assertClean(b);
});
