// Candidate scoring: the role (#/candidates/role/<id>), a CSV upload followed until scoring is done,
// the ranked table with tiers, and one candidate (#/candidates/<id>, in candidates/detail.js).
// There is no list of roles: the role comes from the address, else from the latest upload, else
// from the first candidate, else role 1 if it exists; the user can open any id.
import { ApiError, get, repeat, upload as send } from '../api.js';
import { h, clear, field, section, table, showError, clearErrors, empty, notice, badge, progress, announce, busy, idParam, pager, plural } from '../ui.js';
import { renderCandidate, score, tierBadge } from './candidates/detail.js';
import { roleForm, roleSummary } from './candidates/role.js';

const TIERS = ['top', 'strong', 'consider', 'unlikely'];
const FINISHED = new Set(['completed', 'failed', 'nothing_to_score']);
const PAGE = 50;
const POLL_MS = 1500;

export async function render(root, context) {
  // One wrapper, so this page's styles (style.css, under /* candidates */) stay its own.
  const main = root.appendChild(h('div', { class: 'candidates-page' }));
  const [first, second] = context.params;
  if (first === 'role' && idParam(second)) return overview(main, context, idParam(second));
  if (idParam(first)) return renderCandidate(main, context, idParam(first));
  if (first) {
    main.append(h('h1', {}, 'Candidates'), notice(`There is no page “${context.params.join('/')}” here.`, 'error'),
      h('p', {}, h('a', { href: '#/candidates' }, 'Open the ranked candidates')));
    return undefined;
  }
  return overview(main, context, null);
}

