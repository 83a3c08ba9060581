// The meeting list (GET /meetings): status filter, paging, and polling the calendar now
// (POST /trigger-poll, which also queues the pipeline for each new meeting).
import { get, post } from '../../api.js';
import { h, clear, field, table, showError, empty, busy, dateTime, notice, announce, loading, pager, plural, errorText } from '../../ui.js';
import { followJob } from '../../jobs.js';
import { STATUSES, STATUS_TEXT, meetingTabs, statusBadge } from './common.js';

const PAGE_SIZE = 20;
/// Kept while the tab lives, so coming back from a meeting shows the same filter and page.
const state = { status: '', offset: 0 };

export async function renderList(main, { signal }) {
  const filter = field({
    name: 'status', label: 'Status', type: 'select', value: state.status,
    options: [['', 'All statuses'], ...STATUSES.map((status) => [status, STATUS_TEXT[status]])],
  });
  const pollArea = h('div', { class: 'meeting-poll-result' });
  const pollButton = h('button', { type: 'button' }, 'Poll the calendar now');
  const results = h('div', { class: 'meeting-results' }, loading('Loading meetings…'));
  const form = h('form', { class: 'row meeting-filter', role: 'search', 'aria-label': 'Filter meetings' }, filter);
  const pages = pager('Pages of meetings', (offset) => { state.offset = offset; load(); });
  main.append(h('h1', {}, 'Meetings'), meetingTabs('#/meetings'),
    h('div', { class: 'spread meeting-toolbar' }, form, pollButton), pollArea, results, pages.element);

  const load = async () => {
    let answer;
    try {
      answer = await get('/meetings', { status: state.status || undefined, limit: PAGE_SIZE, offset: state.offset }, { signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      clear(results);
      pages.hide();
      showError(results, error);
      return;
    }
    if (answer.total > 0 && answer.offset >= answer.total && state.offset > 0) {
      state.offset = Math.max(0, Math.floor((answer.total - 1) / PAGE_SIZE) * PAGE_SIZE);
      return load();
    }
    pollButton.hidden = !answer.total && !state.status;
    form.hidden = pollButton.hidden;
    clear(results, listView(answer, { poll, showAll }));
    pages.show({ offset: answer.offset, limit: answer.limit, total: answer.total, count: answer.meetings.length });
  };

  const showAll = () => {
    state.status = '';
    state.offset = 0;
    form.elements.status.value = '';
    load();
  };
  form.addEventListener('submit', (event) => event.preventDefault());
  form.elements.status.addEventListener('change', () => {
    state.status = form.elements.status.value;
    state.offset = 0;
    load();
  });
  const poll = (button) => busy(button, () => pollNow(pollArea, { signal, load }), pollArea);
  pollButton.addEventListener('click', () => poll(pollButton));
  await load();
}

function listView(answer, { poll, showAll }) {
  const { meetings, total } = answer;
  if (!total) {
    if (state.status) {
      return empty(`No meeting has the status “${STATUS_TEXT[state.status] || state.status}”.`,
        h('button', { type: 'button', onclick: showAll }, 'Show all meetings'));
    }
    return h('div', { class: 'empty' },
      h('p', {}, 'No meetings yet.'),
      h('p', {}, 'Meetings arrive from the calendar: the ', h('code', {}, 'poll-calendar'), ' function runs every minute, reads the feed in ',
        h('code', {}, 'CALENDAR_ICS_URL'), ' (or Google Calendar) for the next 7 days and adds each meeting with someone outside ',
        h('code', {}, 'SELF_EMAIL_DOMAINS'), '. ', h('code', {}, 'POST /trigger-poll'),
        ' polls at once and prepares each new meeting (research, insights, drafts).'),
      h('button', { type: 'button', class: 'primary', onclick: (event) => poll(event.currentTarget) }, 'Poll the calendar now'));
  }
  return table([
    { label: 'Meeting', value: (meeting) => h('a', { href: `#/meetings/${meeting.id}` }, meeting.title || `Meeting ${meeting.id}`) },
    { label: 'Starts', value: (meeting) => meeting.is_all_day ? [dateTime(meeting.start), ' (all day)'] : dateTime(meeting.start) },
    { label: 'Company', value: (meeting) => meeting.company || h('span', { class: 'muted' }, 'none found') },
    { label: 'Status', value: (meeting) => statusBadge(meeting.status) },
    { label: 'Feedback', value: (meeting) => meeting.feedback_score === 1 ? 'Thumbs up' : meeting.feedback_score === -1 ? 'Thumbs down' : '' },
    { label: 'Steering', value: (meeting) => meeting.steering_version ? `v${meeting.steering_version}` : '' },
  ], meetings, { caption: state.status ? `Meetings with status ${STATUS_TEXT[state.status]}, newest first` : 'Meetings, newest first', rowKey: (meeting) => meeting.id });
}

/// POST /trigger-poll: says what the poll found, then follows the pipeline jobs it queued.
async function pollNow(area, { signal, load }) {
  clear(area, loading('Polling the calendar…'));
  const answer = await post('/trigger-poll', {}, { signal });
  const summary = answer.provider === 'none'
    ? 'No calendar is configured, so nothing was fetched.'
    : `Fetched ${plural(answer.fetched, 'event')} (${answer.provider}) between ${new Date(answer.window_start).toUTCString()} and ${new Date(answer.window_end).toUTCString()}: ${answer.new} new, ${answer.updated} updated, ${answer.cancelled} cancelled, ${answer.skipped} skipped.`;
  const jobs = answer.queued_jobs || [];
  const status = h('div', {});
  clear(area, h('div', { class: `alert ${answer.provider === 'none' ? 'error' : 'info'}`, role: 'status' },
    h('p', {}, summary),
    answer.warnings?.length ? h('ul', {}, answer.warnings.map((warning) => h('li', {}, warning))) : null,
    answer.skipped_events?.length ? h('details', {}, h('summary', {}, 'Skipped events'),
      h('ul', {}, answer.skipped_events.map((event) => h('li', {}, `${event.uid || 'an event without a UID'}: ${event.reason}`)))) : null,
    status));
  announce(summary);
  await load();
  const failed = [];
  for (const [index, id] of jobs.entries()) {
    const finished = await followJob(id, status, { signal, title: `Preparing the new meetings: job ${index + 1} of ${jobs.length} (job ${id})` });
    if (finished.status !== 'succeeded') failed.push(`Job ${id} ended ${finished.status}: ${errorText(finished.error) || 'no message'}`);
    await load();
  }
  if (failed.length) {
    clear(status, notice(failed.length === 1 ? failed[0] : `${failed.length} of the ${jobs.length} jobs did not succeed: ${failed.join('; ')}`, 'error'));
    announce('Some new meetings could not be prepared.');
  } else if (jobs.length) {
    clear(status, h('p', {}, `The ${jobs.length} new meeting${jobs.length === 1 ? ' is' : 's are'} prepared.`));
    announce('The new meetings are prepared.');
  }
}
