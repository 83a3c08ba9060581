// One meeting (GET /meetings/{id}): what the research found, the insights, hooks and competitors,
// both drafts, the stored error naming the failed step, thumbs up/down with notes
// (POST /meetings/{id}/feedback) and a re-run of the pipeline as a job with its progress.
import { get, post } from '../../api.js';
import { h, clear, field, section, table, showError, clearErrors, busy, copyButton, dateTime, notice, progress, announce, empty, badge,
  loading, backLink, externalLink, facts, plural, errorText } from '../../ui.js';
import { followJob } from '../../jobs.js';
import { STATUS_TEXT, meetingTabs, statusBadge, failedStep } from './common.js';

const CATEGORY_TEXT = { news: 'News', role_pains: 'Role pains', competitors: 'Competitors' };

export async function renderMeeting(main, { id, signal }) {
  // What stays on screen when the meeting is drawn again (after feedback, after a re-run).
  const memo = { feedback: null, run: null, running: false };
  const view = h('div', { class: 'meeting' }, loading(`Loading meeting ${id}…`));
  main.append(view);
  // `focus` names what gets the focus in the new drawing (the result of the action just done).
  const reload = async (focus) => {
    const meeting = await get(`/meetings/${id}`, undefined, { signal });
    show(meeting);
    if (focus) view.querySelector(focus)?.focus();
    return meeting;
  };
  const show = (meeting) => {
    document.title = `${meeting.title} · Meetings · Function bundle console`;
    clear(view, meetingView(meeting, { memo, reload, signal }));
  };
  try {
    await reload();
  } catch (error) {
    if (error.name === 'AbortError') return;
    clear(view, backLink('#/meetings', 'All meetings'), h('h1', {}, `Meeting ${id}`));
    showError(view, error);
  }
}

function meetingView(meeting, context) {
  const failure = meeting.error ? failedStep(meeting.error) : null;
  const warnings = meeting.enrichment?.warnings || [];
  return [
    backLink('#/meetings', 'All meetings'),
    h('h1', {}, meeting.title || `Meeting ${meeting.id}`),
    meetingTabs(null),
    failure ? h('div', { class: 'alert error', role: 'alert' },
      h('strong', {}, failure.step ? `The ${failure.step} step failed: ` : 'The pipeline failed: '), failure.cause,
      h('p', { class: 'meeting-hint' }, failure.step
        ? `Resume from the ${failure.step} step, or re-run every step from the start, under “Re-run the pipeline” below.`
        : 'Re-run the pipeline below.')) : null,
    warnings.length ? h('div', { class: 'alert info', role: 'status' }, h('strong', {}, 'Enrichment warnings'),
      h('ul', {}, warnings.map((warning) => h('li', {}, warning)))) : null,
    aboutSection(meeting),
    insightsSection(meeting),
    h('div', { class: 'grid meeting-pair' }, hooksSection(meeting), competitorsSection(meeting)),
    draftsSection(meeting),
    feedbackSection(meeting, context),
    runSection(meeting, context),
    sourcesSection(meeting),
  ];
}

