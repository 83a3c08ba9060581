// #/workspace/<id>/draft: the conversation's project draft (generate it when absent, edit it),
// its versions (view one, make it the active one) and the chat that edits it, streamed: the
// assistant's text as it arrives, each tool call as it happens, the draft re-drawn when the chat
// saves a new version.
import { ApiError, get, post, patch, stream, eventError } from '../../api.js';
import { h, clear, field, showError, clearErrors, empty, badge, dateTime, section, busy, announce, notice, table, plural, progress, backLink, loading } from '../../ui.js';
import { markdown } from './common.js';

const STATUS_TEXT = {
  analyzing_request: 'Reading your request…',
  generating_response: 'Writing the answer…',
  calling_tool: 'Changing the draft…',
};
const TOOL_TEXT = { update_project_draft: 'Update the draft', create_linear_project: 'Create the Linear project' };

export async function renderDraft(main, { id, signal }) {
  const base = `/api/conversations/${id}`;
  let conversation;
  try {
    conversation = await get(base, undefined, { signal });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    main.append(backLink('#/workspace', 'All conversations'), h('h1', {}, 'Project draft'));
    showError(main, error);
    return;
  }
  main.append(backLink(`#/workspace/${id}`, conversation.title || `Conversation ${id}`),
    h('h1', {}, 'Project draft'));
  const holder = h('div', {});
  main.append(holder);

  let draft;
  try {
    draft = await get(`${base}/project-draft`, undefined, { signal });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    const generate = h('button', { type: 'button', class: 'primary' }, 'Generate the project draft');
    const box = h('div', {}, empty(`“${conversation.title}” has no project draft yet. Generate one from the conversation (title, problem, goals, scope, milestones, open questions); then refine it here in the chat.`, generate));
    generate.addEventListener('click', () => busy(generate, async () => {
      const waiting = progress(null, 'Generating the draft (this can take a minute)…');
      box.append(waiting);
      try {
        const made = await post(`${base}/project-draft`, {}, { signal });
        announce('The project draft is ready.');
        clear(holder);
        workspace(holder, base, made, conversation.is_locked, signal);
      } finally {
        waiting.remove();
      }
    }, box));
    holder.append(box);
    return;
  }
  workspace(holder, base, draft, conversation.is_locked, signal);
}

/// The draft, its versions and its chat, wired so each refreshes the others.
function workspace(holder, base, draft, locked, signal) {
  const versions = versionsView(base, signal, (updated) => view.show(updated, 'activated', true));
  const view = draftView(base, draft, locked, signal, () => versions.load());
  const chat = chatView(base, signal, {
    updated: (updated) => { view.show(updated, 'chat'); versions.load(); },
    activeVersion: () => view.current().active_version_id,
    locked: () => view.lock(),
  });
  holder.append(h('div', { class: 'draft-layout' }, h('div', { class: 'draft-main' }, view.element, versions.element), chat.element));
  versions.load();
  chat.load();
}

// The active draft

function draftView(base, initial, locked, signal, changed) {
  const body = h('div', { class: 'draft-body' });
  const actions = h('div', { class: 'row' });
  let current = initial;
  let isLocked = locked || initial.is_locked;
  const element = section('Active version', body, actions);

  // `focus`: the draw follows an action on this page, whose control may be gone: the focus goes to
  // the result notice.
  const show = (draft, cause, focus = false) => {
    current = draft;
    isLocked = isLocked || draft.is_locked;
    const note = cause === 'chat' ? notice(`The chat saved version ${draft.version_number}.`, 'success')
      : cause === 'activated' ? notice(`Version ${draft.version_number} is now the active version.`, 'success') : null;
    note?.setAttribute('tabindex', '-1');
    clear(body,
      note,
      h('p', { class: 'draft-title' }, draft.title),
      h('p', { class: 'row muted draft-meta' }, badge(`Version ${draft.version_number} of ${draft.version_count}`, 'active'),
        badge(draft.source.replace('_', ' '), 'muted'), isLocked ? badge('locked', 'paused') : null,
        h('span', {}, 'Updated ', dateTime(draft.updated_at)), draft.model ? h('span', {}, draft.model) : null),
      isLocked ? notice('A Linear project was made from this draft, so it can no longer change.') : null,
      markdown(draft.description));
    drawActions();
    if (focus) note?.focus();
  };

  const drawActions = () => {
    if (isLocked) { clear(actions); return; }
    const regenerate = h('button', { type: 'button' }, 'Generate a new version');
    regenerate.addEventListener('click', () => busy(regenerate, async () => {
      regenerate.textContent = 'Generating…';
      const made = await post(`${base}/project-draft`, {}, { signal });
      show(made, 'activated', true);
      changed();
    }, body).finally(() => { regenerate.textContent = 'Generate a new version'; }));
    const form = h('form', { novalidate: true, class: 'edit-draft' },
      field({ name: 'title', label: 'Title', value: current.title, required: true, hint: 'Up to 80 characters.' }),
      field({ name: 'description', label: 'Description (Markdown)', type: 'textarea', rows: 14, value: current.description, required: true }),
      h('button', { type: 'submit', class: 'primary' }, 'Save as a new version'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearErrors(form);
      const edit = {};
      if (form.elements.title.value.trim() !== current.title) edit.title = form.elements.title.value.trim();
      if (form.elements.description.value !== current.description) edit.description = form.elements.description.value;
      if (!Object.keys(edit).length) { showError(form, { message: 'Nothing changed: edit the title or the description first.' }); return; }
      busy(form.querySelector('button[type=submit]'), async () => {
        show(await patch(`${base}/project-draft`, edit, { signal }), 'activated', true);
        announce('Draft saved.');
        changed();
      }, form);
    });
    // The edit form stays open when it was open (after saving it, say).
    const open = Boolean(actions.querySelector('details.edit')?.open);
    clear(actions, regenerate, h('details', { class: 'edit', open }, h('summary', {}, 'Edit the draft'), form));
  };

  show(initial);
  return { element, show, current: () => current, lock: () => { isLocked = true; show(current); } };
}

