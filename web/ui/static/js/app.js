// Console entry point: the router, the header and sign-out. Pages live in pages/*.js and
// export render(params, query) returning a Node (or a Promise of one).
import { h } from './dom.js';
import { loadMe, currentUser, signOut } from './api.js';
import * as signin from './pages/signin.js';
import * as dashboard from './pages/dashboard.js';
import * as inventory from './pages/inventory.js';
import * as identity from './pages/identity.js';
import * as vendor from './pages/vendor.js';
import * as apps from './pages/apps.js';
import * as findings from './pages/findings.js';
import * as plans from './pages/plans.js';
import * as audit from './pages/audit.js';
import * as connectors from './pages/connectors.js';
import * as policies from './pages/policies.js';

const routes = [
  [/^\/signin$/, signin, 'Sign in'],
  [/^\/$/, dashboard, 'Dashboard'],
  [/^\/inventory$/, inventory, 'Inventory'],
  [/^\/identities\/(.+)$/, identity, 'Identity'],
  [/^\/apps$/, apps, 'Apps'],
  [/^\/vendors\/(.+)$/, vendor, 'Vendor'],
  [/^\/findings$/, findings, 'Findings'],
  [/^\/plans$/, plans, 'Plans'],
  [/^\/plans\/(.+)$/, plans, 'Plan'],
  [/^\/audit$/, audit, 'Audit log'],
  [/^\/policies$/, policies, 'Policies'],
  [/^\/connectors$/, connectors, 'Connectors'],
];

const navItems = [['/', 'Dashboard'], ['/inventory', 'Inventory'], ['/apps', 'Apps'], ['/findings', 'Findings'],
  ['/plans', 'Plans'], ['/policies', 'Policies'], ['/audit', 'Audit log'], ['/connectors', 'Connectors']];

let seq = 0;

function decodeParam(p) {
  try { return decodeURIComponent(p); } catch { return p; }
}

// navigate changes the URL and renders the page for it.
export function navigate(url, replace = false) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  return render();
}

// toast shows a short message.
export function toast(msg) {
  const t = document.getElementById('toast');
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

function header(path) {
  const user = currentUser();
  document.getElementById('top').hidden = !user;
  if (!user) return;
  const nav = document.getElementById('nav');
  nav.replaceChildren(...navItems.map(([href, label]) => h('a', {
    href, 'data-route': '',
    'aria-current': (href === '/' ? path === '/' : path.startsWith(href)) ? 'page' : null,
  }, label)));
  document.getElementById('who').textContent = (user.name || user.email || '') + ' (' + user.role + ')';
}

async function render() {
  const mine = ++seq;
  const main = document.getElementById('main');
  const path = location.pathname;
  if (!currentUser() && path !== '/signin') {
    history.replaceState(null, '', '/signin?next=' + encodeURIComponent(location.pathname + location.search));
    return render();
  }
  header(path);
  const found = routes.find(([re]) => re.test(path)) || [null, null, 'Not found'];
  const [re, page, title] = found;
  document.title = title + ' · nhi';
  if (!page) { main.replaceChildren(h('h1', {}, 'Not found')); return; }
  const params = path.match(re).slice(1).map(decodeParam);
  const query = new URLSearchParams(location.search);
  main.setAttribute('aria-busy', 'true');
  let node;
  try {
    node = await page.render(params, query);
  } catch (e) {
    if (e.status === 401) { await loadMe(); if (!currentUser()) return navigate('/signin', true); }
    node = h('div', {}, h('h1', {}, title), h('p', { class: 'error', role: 'alert' }, 'Error: ' + e.message));
  }
  if (mine !== seq) return;
  main.replaceChildren(node);
  main.removeAttribute('aria-busy');
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[data-route]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => render());
document.getElementById('signout').addEventListener('click', async () => {
  await signOut();
  navigate('/signin', true);
});

(async () => {
  try { await loadMe(); } catch (e) { /* shown by the page */ }
  render();
})();
