// What the operations views share: the tabs, the filters kept in the address
// (#/operations/jobs?status=failed&function=get-role), job statuses and their counts.
import { url } from '../../api.js';
import { h, badge, tabs } from '../../ui.js';

export const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'dead'];
export const RETRYABLE = new Set(['failed', 'dead']);

/// The view's tabs; `current` is the tab's address.
export function operationsTabs(current) {
  return tabs([['#/operations', 'Overview'], ['#/operations/jobs', 'Jobs'], ['#/operations/usage', 'LLM usage']], current);
}

/// The router hands over `jobs?status=failed` as one segment: the view's name and its query.
export function splitView(segment = '') {
  const at = segment.indexOf('?');
  return at < 0 ? [segment, new URLSearchParams()] : [segment.slice(0, at), new URLSearchParams(segment.slice(at + 1))];
}

export const statusLabel = (status) => status.charAt(0).toUpperCase() + status.slice(1);

/// The queue's counts by status (the whole queue: GET /jobs ignores its filters for them), each a
/// link to the list of that status.
export function statusCounts(counts, current) {
  const total = STATUSES.reduce((sum, status) => sum + (counts?.[status] || 0), 0);
  return h('ul', { class: 'counts ops-counts', 'aria-label': 'Jobs by status (the whole queue)' },
    h('li', {}, h('a', { href: '#/operations/jobs', 'aria-current': current === '' ? 'page' : null, 'data-status': 'all' },
      'All ', h('strong', {}, String(total)))),
    STATUSES.map((status) => h('li', {}, h('a', { href: url('#/operations/jobs', { status }), 'aria-current': current === status ? 'page' : null, 'data-status': status },
      badge(statusLabel(status), status), ' ', h('strong', {}, String(counts?.[status] || 0))))));
}

/// A JSON value (a job's input or result) as an indented block that scrolls on its own.
export const json = (value) => h('pre', { class: 'ops-json', tabindex: '0' }, JSON.stringify(value, null, 2));

export function duration(ms) {
  if (ms === null || ms === undefined) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}