// Versions

function versionsView(base, signal, activated) {
  const body = h('div', {});
  const preview = h('div', { class: 'version-preview' });
  const element = section('Versions', body, preview);
  const load = async () => {
    try {
      const answer = await get(`${base}/project-draft/versions`, { limit: 100 }, { signal });
      clear(body, table([
        { label: 'Version', value: (v) => `v${v.version_number}` },
        { label: 'Title', value: (v) => v.title },
        { label: 'Made by', value: (v) => v.source.replace('_', ' ') },
        { label: 'Saved', value: (v) => dateTime(v.created_at) },
        { label: 'Status', value: (v) => (v.is_active ? badge('active') : '') },
        { label: 'Actions', value: (v) => h('span', { class: 'row' },
          h('button', { type: 'button', class: 'small', 'aria-label': `View version ${v.version_number}`, onclick: () => view(v) }, 'View'),
          v.is_active ? null : activateButton(v)) },
      ], answer.versions, { caption: `${plural(answer.total, 'version')}, newest first`, rowKey: (v) => v.id }));
    } catch (error) {
      if (error?.name !== 'AbortError') { clear(body); showError(body, error); }
    }
  };
  const activateButton = (version) => {
    const button = h('button', { type: 'button', class: 'small', 'aria-label': `Activate version ${version.version_number}` }, 'Activate');
    button.addEventListener('click', () => busy(button, async () => {
      const draft = await post(`${base}/project-draft/versions/${version.id}/activate`, undefined, { signal });
      clear(preview);
      activated(draft);
      announce(`Version ${version.version_number} is active.`);
      await load();
    }, body));
    return button;
  };
  const view = (version) => {
    const close = h('button', { type: 'button', class: 'small', onclick: () => clear(preview) }, 'Close');
    clear(preview, h('article', { class: 'card version', 'aria-label': `Version ${version.version_number}` },
      h('div', { class: 'spread' }, h('h3', {}, `Version ${version.version_number}: ${version.title}`), h('span', { class: 'row' }, version.is_active ? badge('active') : activateButton(version), close)),
      h('p', { class: 'muted' }, `${version.source.replace('_', ' ')}${version.created_by ? ` by ${version.created_by}` : ''}, `, dateTime(version.created_at)),
      markdown(version.description)));
    preview.scrollIntoView?.({ block: 'nearest' });
    close.focus();
  };
  return { element, load };
}

// The chat

