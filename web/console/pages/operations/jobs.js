// Background jobs: the list (#/operations/jobs, filtered by status and function, paged with
// `before`, all kept in the address) and one job (#/operations/jobs/<id>) with its error, input,
// result and a retry for a failed or dead job. Unfinished jobs are polled until they finish.
import { JOB_FINISHED, get, post, repeat, url, waitForJob } from '../../api.js';
import { h, clear, field, values, showError, clearErrors, empty, busy, table, progress, badge, dateTime, section, announce, copyButton, notice, uid,
  facts, loading, truncate, plural, backLink, errorText } from '../../ui.js';
import { STATUSES, RETRYABLE, operationsTabs, statusCounts, statusLabel, json, duration } from './common.js';

const PAGE_SIZES = ['25', '50', '100', '200'];
const REFRESH_MS = 3000;

export async function renderJobs(main, { query, signal, navigate }) {
  const filters = { status: query.get('status') || '', function: query.get('function') || '', limit: query.get('limit') || '', before: query.get('before') || '' };
  main.append(h('h1', {}, 'Operations'), operationsTabs('#/operations/jobs'));

  const functionsId = uid('functions');
  const functions = h('datalist', { id: functionsId });
  const form = h('form', { class: 'field-grid ops-filters', novalidate: true, 'aria-label': 'Filter jobs' },
    field({ name: 'status', label: 'Status', type: 'select', value: filters.status, options: [['', 'Any status'], ...STATUSES.map((status) => [status, statusLabel(status)])] }),
    field({ name: 'function', label: 'Function', value: filters.function, placeholder: 'e.g. run-pipeline' }),
    field({ name: 'limit', label: 'Per page', type: 'select', value: filters.limit || '50',
      options: [...new Set([...PAGE_SIZES, filters.limit || '50'])].map((size) => [size, size]) }),
    functions,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Show jobs'),
      filters.status || filters.function ? h('a', { href: '#/operations/jobs' }, 'Clear filters') : null));
  form.elements.function.setAttribute('list', functionsId);
  form.elements.function.setAttribute('autocomplete', 'off');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = values(form);
    navigate(url('#/operations/jobs', { status: chosen.status, function: chosen.function, limit: chosen.limit === '50' ? '' : chosen.limit }));
  });

  const counts = h('div', { class: 'queue-counts' });
  const list = h('div', {}, loading('Loading jobs…'));
  const refresh = h('button', { type: 'button', class: 'small' }, 'Refresh');
  main.append(section('Jobs', h('div', { class: 'spread' }, counts, refresh),
    h('p', { class: 'muted' }, 'The counts cover the whole queue, whatever the filters.'), form, list));

  const request = { status: filters.status, function: filters.function, limit: filters.limit, before: filters.before };
  // The list is redrawn only when the answer changed (a redraw loses the keyboard focus); a link
  // that had the focus gets it back in the new list.
  let shown = '';
  const load = async () => {
    const answer = await get('/jobs', request, { signal });
    clearErrors(form);
    clearErrors(list);
    const now = JSON.stringify(answer);
    if (now === shown) return answer;
    shown = now;
    const focused = list.contains(document.activeElement) ? document.activeElement.getAttribute('href') : null;
    clear(counts, statusCounts(answer.counts, filters.status));
    const names = new Set(answer.jobs.map((job) => job.function));
    if (filters.function) names.add(filters.function);
    clear(functions, [...names].sort().map((name) => h('option', { value: name })));
    clear(list, jobList(answer, filters));
    if (focused) [...list.querySelectorAll('a[href]')].find((link) => link.getAttribute('href') === focused)?.focus();
    return answer;
  };
  refresh.addEventListener('click', () => busy(refresh, load, list));

  let answer;
  try {
    answer = await load();
  } catch (error) {
    if (error?.name === 'AbortError') return;
    if (error?.status === 401) throw error;
    clear(list);
    showError(list, error, form);  // a refused filter (status, limit, before) is shown next to its field
    return;
  }
  // Jobs still queued or running on this page: look again every few seconds until they finish.
  const unfinished = () => answer.jobs.some((job) => !JOB_FINISHED.has(job.status));
  if (!unfinished()) return;
  await repeat(async () => { answer = await load(); return unfinished(); }, { interval: REFRESH_MS, signal })
    .catch((error) => showError(list, error));
}

