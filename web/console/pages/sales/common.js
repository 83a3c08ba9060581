// What the sales views share: a workflow run's steps (research, outreach, event matching) as they
// complete, and the polling that watches a run.
import { JOB_FINISHED, get, sleep } from '../../api.js';
import { h, badge, progress, dateTime, errorText, plural } from '../../ui.js';

export const RESEARCH_STEPS = ['gather_context', 'research_company', 'analyze_tech_stack', 'identify_pain_points', 'match_solutions', 'synthesize_research'];
export const OUTREACH_STEPS = ['load_context', 'analyze_similar_wins', 'plan_email_strategy', 'generate_subject', 'generate_body', 'refine_draft'];
export const MATCH_STEPS = ['find_candidates', 'score_relevance', 'select_top_matches', 'generate_invitations'];

/// A run is over when it succeeded or failed; its job can also end (dead) without the run saying so.
const RUN_OVER = new Set(['succeeded', 'failed']);
export const POLL_MS = 1500;

export function runActive(run) {
  return Boolean(run) && !RUN_OVER.has(run.status);
}

/// Polls `load()` (which answers the run, or null) until the run is over, calling `show(run, job)`
/// after every answer. The run's job is read as well, so a job that died (or waits for a retry)
/// is shown rather than a run that seems to wait forever. Stops when `signal` aborts.
export async function watchRun(load, show, signal) {
  for (;;) {
    const run = await load();
    let job = null;
    if (runActive(run) && run.job_id) {
      try { job = await get(`/jobs/${run.job_id}`, undefined, { signal }); } catch (error) { if (error.name === 'AbortError') throw error; }
    }
    show(run, job);
    if (!runActive(run)) return run;
    if (job && JOB_FINISHED.has(job.status)) return run;
    await sleep(POLL_MS, signal);
  }
}

/// The run's steps in their fixed order: steps the API has not started yet are pending. Each shows
/// its status, attempts, what it worked on, how long it took and, when it failed, why. After a
/// failed run the steps it never reached are "not run".
export function stepList(names, steps, label, runState) {
  const byName = new Map((steps || []).map((step) => [step.name, step]));
  const extra = (steps || []).filter((step) => !names.includes(step.name)).map((step) => step.name);
  const all = [...names, ...extra];
  const done = all.filter((name) => ['succeeded', 'reused'].includes(byName.get(name)?.status)).length;
  return h('div', { class: 'steps-box' },
    progress(Math.round((done / all.length) * 100), `${label}: ${done} of ${all.length} steps done`),
    h('ol', { class: 'steps', 'aria-label': `${label} steps` }, all.map((name) => {
      const step = byName.get(name);
      const status = step?.status || (runState === 'failed' ? 'not run' : 'pending');
      return h('li', { class: `step ${status.replace(' ', '-')}`, 'data-step': name },
        h('div', { class: 'spread' }, h('code', { class: 'step-name' }, name), badge(status)),
        step ? h('p', { class: 'muted step-meta' }, [
          step.input_summary,
          step.duration_ms != null ? `${step.duration_ms} ms` : null,
          step.attempts > 1 ? `${step.attempts} attempts` : null,
          step.llm_calls ? plural(step.llm_calls, 'LLM call') : null,
          step.reused_from_run_id ? `reused from run ${step.reused_from_run_id}` : null,
        ].filter(Boolean).join(' · ')) : null,
        step?.error ? h('p', { class: 'field-error' }, errorText(step.error)) : null);
    })));
}

/// One line that says where a run stands (and the job behind it while it waits).
export function runStatus(run, job, noun) {
  const parts = [h('strong', {}, `${noun} run ${run.run_id}: `), badge(run.status)];
  if (run.resumed_from_run_id) parts.push(` resumed from run ${run.resumed_from_run_id}`);
  if (run.created_at) parts.push(' · started ', dateTime(run.started_at || run.created_at));
  if (run.finished_at) parts.push(' · finished ', dateTime(run.finished_at));
  const lines = [h('p', { class: 'run-status' }, parts)];
  if (run.status === 'queued' && (!job || job.status === 'queued')) {
    lines.push(h('p', { class: 'muted' }, 'Waiting for the worker: queued jobs start at its next run (every minute on a server, sooner here).'));
  }
  if (job && job.error && !JOB_FINISHED.has(job.status)) {
    lines.push(h('p', { class: 'alert info', role: 'status' }, `Attempt ${job.attempts} of ${job.max_attempts} failed (${errorText(job.error)}); the job will try again.`));
  }
  if (job && ['failed', 'dead'].includes(job.status) && runActive(run)) {
    lines.push(h('p', { class: 'alert error', role: 'alert' }, `The job stopped (${job.status}): ${errorText(job.error) || 'no reason given'}`));
  }
  if (run.status === 'failed') {
    lines.push(h('div', { class: 'alert error', role: 'alert' },
      h('strong', {}, `Failed at step ${run.failed_step || '(unknown)'}: `), errorText(run.error) || 'no reason given'));
  }
  return lines;
}

/// A score as the API gives it, to `digits` places ('–' for none).
export function score(value, digits = 4) {
  return value === null || value === undefined ? '–' : Number(value).toFixed(digits);
}

/// Runs `task` (which handles its own errors) one at a time: a call while it runs makes it run once
/// more afterwards, so a run started meanwhile (Generate clicked during a load) is still watched.
export function serial(task) {
  let running = null;
  let again = false;
  return () => {
    if (running) { again = true; return running; }
    running = (async () => {
      do { again = false; await task(); } while (again);
    })().finally(() => { running = null; });
    return running;
  };
}