async function maybe(promise) {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

async function overview(main, { signal, navigate }, chosen) {
  const latest = await maybe(get('/candidates/status', undefined, { signal }));
  let roleId = chosen ?? latest?.role_id ?? null;
  if (roleId === null) {
    const first = await get('/candidates', { limit: 1 }, { signal });
    roleId = first.candidates[0]?.candidate.role_id ?? null;
  }
  let role = await maybe(get(`/roles/${roleId ?? 1}`, undefined, { signal }));
  if (role) roleId = role.id;

  const roleBox = h('div', { class: 'role-box' });
  const uploadBox = h('div', { class: 'upload-box' });
  const tableBox = h('div', { class: 'ranked-box' });
  const state = { tier: '', order: 'rank', offset: 0 };
  const pages = pager('Pages of candidates', (offset) => { state.offset = offset; loadTable(); });

  main.append(h('h1', {}, 'Candidates'),
    h('div', { class: 'first-step' }),
    section('Role', roleBox),
    section('Upload candidates', uploadBox),
    section('Ranked candidates', filters(), tableBox, pages.element));

  function showRole() {
    const guide = main.querySelector('.first-step');
    clear(guide, role ? null : empty(roleId && chosen
      ? `There is no role with id ${roleId} yet. Set it up below first: the title and skills candidates are scored against. Then upload a CSV of candidates.`
      : 'No role yet. Start by setting up the role below (its title and the skills candidates are scored against), then upload a CSV of candidates to score and rank them.'));
    const form = roleForm({
      roleId: roleId ?? 1, role, signal,
      onSaved: (answer) => {
        const fresh = !role || answer.role.id !== roleId;
        role = answer.role;
        roleId = role.id;
        history.replaceState(null, '', `#/candidates/role/${roleId}`);
        if (fresh) {
          // A new role (or another id): the page now shows that role, its upload form and its table.
          // The form is replaced, so the rescoring it queued is followed in a box that stays.
          showRole();
          const follow = h('div', { class: 'role-follow' });
          roleBox.prepend(notice(`Role ${role.id} set up: ${role.title}. Now upload a CSV of candidates below.`, 'success'), follow);
          showUpload(null);
          state.offset = 0;
          loadTable();
          return follow;
        }
        clear(main.querySelector('.role-summary'), roleSummary(role));
        loadTable();
        return null;
      },
      onRescored: () => loadTable(),
    });
    if (role) {
      clear(roleBox, h('div', { class: 'role-summary' }, roleSummary(role)),
        h('details', { class: 'role-edit' }, h('summary', {}, 'Edit the role'), form),
        switcher(roleId, navigate));
    } else {
      clear(roleBox, h('div', { class: 'role-summary' }), h('h3', {}, `Set up role ${roleId ?? 1}`), form);
    }
  }

  function showUpload(status) {
    if (!role) {
      clear(uploadBox, h('p', { class: 'muted' }, 'Set up the role above first; then upload a CSV of candidates here.'));
      return;
    }
    const form = h('form', { class: 'upload-form', novalidate: true },
      field({ name: 'file', label: 'Candidates (CSV)', type: 'file', accept: '.csv,text/csv,text/plain',
        hint: 'A header line naming the columns (name, email, linkedin, current_role, years_experience, skills, …), then a row per candidate.' }),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Upload and score')),
      h('p', { class: 'muted' }, `Scored against role ${role.id}: ${role.title}.`));
    const result = h('div', { class: 'upload-result' });
    const statusBox = h('div', { class: 'upload-status', role: 'status' });
    form.addEventListener('submit', (event) => { event.preventDefault(); upload(form, result, statusBox); });
    clear(uploadBox, form, result, statusBox);
    if (status) showStatus(statusBox, status);
  }

  async function upload(form, result, statusBox) {
    const button = form.querySelector('button[type=submit]');
    const input = form.elements.file;
    clearErrors(form);
    clear(result);
    const file = input.files[0];
    if (!file) {
      showError(form, { message: 'Choose a CSV file first.', details: [{ field: 'file', problem: 'choose the CSV of candidates to upload' }] });
      return;
    }
    await busy(button, () => sendAndFollow(file, input, result, statusBox).catch((error) => {
      if (error?.name !== 'AbortError') clear(statusBox);
      throw error;
    }), form);
  }

  /// The upload itself (its bytes' progress), what the API made of the file, then its scoring.
  async function sendAndFollow(file, input, result, statusBox) {
    clear(statusBox, progress(0, `Sending ${file.name}`));
    const data = new FormData();
    data.append('role_id', String(role.id));
    data.append('file', file, file.name);
    const answer = await send('/candidates/upload', data, { signal, onProgress: (percent) => clear(statusBox, progress(percent, `Sending ${file.name}`)) });
    const u = answer.upload;
    result.append(notice(answer.created
      ? `Upload ${u.id} (${u.file_name || file.name}): ${u.rows} rows, ${u.accepted} accepted (${u.created_candidates} new, ${u.updated_candidates} updated), ${u.rejected.length} rejected, ${u.duplicates.length} repeated.`
      : `This file was already uploaded for this role (upload ${u.id}); showing that upload.`, 'success'));
    for (const warning of answer.warnings || []) result.append(notice(warning, 'info'));
    if (u.duplicates.length) {
      result.append(h('details', {}, h('summary', {}, `${plural(u.duplicates.length, 'repeated row')} merged`),
        h('ul', {}, u.duplicates.map((d) => h('li', {}, `Line ${d.line} repeats line ${d.same_as_line}: merged into `, h('a', { href: `#/candidates/${d.candidate_id}` }, `candidate ${d.candidate_id}`))))));
    }
    if (u.warnings.length) {
      result.append(h('details', {}, h('summary', {}, plural(u.warnings.length, 'warning')),
        h('ul', {}, u.warnings.map((w) => h('li', {}, `Line ${w.line}: ${w.reason}`)))));
    }
    input.value = '';
    await follow(u.id, statusBox);
  }

  /// Polls the upload's status until scoring finishes (or the page is left), then reloads the table.
  async function follow(uploadId, statusBox) {
    let status;
    const look = async () => {
      status = await get('/candidates/status', { upload_id: uploadId }, { signal });
      showStatus(statusBox, status);
      return !FINISHED.has(status.state);
    };
    if (await look()) await repeat(look, { interval: POLL_MS, signal });
    if (!FINISHED.has(status.state)) return;
    announce(status.state === 'completed' ? `Scoring done: ${status.totals.scored} candidates scored` : `Scoring ${status.state.replace(/_/g, ' ')}`);
    loadTable();
  }

  function filters() {
    const form = h('form', { class: 'row filters' },
      field({ name: 'tier', label: 'Tier', type: 'select', value: '', options: [['', 'All tiers'], ...TIERS.map((tier) => [tier, tier])] }),
      field({ name: 'order', label: 'Order', type: 'select', value: 'rank',
        options: [['rank', 'Rank (combined score)'], ['algo', 'Algorithmic score'], ['ai', 'AI score'], ['name', 'Name']] }));
    form.addEventListener('submit', (event) => event.preventDefault());
    form.elements.tier.addEventListener('change', () => { state.tier = form.elements.tier.value; state.offset = 0; loadTable(); });
    form.elements.order.addEventListener('change', () => { state.order = form.elements.order.value; loadTable(); });
    return form;
  }

  let loading = 0;
  async function loadTable() {
    const mine = ++loading;
    if (!role) {
      pages.hide();
      clear(tableBox, empty('No candidates to rank yet: set up the role, then upload a CSV of candidates.'));
      return;
    }
    try {
      const answer = await get('/candidates', { role_id: role.id, tier: state.tier, limit: PAGE, offset: state.offset }, { signal });
      if (mine !== loading) return;
      clear(tableBox, ranked(answer));
      pages.show({ offset: answer.offset, limit: PAGE, total: answer.total, count: answer.candidates.length, suffix: state.tier ? ` in the ${state.tier} tier` : '' });
    } catch (error) {
      if (error?.name !== 'AbortError') { clear(tableBox); pages.hide(); showError(tableBox, error); }
    }
  }

  function ranked(answer) {
    if (!answer.candidates.length) {
      return empty(state.tier ? `No candidates in the ${state.tier} tier.` : 'No candidates for this role yet: upload a CSV of candidates above.');
    }
    const rows = [...answer.candidates];
    const by = {
      algo: (a, b) => (b.candidate.algo_score ?? -1) - (a.candidate.algo_score ?? -1),
      ai: (a, b) => (b.candidate.ai_score ?? -1) - (a.candidate.ai_score ?? -1),
      name: (a, b) => a.candidate.name.localeCompare(b.candidate.name),
    }[state.order];
    if (by) rows.sort((a, b) => by(a, b) || a.rank - b.rank);
    return table([
      { label: 'Rank', value: (entry) => String(entry.rank), numeric: true },
      { label: 'Name', value: (entry) => [h('a', { href: `#/candidates/${entry.candidate.id}` }, entry.candidate.name),
        h('span', { class: 'muted current-role' }, [entry.candidate.current_role, entry.candidate.current_company].filter(Boolean).join(' at '))] },
      { label: 'Tier', value: (entry) => tierBadge(entry.candidate.tier) },
      { label: 'Combined', value: (entry) => score(entry.candidate.combined_score), numeric: true },
      { label: 'Algorithmic', value: (entry) => score(entry.candidate.algo_score), numeric: true },
      { label: 'AI', value: (entry) => score(entry.candidate.ai_score), numeric: true },
      { label: 'Red flags', value: (entry) => (entry.candidate.red_flags.length ? badge(String(entry.candidate.red_flags.length), 'red-flag') : '') },
    ], rows, { caption: `Candidates for ${role.title}, ${state.order === 'rank' ? 'best first' : 'reordered on this page'}`, rowKey: (entry) => entry.candidate.id });
  }

  showRole();
  showUpload(latest && role && latest.role_id === role.id ? latest : null);
  loadTable();
  if (latest && role && latest.role_id === role.id && !FINISHED.has(latest.state)) {
    follow(latest.upload_id, main.querySelector('.upload-status')).catch((error) => {
      if (error?.name !== 'AbortError') showError(main.querySelector('.upload-status'), error);
    });
  }
}

/// The role switcher: there is no list of roles, so the user names the id.
function switcher(roleId, navigate) {
  const form = h('form', { class: 'row role-switch', novalidate: true },
    field({ name: 'open_role', label: 'Open another role by id', type: 'number', value: roleId ?? '', min: 1, step: 1,
      hint: 'There is no list of roles: enter the id the role was set up with. The latest upload’s role opens by default.' }),
    h('button', { type: 'submit' }, 'Open role'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = form.elements.open_role.value.trim();
    if (!idParam(id)) {
      showError(form, { message: 'Enter a role id.', details: [{ field: 'open_role', problem: 'a whole number from 1 up' }] });
      return;
    }
    navigate(`#/candidates/role/${id}`);
  });
  return form;
}

/// The upload's progress for one status answer: the bar, the counts, the rows the file lost.
function showStatus(box, status) {
  const t = status.totals;
  const label = status.state === 'completed' ? `Upload ${status.upload_id} scored` : `Scoring upload ${status.upload_id}`;
  clear(box,
    progress(status.progress, label),
    h('p', { class: 'upload-state' }, badge(status.state.replace(/_/g, ' '), status.state === 'nothing_to_score' ? 'done' : status.state), ' ',
      status.progress_message || '', status.state === 'queued' ? ' (the worker picks it up within a minute)' : ''),
    h('p', { class: 'upload-counts' }, `${t.rows} rows: ${t.accepted} accepted, ${t.rejected} rejected, ${t.duplicates} repeated. `,
      `${t.candidates} candidates: ${t.extracted} read, ${t.scored} scored, ${t.ai_failed} AI failures.`),
    status.job?.error && status.state !== 'completed' ? h('p', { class: 'field-error' }, `Last attempt: ${status.job.error.message}`) : null,
    status.rejected.length ? h('details', {}, h('summary', {}, `${plural(status.rejected.length, 'row')} rejected`),
      table([
        { label: 'Line', value: (row) => String(row.line), numeric: true },
        { label: 'Reason', value: (row) => row.reason },
        { label: 'Excerpt', value: (row) => h('code', {}, row.excerpt) },
      ], status.rejected, { caption: 'Rows the upload skipped' })) : null);
  box.dataset.upload = status.upload_id;
  box.dataset.state = status.state;
}
