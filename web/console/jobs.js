// Following a queued job (GET /jobs/{id}) on a page, the same way everywhere: a line with its status
// and attempts, a progress bar with what it is doing, and its error (while it waits for another
// attempt, or once it failed for good).
import { waitForJob } from './api.js';
import { h, clear, badge, progress, notice, errorText } from './ui.js';

/// The job as it stands. `title` starts the line (else "Job 12"); `label` names the bar (else the
/// job's progress message, shown on the line then).
export function jobStatus(job, { title, label } = {}) {
  const queued = job.status === 'queued';
  return h('div', { class: 'job-follow', 'data-status': job.status },
    h('p', { class: 'job-line' }, `${title || `Job ${job.id}`}: `, badge(job.status),
      job.attempts ? ` attempt ${job.attempts} of ${job.max_attempts}` : '',
      queued && !job.attempts ? ' (the worker picks jobs up within a minute)' : '',
      label && job.progress_message ? ` · ${job.progress_message}` : ''),
    progress(job.progress ?? 0, label || job.progress_message || (queued ? 'waiting for the worker' : job.status)),
    !job.error ? null : queued
      ? notice(`Attempt ${job.attempts} failed: ${errorText(job.error)}. It will be tried again.`, 'info')
      : h('p', { class: 'field-error' }, errorText(job.error)));
}

/// Shows job `id` in `box` until it finishes; resolves with the finished job (a failed or dead one
/// with its error shown). `onUpdate(job)` runs after each change; stops when `signal` aborts.
export function followJob(id, box, { signal, interval, title, label, onUpdate } = {}) {
  return waitForJob(id, (job) => {
    clear(box, jobStatus(job, { title, label }));
    onUpdate?.(job);
  }, { signal, interval });
}
