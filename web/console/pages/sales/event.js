// One event: what it is, matching prospects to it (a queued run: candidates found, scored, the top
// ones selected, an invitation drafted for each), and the ranked matches with their invitations.
import { get, post } from '../../api.js';
import { h, clear, field, showError, clearErrors, notice, empty, busy, table, badge, section, announce, facts, idParam, dateTime, commaList, backLink } from '../../ui.js';
import { MATCH_STEPS, serial, watchRun, runActive, stepList, runStatus } from './common.js';

const MATCH_STATUSES = ['selected', 'over_limit', 'below_threshold', 'skipped'];

export async function render(main, { id, signal }) {
  const eventId = idParam(id);
  if (!eventId) {
    main.append(h('h1', {}, 'Event not found'), empty(`“${id}” is not an event number.`, h('a', { href: '#/sales/events' }, 'All events')));
    return;
  }
  let answer;
  let statusFilter = '';
  const load = () => get(`/api/v1/events/${eventId}/matches`, { status: statusFilter || undefined, limit: 200 }, { signal });
  try {
    answer = await load();
  } catch (error) {
    if (error.name === 'AbortError') return;
    main.append(h('h1', {}, `Event ${eventId}`));
    showError(main, error);
    main.append(backLink('#/sales/events', 'All events'));
    return;
  }
  const event = answer.event;
  const runBox = h('div', { class: 'run', 'aria-live': 'polite' });
  const matchesBox = h('div');
  const form = h('form', { class: 'match-form', novalidate: true },
    h('div', { class: 'field-grid' },
      field({ name: 'threshold', label: 'Lowest score to invite (0–100)', type: 'number', min: 0, max: 100, value: 70 }),
      field({ name: 'max_matches', label: 'Most invitations (1–100)', type: 'number', min: 1, max: 100, value: 20 }),
      field({ name: 'candidate_limit', label: 'Prospects to consider (1–2000)', type: 'number', min: 1, max: 2000, value: 200 })),
    field({ name: 'allow_without_research', label: 'Also score prospects not researched yet', type: 'checkbox',
      hint: 'Otherwise they are listed as skipped, with what to do.' }),
    h('button', { type: 'submit', class: 'primary' }, 'Run matching'));
  const filter = field({ name: 'status', label: 'Show matches', type: 'select', options: [['', 'All'], ...MATCH_STATUSES.map((s) => [s, s.replace('_', ' ')])] });
  filter.querySelector('select').addEventListener('change', async (change) => {
    statusFilter = change.target.value;
    try { answer = await load(); showMatches(); } catch (error) { if (error.name !== 'AbortError') showError(matchesBox, error); }
  });

  main.append(
    backLink('#/sales/events', 'All events'),
    h('h1', {}, event.title),
    section('About the event',
      facts([
        ['Date', dateTime(event.event_date)],
        ['Type', event.event_type],
        ['Location', event.location],
        ['For industries', commaList(event.target_industries)],
        ['For roles', commaList(event.target_roles)],
        ['Solutions featured', commaList(event.aws_solutions_featured)],
      ]),
      h('p', { class: 'description' }, event.description)),
    section('Match prospects', form, runBox),
    section('Matches', h('div', { class: 'narrow' }, filter), matchesBox));

  function showRun(run, job) {
    if (!run) { clear(runBox, empty('Not matched yet. Run matching: prospects are scored against this event and the best get an invitation drafted.')); return; }
    clear(runBox, runStatus(run, job, 'Matching'), countsLine(run.counts), stepList(MATCH_STEPS, run.steps, 'Matching', run.status));
  }

  function showMatches() {
    const run = answer.latest_run;
    if (!answer.matches.length) {
      clear(matchesBox, empty(runActive(run) ? 'Matching is under way: the matches appear when it finishes.'
        : statusFilter ? 'No match has this status.' : 'No matches yet. Run matching above.'));
      return;
    }
    clear(matchesBox,
      answer.matches_run_id && run && answer.matches_run_id !== run.run_id ? notice(`These matches come from run ${answer.matches_run_id}, the latest that succeeded.`, 'info') : null,
      matchTable(answer.matches, answer.total));
  }

  let fresh = true;
  const watch = serial(async () => {
    try {
      if (!fresh) answer = await load();
      fresh = false;
      if (runActive(answer.latest_run)) {
        const run = await watchRun(async () => { answer = await load(); showMatches(); return answer.latest_run; }, showRun, signal);
        announce(`Matching ${run?.status || 'ended'}`);
      } else {
        showRun(answer.latest_run, null);
      }
      showMatches();
    } catch (error) {
      if (error.name !== 'AbortError') showError(runBox, error);
    }
  });

  form.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    clearErrors(form);
    const body = { allow_without_research: form.elements.allow_without_research.checked };
    for (const name of ['threshold', 'max_matches', 'candidate_limit']) {
      const text = form.elements[name].value.trim();
      if (text !== '') body[name] = Number(text);
    }
    const started = await busy(submit.submitter || form.querySelector('button[type=submit]'),
      () => post(`/api/v1/events/${eventId}/match-prospects`, body, { signal }), form);
    if (!started) return;
    announce(`Matching run ${started.run_id} ${started.created ? 'queued' : 'already going'}`);
    watch();
  });

  watch();
}

function countsLine(counts) {
  if (!counts || !Object.keys(counts).length) return null;
  const order = ['selected', 'drafted', 'skipped', 'below_threshold', 'over_limit', 'invitation_failed'];
  const names = [...order.filter((name) => name in counts), ...Object.keys(counts).filter((name) => !order.includes(name))];
  return h('ul', { class: 'counts' }, names.map((name) => h('li', {}, h('strong', {}, String(counts[name])), ` ${name.replace(/_/g, ' ')}`)));
}

function matchTable(matches, total) {
  return table([
    { label: 'Rank', value: (m) => (m.rank ? String(m.rank) : '–'), numeric: true },
    { label: 'Prospect', value: (m) => [h('a', { href: `#/sales/prospects/${m.prospect_id}` }, m.full_name), h('p', { class: 'muted small' }, `${m.title} at ${m.company_name}`)] },
    { label: 'Score', value: (m) => (m.score === null || m.score === undefined ? '–' : String(m.score)), numeric: true },
    { label: 'Status', value: (m) => badge(m.status.replace('_', ' '), `match-${m.status}`) },
    { label: 'Why', value: (m) => m.reason || m.skip_reason || '–' },
    { label: 'Invitation', value: (m) => invitation(m) },
  ], matches, { caption: `Matches, best first (${total})`, rowKey: (m) => m.prospect_id });
}

function invitation(m) {
  if (!m.invitation_status && !m.draft_id) return '–';
  return [
    m.invitation_status ? badge(m.invitation_status.replace('_', ' '), m.invitation_status === 'failed' ? 'failed' : 'invitation') : null,
    m.draft_sent_at ? ' sent' : null,
    m.draft_id ? [' ', h('a', { href: `#/sales/prospects/${m.prospect_id}` }, `draft ${m.draft_id}`)] : null,
    m.invitation_error ? h('p', { class: 'field-error' }, m.invitation_error) : null,
  ];
}
