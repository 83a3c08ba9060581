// The console's shell: asks who is signed in (GET /api/auth/status), shows the sign-in page or the
// page the address names (#/meetings, #/campaigns/3 …), and keeps the navigation in step.
import { ApiError, apiKey, get, post, setApiKey } from './api.js';
import { clear, h, showError, field, loading } from './ui.js';

const PAGES = {
  meetings: () => import('./pages/meetings.js'),
  campaigns: () => import('./pages/campaigns.js'),
  candidates: () => import('./pages/candidates.js'),
  sales: () => import('./pages/sales.js'),
  workspace: () => import('./pages/workspace.js'),
  operations: () => import('./pages/operations.js'),
};
const TITLES = { meetings: 'Meetings', campaigns: 'Campaigns', candidates: 'Candidates', sales: 'Sales', workspace: 'Workspace', operations: 'Operations' };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let status = null;
/// Aborted when the page changes, so a page's polling and streams stop with it.
let pageScope = new AbortController();

async function start() {
  window.addEventListener('hashchange', () => route());
  await refreshStatus();
  route();
}

async function refreshStatus() {
  try {
    status = await get('/api/auth/status');
  } catch (error) {
    status = { authenticated: false, providers: [], login_url: '/api/auth/login', failure: error };
  }
  if (!status.failure && !status.authenticated && apiKey()) {
    // A key this tab kept that the API no longer accepts (revoked, another database): forget it.
    // A status that could not be asked (the network, a restart) keeps it.
    setApiKey(null);
  }
  renderWho();
}

function renderWho() {
  nav.hidden = !status?.authenticated;
  if (!status?.authenticated) { clear(who); return; }
  const name = status.user ? (status.user.name || status.user.email) : 'API key';
  clear(who, h('span', { class: 'who-name' }, status.auth_kind === 'session' ? `Signed in as ${name}` : 'Signed in with an API key'),
    h('button', { type: 'button', class: 'small', onclick: signOut }, 'Sign out'));
}

async function signOut() {
  setApiKey(null);
  try { await post('/api/auth/logout', {}); } catch { /* the key is forgotten either way */ }
  await refreshStatus();
  location.hash = '#/';
  route();
}

function route() {
  pageScope.abort();
  pageScope = new AbortController();
  const [name = '', ...rest] = decodedHash().split('/');
  if (!status?.authenticated) { renderSignIn(); return; }
  const page = PAGES[name] ? name : 'meetings';
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[page]} · Function bundle console`;
  const scope = pageScope;
  clear(main, loading(`Loading ${TITLES[page]}…`));
  PAGES[page]().then((module) => {
    if (scope.signal.aborted) return;
    clear(main);
    return module.render(main, { params: rest, signal: scope.signal, navigate, status });
  }).then(() => {
    // A new page: focus its heading (or main), so a screen reader starts there, unless the page
    // already put the focus somewhere in it itself.
    if (scope.signal.aborted || (main.contains(document.activeElement) && document.activeElement !== main)) return;
    const heading = main.querySelector('h1');
    if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({ preventScroll: true }); } else main.focus({ preventScroll: true });
  }).catch((error) => {
    if (error?.name === 'AbortError' || scope.signal.aborted) return;
    if (error instanceof ApiError && error.status === 401) { refreshStatus().then(route); return; }
    clear(main, h('h1', {}, TITLES[page]));
    showError(main, error);
  });
}

/// The address's fragment without its `#/`, decoded; a malformed escape is kept as typed.
function decodedHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  try { return decodeURIComponent(raw); } catch { return raw; }
}

function navigate(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

function renderSignIn() {
  document.title = 'Sign in · Function bundle console';
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h2', {}, 'Use an API key'),
    h('p', {}, 'Create one on the server with ', h('code', {}, 'bundle create-api-key'), ' (', h('code', {}, 'echo \'{"name": "console"}\' | dist/bin/create-api-key'), '). The console keeps it in this tab only, until you sign out or close the tab.'),
    field({ name: 'key', label: 'API key', type: 'password', required: true }),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in with the key'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = form.elements.key.value.trim();
    if (!key) { showError(form, { message: 'Enter an API key.', details: [{ field: 'key', problem: 'enter the key create-api-key printed' }] }); return; }
    setApiKey(key);
    try {
      await get('/api/auth/me');
    } catch (error) {
      setApiKey(null);
      showError(form, error.status === 401 ? { message: 'That key was not accepted: it is unknown or revoked.', details: [{ field: 'key', problem: 'unknown or revoked key' }] } : error);
      return;
    }
    await refreshStatus();
    route();
  });
  const provider = status?.providers?.includes('oidc')
    ? h('div', { class: 'card narrow' }, h('h2', {}, 'Sign in with your organisation'),
      h('p', {}, 'You will come back here once the identity provider has signed you in.'),
      h('a', { class: 'button primary', href: `${status.login_url}?return_to=${encodeURIComponent('/' + location.hash)}` }, 'Sign in'))
    : null;
  clear(main, h('h1', {}, 'Sign in'),
    status?.failure ? h('div', { class: 'alert error', role: 'alert' }, `The API did not answer: ${status.failure.message}`) : null,
    h('div', { class: 'signin' }, provider, form));
}

start();