function aboutSection(meeting) {
  const rows = [
    ['Status', statusBadge(meeting.status)],
    ['Starts', meeting.is_all_day ? [dateTime(meeting.start), ' (all day)'] : dateTime(meeting.start)],
    ['Ends', dateTime(meeting.end)],
    ['Company', meeting.company ? [meeting.company, meeting.company_domain ? h('span', { class: 'muted' }, ` (${meeting.company_domain})`) : null]
      : h('span', { class: 'muted' }, 'none found (only free-mail or internal attendees)')],
    ['Role', meeting.role || h('span', { class: 'muted' }, 'not known')],
    ['Location', meeting.location],
    ['Steering version', meeting.steering_version
      ? h('a', { href: '#/meetings/steering', class: 'steering-version' }, `v${meeting.steering_version}`)
      : h('span', { class: 'muted' }, 'not prepared yet')],
    ['Feedback', meeting.feedback_score ? [meeting.feedback_score === 1 ? 'Thumbs up' : 'Thumbs down',
      meeting.feedback_notes ? h('span', { class: 'muted' }, `: “${meeting.feedback_notes}”`) : null] : h('span', { class: 'muted' }, 'none yet')],
    ['Notion page', meeting.notion_page_id || h('span', { class: 'muted' }, 'none')],
    ['Updated', dateTime(meeting.updated_at)],
  ];
  return h('section', { class: 'meeting-facts', 'aria-label': 'About the meeting' },
    facts(rows),
    meeting.description ? h('p', { class: 'meeting-description' }, meeting.description) : null,
    meeting.attendees?.length ? h('details', { class: 'meeting-attendees' }, h('summary', {}, `Attendees (${meeting.attendees.length})`),
      h('ul', {}, meeting.attendees.map((person) => h('li', {}, person.name ? `${person.name} <${person.email}>` : person.email,
        ` · ${person.response.replace('_', ' ')}`, person.is_organizer ? ' · organizer' : '')))) : null);
}

function sourceLink(url) {
  if (!url) return null;
  let host = url;
  try { host = new URL(url).host; } catch { /* shown as it is */ }
  return externalLink(url, `Source: ${host}`);
}

/// An empty part of the meeting: none found (the step ran: an empty list) or not made yet (null).
function notYet(meeting, what, value) {
  if (Array.isArray(value)) return empty(`The research found no ${what} for this meeting.`);
  if (meeting.status === 'cancelled') return empty(`The meeting was cancelled, so no ${what} were made.`);
  return empty(`No ${what} yet: they are made when the pipeline runs (re-run it below).`);
}

function insightsSection(meeting) {
  const insights = [...(meeting.insights || [])].sort((a, b) => a.priority - b.priority);
  return section('Insights', insights.length ? h('ol', { class: 'list meeting-insights' }, insights.map((insight) => h('li', { class: 'meeting-insight' },
    h('div', { class: 'row' }, badge(`Priority ${insight.priority}`, `priority-${insight.priority}`), h('strong', { class: 'meeting-insight-text' }, insight.text)),
    h('p', { class: 'meeting-why' }, h('span', { class: 'muted' }, 'Why: '), insight.why),
    sourceLink(insight.source_url))))
    : notYet(meeting, 'insights', meeting.insights));
}

function hooksSection(meeting) {
  const hooks = meeting.hooks || [];
  return section('Hooks', hooks.length ? h('ul', { class: 'list meeting-hooks' }, hooks.map((hook) => h('li', {},
    h('p', {}, hook.hook), sourceLink(hook.source_url))))
    : notYet(meeting, 'hooks', meeting.hooks));
}

function competitorsSection(meeting) {
  const competitors = meeting.competitors || [];
  return section('Competitors', competitors.length
    ? table([{ label: 'Name', value: (row) => row.name }, { label: 'Positioning', value: (row) => row.positioning }], competitors,
      { caption: 'Competitors the research named' })
    : notYet(meeting, 'competitors', meeting.competitors));
}

function draftCard(title, draft, note) {
  const text = () => `Subject: ${draft.subject}\n\n${draft.body}`;
  return h('article', { class: 'card meeting-draft' },
    h('div', { class: 'spread' }, h('h3', {}, title), copyButton(text, `Copy the ${title.toLowerCase()}`)),
    h('p', { class: 'meeting-draft-subject' }, h('span', { class: 'muted' }, 'Subject: '), h('strong', {}, draft.subject)),
    h('pre', { class: 'draft' }, draft.body),
    note);
}

function draftsSection(meeting) {
  const pre = meeting.pre_meeting_draft;
  const follow = meeting.follow_up_draft;
  const ids = meeting.draft_ids;
  return section('Drafts',
    ids ? h('p', { class: 'muted' }, `Saved as drafts in ${ids.provider} for ${ids.recipient}.`,
      ids.stale ? h('strong', {}, ' The saved drafts no longer hold this text: re-run the pipeline to save them again.') : null) : null,
    pre || follow ? h('div', { class: 'grid meeting-drafts' },
      pre ? draftCard('Pre-meeting email', pre, pre.hooks_used?.length ? h('p', { class: 'muted' }, `Hooks used: ${pre.hooks_used.join('; ')}`) : null) : null,
      follow ? draftCard('Follow-up email', follow, h('p', { class: 'muted' }, 'Fill in the [[placeholders]] after the meeting.')) : null)
      : notYet(meeting, 'drafts'));
}