function jobList(answer, filters) {
  if (!answer.jobs.length) {
    if (filters.before) return empty('No older jobs.', h('a', { href: url('#/operations/jobs', { ...filters, before: '' }) }, 'Back to the newest jobs'));
    if (filters.status || filters.function) return empty('No jobs match these filters.', h('a', { href: '#/operations/jobs' }, 'Show all jobs'));
    return empty('No jobs yet. Jobs appear when long work starts: a meeting\'s pipeline, a prospect\'s research, a candidate scoring run, or POST /jobs.');
  }
  const rows = table([
    { label: 'Job', value: (job) => h('a', { href: `#/operations/jobs/${job.id}` }, `#${job.id}`) },
    { label: 'Function', value: (job) => h('code', {}, job.function) },
    { label: 'Status', value: (job) => badge(job.status) },
    { label: 'Attempts', value: (job) => `${job.attempts} of ${job.max_attempts}`, numeric: true },
    { label: 'Progress', value: (job) => `${job.progress}%`, numeric: true },
    { label: 'Created', value: (job) => dateTime(job.created_at) },
    { label: 'Finished', value: (job) => dateTime(job.finished_at) },
    { label: 'Error', value: (job) => job.error ? h('span', { class: 'job-error' }, truncate(job.error.message, 120)) : '' },
  ], answer.jobs, { caption: caption(answer.jobs.length, filters), rowKey: (job) => job.id });
  const paging = h('nav', { class: 'row pager', 'aria-label': 'Pages of jobs' },
    filters.before ? h('a', { href: url('#/operations/jobs', { ...filters, before: '' }) }, '← Newest jobs') : null,
    answer.next_before ? h('a', { href: url('#/operations/jobs', { ...filters, before: answer.next_before }) }, 'Older jobs →') : null);
  return [rows, paging.childElementCount ? paging : null];
}

function caption(count, filters) {
  const parts = [filters.status && statusLabel(filters.status), filters.function && `“${filters.function}”`].filter(Boolean);
  return `${plural(count, 'job')}${parts.length ? ` (${parts.join(', ')})` : ''}${filters.before ? `, older than #${filters.before}` : ', newest first'}`;
}

