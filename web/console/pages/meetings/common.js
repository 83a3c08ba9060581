// What the meeting views share: their tabs, the statuses, and reading a stored step error.
import { badge, tabs } from '../../ui.js';

export const STATUSES = ['new', 'enriching', 'enriched', 'drafted', 'feedback_given', 'cancelled', 'error'];

export const STATUS_TEXT = {
  new: 'New', enriching: 'Enriching', enriched: 'Enriched', drafted: 'Drafted',
  feedback_given: 'Feedback given', cancelled: 'Cancelled', error: 'Error',
};

export function meetingTabs(current) {
  return tabs([['#/meetings', 'Meetings'], ['#/meetings/steering', 'Steering profile']], current);
}

export function statusBadge(status) {
  const kind = { drafted: 'done', feedback_given: 'done', new: 'queued', enriching: 'running', enriched: 'running', error: 'error', cancelled: 'cancelled' }[status];
  return badge(STATUS_TEXT[status] || status, `${kind || ''} status-${status}`);
}

/// The pipeline's steps, in the order they run, as a stored error names them ("<step>: <cause>").
export const STEPS = ['enrich', 'synthesize', 'sync-notion', 'draft-emails'];

/// {step, cause} from a meeting's `error`; step is null when the text names none.
export function failedStep(error) {
  const match = /^(enrich|synthesize|sync-notion|draft-emails):\s*([\s\S]*)$/.exec(error || '');
  return match ? { step: match[1], cause: match[2] } : { step: null, cause: error || '' };
}