function feedbackSection(meeting, { memo, reload, signal }) {
  const form = h('form', { class: 'meeting-feedback-form', novalidate: true },
    h('fieldset', { class: 'meeting-thumbs' }, h('legend', {}, 'Was this preparation useful?'),
      h('div', { class: 'row' },
        h('label', { class: 'meeting-thumb' }, h('input', { type: 'radio', name: 'score', value: '1', checked: meeting.feedback_score === 1 }), ' Thumbs up'),
        h('label', { class: 'meeting-thumb' }, h('input', { type: 'radio', name: 'score', value: '-1', checked: meeting.feedback_score === -1 }), ' Thumbs down'))),
    field({ name: 'notes', label: 'Notes', type: 'textarea', rows: 3, value: '',
      hint: 'What should change, e.g. “Too generic. Less news, more about their competitors”. Only thumbs-down notes change the steering profile. At most 4,000 characters.' }),
    h('button', { type: 'submit', class: 'primary' }, 'Send feedback'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    busy(button, async () => {
      clearErrors(form);
      const score = form.elements.score.value;
      if (!score) {
        showError(form, { message: 'Choose thumbs up or thumbs down.', details: [{ field: 'score', problem: 'choose thumbs up or thumbs down' }] });
        return;
      }
      const notes = form.elements.notes.value;
      const answer = await post(`/meetings/${meeting.id}/feedback`, { score: Number(score), ...(notes.trim() ? { notes } : {}) }, { signal });
      memo.feedback = answer;
      announce(answer.steering_changed ? `Feedback saved: steering profile version ${answer.steering_version}` : 'Feedback saved');
      await reload('.meeting-feedback-result');
    }, form);
  });
  return section('Feedback', memo.feedback ? feedbackResult(memo.feedback) : null, form);
}

function feedbackResult(answer) {
  const thumbs = answer.score === 1 ? 'thumbs up' : 'thumbs down';
  return h('div', { class: 'alert success meeting-feedback-result', role: 'status', tabindex: '-1' },
    h('p', {}, h('strong', {}, `Feedback saved (${thumbs}). `),
      answer.steering_changed ? `The steering profile is now version ${answer.steering_version}.` : `The steering profile stays at version ${answer.steering_version}.`),
    answer.steering_changed
      ? [h('p', {}, 'Changed: ', answer.changes.map((name, index) => [index ? ', ' : '', h('code', {}, name)])),
        answer.rules_applied.length ? h('ul', { class: 'meeting-rules' }, answer.rules_applied.map((rule) => h('li', {},
          h('strong', {}, rule.rule), ` (matched “${rule.matched}”): `, h('span', { class: 'meeting-effect' }, rule.effect)))) : null,
        h('p', {}, 'Re-run the pipeline below to prepare this meeting under the new version, or ', h('a', { href: '#/meetings/steering' }, 'see every version'), '.')]
      : h('p', {}, answer.score === 1 ? 'Thumbs up keeps the profile as it is.' : 'No rule matched the notes (try naming what to have more or less of: news, role pains, competitors).'));
}