/// One job: what it is, how it went, what it was given and gave back; retry when it failed.
export async function renderJob(main, { id, signal }) {
  const loadJob = () => get(`/jobs/${id}`, undefined, { signal });
  let job = await loadJob();
  main.append(backLink('#/operations/jobs', 'All jobs'),
    h('h1', {}, `Job #${job.id}: `, h('code', {}, job.function)), operationsTabs('#/operations/jobs'));

  const summary = h('div', {});
  const actions = h('div', { class: 'row' });
  const feedback = h('div', {});
  const watched = h('ol', { class: 'list watch-log' });
  const watchedSection = section('What happened while you watched', watched);
  watchedSection.hidden = true;
  const errorArea = h('div', {});
  const times = h('div', {});
  const input = h('div', {});
  const result = h('div', {});
  main.append(section('Status', summary, actions, feedback), watchedSection, errorArea, section('Times', times),
    section('Input', input), section('Result', result));

  const log = (text) => {
    watchedSection.hidden = false;
    watched.append(h('li', {}, h('span', { class: 'muted' }, new Date().toISOString().slice(11, 19), ' UTC '), text));
  };
  const retry = h('button', { type: 'button', class: 'primary' }, 'Retry');
  const reload = h('button', { type: 'button' }, 'Refresh');
  actions.append(reload);

  const paint = (next) => {
    job = next;
    clear(summary, facts([
      ['Status', h('span', { class: 'job-status' }, badge(job.status))],
      ['Attempts', h('span', { class: 'job-attempts' }, `${job.attempts} of ${job.max_attempts}`)],
      ['Progress', progress(job.progress, job.progress_message || 'Progress')],
      ['Exit code', job.exit_code === null ? null : String(job.exit_code)],
      ['Duration', duration(job.duration_ms)],
      ['Idempotency key', job.idempotency_key ? h('code', {}, job.idempotency_key) : null],
    ]));
    // A button is taken out rather than hidden (buttons are display: inline-block, which beats [hidden]);
    // Refresh stays where it is, so it keeps the focus.
    if (!RETRYABLE.has(job.status)) retry.remove();
    else if (retry.parentNode !== actions) actions.prepend(retry);
    clear(errorArea, job.error ? section('Error', jobError(job)) : null);
    clear(times, facts([
      ['Created', dateTime(job.created_at)], ['Runs after', dateTime(job.run_after)], ['Started', dateTime(job.started_at)],
      ['Finished', dateTime(job.finished_at)], ['Updated', dateTime(job.updated_at)],
    ]));
    clear(input, h('div', { class: 'row' }, copyButton(() => JSON.stringify(job.input, null, 2), 'Copy the input')), json(job.input));
    clear(result, job.result === null
      ? h('p', { class: 'muted' }, job.status === 'succeeded' ? 'The job succeeded without a result.'
        : JOB_FINISHED.has(job.status) ? 'No result: the job did not succeed.' : 'No result yet: the job has not finished.')
      : [h('div', { class: 'row' }, copyButton(() => JSON.stringify(job.result, null, 2), 'Copy the result')), json(job.result)]);
  };

  // Polls until the job finishes, logging each status it passes through.
  let watching = false;
  const watch = async () => {
    if (watching || JOB_FINISHED.has(job.status)) return;
    watching = true;
    let last = `${job.status}/${job.attempts}`;
    try {
      const done = await waitForJob(job.id, (update) => {
        const seen = `${update.status}/${update.attempts}`;
        if (seen !== last) { last = seen; log(describe(update)); }
        paint(update);
      }, { signal });
      clear(feedback, notice(`The job ${describe(done)}.`, done.status === 'succeeded' ? 'success' : 'info'));
      announce(`Job ${done.id} ${done.status}`);
    } catch (error) {
      if (error?.name !== 'AbortError') showError(feedback, error);
    } finally {
      watching = false;
    }
  };

  retry.addEventListener('click', () => busy(retry, async () => {
    clear(feedback);
    const queued = await post(`/jobs/${job.id}/retry`, undefined, { signal });
    paint(queued);
    log(`Retried: ${describe(queued)}`);
    announce(`Job ${queued.id} queued again`);
    feedback.append(notice('Queued again. The page follows it until it finishes.', 'success'));
    reload.focus();
    watch();
  }, feedback));
  reload.addEventListener('click', () => busy(reload, async () => {
    clear(feedback);
    paint(await loadJob());
    watch();
  }, feedback));

  paint(job);
  watch();
}

function describe(job) {
  const attempts = `attempt${job.attempts === 1 ? '' : 's'}`;
  switch (job.status) {
    case 'queued': return job.attempts ? `queued to try again (${job.attempts} ${attempts} so far)` : 'queued';
    case 'running': return `running (attempt ${job.attempts} of ${job.max_attempts})`;
    case 'succeeded': return `succeeded after ${job.attempts} ${attempts}`;
    default: return `${job.status} after ${job.attempts} ${attempts}${job.error ? `: ${errorText(job.error)}` : ''}`;
  }
}

function jobError(job) {
  const { code, message, details } = job.error;
  return [
    h('div', { class: 'alert error' }, h('p', { class: 'job-error-message' }, message), h('p', {}, 'Code: ', h('code', { class: 'job-error-code' }, code)),
      Array.isArray(details) && details.length
        ? h('ul', {}, details.map((detail) => h('li', {}, detail.field ? [h('code', {}, detail.field), ': '] : null, detail.problem ?? JSON.stringify(detail))))
        : null),
    RETRYABLE.has(job.status)
      ? h('p', { class: 'muted' }, job.status === 'dead'
        ? 'Every attempt failed. Fix the cause (a provider, a key), then retry: the job runs again from a fresh set of attempts.'
        : 'This error does not go away by itself. Fix what it names (the input, missing data), then retry.')
      : null,
  ];
}
