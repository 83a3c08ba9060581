// One prospect's outreach drafts: generate one (a queued workflow run, watched step by step),
// edit its subject and body, save, and mark it sent.
import { get, patch, post } from '../../api.js';
import { h, clear, field, showError, clearErrors, notice, empty, busy, badge, dateTime, section, announce } from '../../ui.js';
import { OUTREACH_STEPS, serial, watchRun, runActive, stepList, runStatus } from './common.js';

const LIMIT = 20;

export function outreachSection(prospectId, { signal, changed }) {
  const runBox = h('div', { class: 'run', 'aria-live': 'polite' });
  const drafts = h('div', { class: 'drafts' });
  const eventSelect = h('div');
  const form = h('form', { class: 'outreach-form', novalidate: true },
    eventSelect,
    field({ name: 'custom_context', label: 'Anything the email should say (optional)', type: 'textarea', rows: 3,
      hint: 'A meeting you had, an offer, the tone: the draft weaves it in.' }),
    field({ name: 'allow_without_research', label: 'Draft even without a finished research run', type: 'checkbox',
      hint: 'Normally a draft needs the prospect researched first; without it the email is generic.' }),
    h('button', { type: 'submit', class: 'primary' }, 'Generate a draft'));

  const load = () => get(`/api/v1/prospects/${prospectId}/outreach`, { limit: LIMIT }, { signal });

  /// Cards already shown are kept as they are (with any edit not saved yet) when the list is shown again.
  const cards = new Map();
  function showDrafts(answer) {
    if (!answer.drafts.length) {
      clear(drafts, empty('No drafts yet. Research the prospect, then generate a draft: you can edit it here before sending it yourself.'));
      return;
    }
    clear(drafts,
      answer.total > answer.drafts.length ? h('p', { class: 'muted' }, `The ${answer.drafts.length} newest of ${answer.total} drafts.`) : null,
      answer.drafts.map((draft) => {
        if (!cards.has(draft.id)) cards.set(draft.id, draftCard(draft, { signal, changed }));
        return cards.get(draft.id);
      }));
  }

  function showRun(run, job) {
    if (!run) { clear(runBox); return; }
    const steps = stepList(OUTREACH_STEPS, run.steps, 'Drafting', run.status);
    clear(runBox, runStatus(run, job, 'Drafting'),
      runActive(run) || run.status === 'failed' ? steps : h('details', {}, h('summary', {}, 'The steps of the last drafting run'), steps));
  }

  const watch = serial(async () => {
    try {
      let answer = await load();
      showDrafts(answer);
      if (runActive(answer.latest_run)) {
        const run = await watchRun(async () => { answer = await load(); return answer.latest_run; }, showRun, signal);
        announce(`Drafting ${run?.status || 'ended'}`);
        showDrafts(answer);
      } else {
        showRun(answer.latest_run, null);
      }
    } catch (error) {
      if (error.name !== 'AbortError') showError(runBox, error);
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { allow_without_research: form.elements.allow_without_research.checked };
    const context = form.elements.custom_context.value.trim();
    if (context) body.custom_context = context;
    if (form.elements.event_id?.value) body.event_id = Number(form.elements.event_id.value);
    const answer = await busy(event.submitter || form.querySelector('button[type=submit]'),
      () => post(`/api/v1/prospects/${prospectId}/outreach`, body, { signal }), form);
    if (!answer) return;
    announce(`Drafting run ${answer.run_id} ${answer.created ? 'queued' : 'already going'}`);
    watch();
  });

  // The events a draft can invite to (optional): the select is left out if none exist.
  get('/api/v1/events', { when: 'all', limit: 200 }, { signal }).then((answer) => {
    if (!answer.events.length) return;
    clear(eventSelect, field({ name: 'event_id', label: 'Invite to an event (optional)', type: 'select',
      options: [['', 'No event'], ...answer.events.map((e) => [e.id, `${e.title} (${String(e.event_date).slice(0, 10)})`])] }));
  }).catch((error) => { if (error.name !== 'AbortError') clear(eventSelect, notice(`The events could not be listed: ${error.message}`, 'info')); });

  watch();
  return section('Outreach drafts', form, runBox, drafts);
}

/// One draft as a small form: subject and body to edit, the checks' warnings, Save and Mark as sent.
function draftCard(draft, { signal, changed }) {
  const card = h('article', { class: 'card draft-card', 'data-draft': draft.id, 'aria-labelledby': `draft-${draft.id}-title` });
  const render = (current, message) => {
    const sent = Boolean(current.sent_at);
    const form = h('form', { novalidate: true },
      field({ name: 'subject', label: 'Subject', value: current.subject, required: true }),
      field({ name: 'body', label: 'Body', type: 'textarea', rows: 12, value: current.body, required: true }),
      warnings(current.warnings),
      sent ? h('p', { class: 'muted' }, 'This draft was sent: its text can no longer change.') : h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'primary' }, 'Save changes'),
        h('button', { type: 'button', onclick: (event) => markSent(event.currentTarget, form) }, 'Mark as sent')));
    if (sent) for (const input of form.querySelectorAll('input, textarea')) input.readOnly = true;
    // After Save or Mark as sent the card is drawn again: the focus goes to the result notice.
    const note = message ? notice(message, 'success') : null;
    note?.setAttribute('tabindex', '-1');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const saved = await save(event.submitter || form.querySelector('button[type=submit]'), form);
      if (saved) render(saved, saved === current ? 'Nothing to save: the text is unchanged.' : `Saved. ${saved.word_count} words.`);
    });
    clear(card,
      h('div', { class: 'spread' }, h('h3', { id: `draft-${current.id}-title` }, `Draft ${current.id}`),
        h('div', { class: 'row' }, sent ? badge('sent') : badge('draft'), current.edited_at ? badge('edited') : null,
          current.without_research ? badge('without research', 'warning') : null)),
      h('p', { class: 'muted' }, [
        ['Written ', dateTime(current.created_at)],
        current.edited_at ? [' · edited ', dateTime(current.edited_at)] : null,
        current.sent_at ? [' · sent ', dateTime(current.sent_at)] : null,
        ` · ${current.word_count} words`,
        current.event_id ? [' · for ', h('a', { href: `#/sales/events/${current.event_id}` }, `event ${current.event_id}`)] : null,
      ]),
      current.suggested_solutions?.length ? h('p', {}, h('strong', {}, 'Suggests: '), current.suggested_solutions.map((s) => (typeof s === 'string' ? s : s.name)).join(', ')) : null,
      note,
      form);
    note?.focus();
    return current;
  };

  async function save(button, form) {
    clearErrors(form);
    const subject = form.elements.subject.value.trim();
    const body = form.elements.body.value.trim();
    const problems = [];
    if (!subject) problems.push({ field: 'subject', problem: 'write a subject' });
    if (!body) problems.push({ field: 'body', problem: 'write the email' });
    if (problems.length) { showError(form, { message: 'The draft needs a subject and a body.', details: problems }); return null; }
    const changes = {};
    if (subject !== draft.subject) changes.subject = subject;
    if (body !== draft.body.trim()) changes.body = body;
    if (!Object.keys(changes).length) return draft;
    const saved = await busy(button, () => patch(`/api/v1/outreach/${draft.id}`, changes, { signal }), form);
    if (saved) { draft = saved; announce('Draft saved'); }
    return saved;
  }

  async function markSent(button, form) {
    const edited = await save(button, form);
    if (!edited) return;
    const answer = await busy(button, () => patch(`/api/v1/outreach/${draft.id}`, { sent_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }, { signal }), form);
    if (!answer) return;
    draft = answer;
    render(answer, 'Marked as sent: an email interaction was recorded and the prospect is now contacted.');
    announce('Draft marked as sent');
    changed?.();
  }

  render(draft);
  return card;
}

function warnings(list) {
  if (!list?.length) return null;
  return h('div', { class: 'alert info', role: 'status' }, h('strong', {}, 'Checks to look at (saving is still allowed):'),
    h('ul', {}, list.map((warning) => h('li', {}, warning.field ? [h('code', {}, warning.field), ' '] : null, warning.problem))));
}