function runSection(meeting, context) {
  const { memo } = context;
  const area = h('div', { class: 'meeting-run', 'aria-live': 'polite' });
  if (memo.run) area.append(memo.run);
  if (meeting.status === 'cancelled') {
    return section('Re-run the pipeline', h('p', { class: 'muted' }, 'The meeting was cancelled in the calendar, so the pipeline skips it.'), area);
  }
  const failure = meeting.error ? failedStep(meeting.error) : null;
  const restart = h('button', { type: 'button', class: 'primary' }, 'Re-run from the start');
  const resume = failure?.step ? h('button', { type: 'button' }, `Resume from the ${failure.step} step`) : null;
  const buttons = [restart, resume].filter(Boolean);
  // One re-run at a time from this page: both buttons wait while a job runs.
  const start = async (button, reset) => {
    for (const other of buttons) other.disabled = true;
    try {
      await busy(button, () => rerun(meeting, reset, area, context), area);
    } finally {
      for (const other of buttons) other.disabled = false;
    }
  };
  restart.addEventListener('click', () => start(restart, true));
  resume?.addEventListener('click', () => start(resume, false));
  return section('Re-run the pipeline',
    h('p', {}, 'Runs enrich, synthesize, sync-notion and draft-emails again under the current steering profile',
      meeting.steering_version ? ` (this meeting was last prepared under version ${meeting.steering_version})` : '',
      '. It runs as a background job: the worker picks it up within a minute.'),
    h('div', { class: 'row' }, restart, resume), area);
}

/// POST /jobs run-pipeline, then the job's progress until it ends; the meeting is drawn again.
async function rerun(meeting, reset, area, { memo, reload, signal }) {
  memo.run = null;
  clear(area, loading('Queueing the re-run…'));
  const job = await post('/jobs', { function: 'run-pipeline', input: { id: meeting.id, reset } }, { signal });
  const jobBox = h('div', { class: 'meeting-job' });
  const meetingLine = h('p', { class: 'muted' });
  clear(area, jobBox, meetingLine);
  const finished = await followJob(job.id, jobBox, {
    signal,
    onUpdate: () => get(`/meetings/${meeting.id}`, undefined, { signal })
      .then((current) => clear(meetingLine, 'Meeting status: ', STATUS_TEXT[current.status] || current.status))
      .catch(() => { /* the line is a courtesy; the job's own status is above */ }),
  });
  const current = await get(`/meetings/${meeting.id}`, undefined, { signal });
  const summary = finished.status === 'succeeded'
    ? `The re-run finished (job ${finished.id}): the meeting is ${STATUS_TEXT[current.status] || current.status}, prepared under steering version ${current.steering_version ?? '–'}.`
    : `The re-run ended ${finished.status} (job ${finished.id}) after ${plural(finished.attempts, 'attempt')}.`;
  memo.run = h('div', { class: `alert ${finished.status === 'succeeded' ? 'success' : 'error'} meeting-run-result`, role: finished.status === 'succeeded' ? 'status' : 'alert', tabindex: '-1' },
    progress(finished.progress, finished.progress_message || finished.status),
    h('p', {}, summary),
    finished.error ? h('p', {}, `${finished.error.code}: ${errorText(finished.error)}`) : null,
    finished.result?.steps?.length ? h('p', { class: 'muted' }, `Steps run: ${finished.result.steps.join(', ')}`) : null);
  announce(summary);
  await reload('.meeting-run-result');
}

function sourcesSection(meeting) {
  const enrichment = meeting.enrichment;
  if (!enrichment) return null;
  return section('Research sources',
    h('p', { class: 'muted' }, `Found by ${enrichment.provider} search, `, dateTime(enrichment.enriched_at), '.'),
    ['news', 'role_pains', 'competitors'].map((key) => {
      const category = enrichment[key];
      if (!category) return null;
      return h('details', { class: 'meeting-sources' },
        h('summary', {}, `${CATEGORY_TEXT[key]}: ${plural(category.sources.length, 'source')}`,
          category.error ? ' (failed)' : ''),
        h('p', { class: 'muted' }, `Query “${category.query}”, freshness ${category.freshness}.`),
        category.error ? notice(`This search failed: ${category.error}`, 'error') : null,
        category.sources.length ? h('ul', { class: 'list' }, category.sources.map((source) => h('li', {},
          externalLink(source.url, source.title || source.url),
          source.published ? h('span', { class: 'muted' }, ' · ', dateTime(source.published)) : null,
          source.snippet ? h('p', { class: 'muted' }, source.snippet) : null))) : h('p', {}, 'Nothing found.'));
    }));
}