function chatView(base, signal, { updated, activeVersion, locked }) {
  const log = h('ol', { class: 'transcript chat' });
  const status = h('p', { class: 'chat-status muted', role: 'status' });
  const history = h('div', {}, loading('Loading the chat…'));
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const form = h('form', { novalidate: true, class: 'chat-form' },
    field({ name: 'message', label: 'Ask for a change', type: 'textarea', rows: 3, required: true,
      hint: 'For example “Rename it to …”, “Add a milestone …” or “What is missing?”. Each change is saved as a new version.' }),
    h('div', { class: 'row' }, send));
  const element = section('Chat about the draft', history, h('div', { role: 'log', 'aria-label': 'Draft chat' }, log), status, form);
  let busyTurn = false;

  const setLocked = (project) => {
    form.querySelectorAll('textarea, button').forEach((control) => { control.disabled = true; });
    form.before(notice(project?.linear_url ? `The Linear project exists (${project.linear_url}); the draft and its chat are closed.` : 'A Linear project was made from this draft; the draft and its chat are closed.'));
    locked();
  };

  const load = async () => {
    try {
      let answer = await get(`${base}/project-draft/chat`, undefined, { signal });
      if (answer.total > answer.messages.length) answer = await get(`${base}/project-draft/chat`, { offset: answer.total - answer.limit }, { signal });
      clear(history, answer.total > answer.messages.length ? h('p', { class: 'muted' }, `The ${answer.messages.length} latest of ${answer.total} messages.`) : null,
        !answer.messages.length ? empty('No messages yet. Ask the assistant to change the draft; it answers as it writes.') : null);
      log.prepend(...answer.messages.map(chatMessage));
      if (answer.conversation_locked) setLocked(answer.project);
    } catch (error) {
      if (error?.name !== 'AbortError') { clear(history); showError(history, error); }
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const message = form.elements.message.value.trim();
    if (!message) { showError(form, { message: 'Write a message first.', details: [{ field: 'message', problem: 'write what to change' }] }); return; }
    if (busyTurn) return;
    busyTurn = true;
    send.disabled = true;
    form.setAttribute('aria-busy', 'true');
    history.querySelector('.empty')?.remove();
    const mine = chatMessage({ role: 'user', content: message, status: 'complete', tool_calls: [] });
    const text = h('div', { class: 'message-text' });
    const tools = h('ul', { class: 'tool-calls' });
    const reply = h('li', { class: 'assistant streaming', 'aria-busy': 'true' }, h('span', { class: 'meta' }, 'Assistant · writing…'), text, tools);
    log.append(mine, reply);
    status.textContent = 'Sending…';
    let final = null;
    let failure = null;
    let pendingTool = null;
    const before = activeVersion();
    try {
      await stream('POST', `${base}/project-draft/chat/stream`, { body: { message }, signal }, (name, data) => {
        if (name === 'status') {
          status.textContent = STATUS_TEXT[data.status] || data.status;
          if (data.status === 'calling_tool') {
            pendingTool = h('li', { class: 'tool-call running' }, badge('running', 'running'), ' ', TOOL_TEXT[data.tool] || data.tool || 'a tool', '…');
            tools.append(pendingTool);
          }
        } else if (name === 'content') {
          text.append(String(data.content ?? ''));
        } else if (name === 'project_updated') {
          const draft = data.project_draft;
          const line = [badge('saved', 'ready'), ' ', `Draft saved as version ${draft.version_number}: “${draft.title}”`];
          if (pendingTool) { clear(pendingTool, line); pendingTool.className = 'tool-call done'; pendingTool = null; } else tools.append(h('li', { class: 'tool-call done' }, line));
          updated(draft);
        } else if (name === 'conversation_locked') {
          setLocked(data.project);
        } else if (name === 'done' || name === 'result') {
          final = name === 'done' ? data.response : data;
        } else if (name === 'error') {
          failure = eventError(data, 'the chat failed');
        }
      });
    } catch (error) {
      if (error?.name === 'AbortError') return;
      failure = error;
      if (!text.textContent) { mine.remove(); reply.remove(); }
    }
    busyTurn = false;
    send.disabled = form.elements.message.disabled;
    form.removeAttribute('aria-busy');
    if (final) {
      reply.replaceWith(chatMessage(final.assistant_message));
      mine.replaceWith(chatMessage(final.user_message));
      // The turn's last word on the draft: drawn again when the turn saved a new version.
      if (final.project_draft && final.project_draft.active_version_id !== before) updated(final.project_draft);
      if (final.conversation_locked && !form.elements.message.disabled) setLocked(final.project);
      status.textContent = final.tool_calls?.length ? `Done: ${plural(final.tool_calls.length, 'change')} to the draft.` : 'Done.';
      form.reset();
      announce('The assistant answered.');
    } else {
      reply.classList.remove('streaming');
      reply.removeAttribute('aria-busy');
      reply.classList.add('failed');
      reply.querySelector('.meta').textContent = 'Assistant · stopped';
      status.textContent = 'The turn did not finish.';
      showError(form, failure || { message: 'the chat stream ended without an answer; reload to see what was saved' });
    }
  });

  return { element, load };
}

function chatMessage(message) {
  const assistant = message.role === 'assistant';
  return h('li', { class: `${assistant ? 'assistant' : 'role-user'}${message.status === 'failed' ? ' failed' : ''}`, 'data-status': message.status },
    h('span', { class: 'meta' }, assistant ? 'Assistant' : (message.sent_by ? `You (${message.sent_by})` : 'You'),
      message.created_at ? ' · ' : '', message.created_at ? dateTime(message.created_at) : null,
      message.status && message.status !== 'complete' ? ` · ${message.status}` : ''),
    h('div', { class: 'message-text' }, message.content),
    message.error ? h('p', { class: 'field-error' }, typeof message.error === 'string' ? message.error : message.error.message) : null,
    message.tool_calls?.length ? h('ul', { class: 'tool-calls' }, message.tool_calls.map((call) => h('li', { class: `tool-call ${call.ok ? 'done' : 'failed'}` },
      badge(call.ok ? 'done' : 'failed', call.ok ? 'ready' : 'failed'), ' ', TOOL_TEXT[call.name] || call.name,
      describeArguments(call.arguments), call.result ? h('span', { class: 'muted' }, ` — ${call.result}`) : null))) : null);
}

function describeArguments(args) {
  if (!args || typeof args !== 'object') return '';
  const parts = [];
  if (args.title) parts.push(`title “${args.title}”`);
  if (args.description) parts.push('a new description');
  return parts.length ? `: ${parts.join(', ')}` : '';
}
