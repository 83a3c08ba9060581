// #/workspace/<id>: one imported conversation: its messages (and other branches), its summary
// (made on first view when absent; regenerate or edit it), its files and its project draft.
import { ApiError, api, get, post, patch, del, save } from '../../api.js';
import { h, clear, field, showError, clearErrors, empty, badge, dateTime, section, busy, announce, notice, table, plural, progress, backLink, externalLink, loading } from '../../ui.js';
import { followJob } from '../../jobs.js';
import { sourceBadge, bytes } from './common.js';

export async function renderConversation(main, { id, signal, navigate }) {
  let conversation;
  try {
    conversation = await get(`/api/conversations/${id}`, undefined, { signal });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    main.append(backLink('#/workspace', 'All conversations'), h('h1', {}, 'Conversation not found'), showError(h('div'), error),
      empty('It may have been deleted.', h('a', { href: '#/workspace' }, 'Back to the conversations')));
    return;
  }
  const title = h('h1', {}, conversation.title || `Conversation ${id}`);
  main.append(backLink('#/workspace', 'All conversations'), title,
    meta(conversation),
    h('div', { class: 'split conversation-split' },
      h('div', {}, summarySection(id, signal), draftSection(id, signal, navigate), filesSection(id, signal), manageSection(conversation, title, signal, navigate)),
      messagesSection(conversation, signal)));
}

function meta(c) {
  return h('p', { class: 'row conversation-meta' }, sourceBadge(c.source), c.is_locked ? badge('Linear project created', 'active') : null,
    h('span', {}, plural(c.message_count, 'message')),
    c.branch_count ? h('span', {}, plural(c.branch_count, 'other branch', 'other branches')) : null,
    c.model ? h('span', {}, `Model ${c.model}`) : null,
    c.created_at ? h('span', {}, 'Started ', dateTime(c.created_at)) : null,
    h('span', {}, 'Imported ', dateTime(c.import_date)),
    c.url ? externalLink(c.url, 'Original share link') : null);
}

// Summary

function summarySection(id, signal) {
  const body = h('div', { class: 'summary', 'aria-live': 'polite' });
  const element = section('Summary', body);
  const load = async (first) => {
    clear(body, progress(null, 'Reading the summary (short conversations are summarised now, which can take a moment)…'));
    let summary = await (first || get(`/api/conversations/${id}/imported_chat_summary`, undefined, { signal }));
    for (let round = 0; summary.status === 'pending' && summary.job_id && round < 3; round += 1) {
      const job = await followJob(summary.job_id, body, { signal, interval: 2000, title: 'Summarising' });
      if (job.status !== 'succeeded') { show(summary, job.error); return; }
      summary = await get(`/api/conversations/${id}/imported_chat_summary`, undefined, { signal });
    }
    show(summary);
  };
  const run = (promise) => promise.catch((error) => { if (error?.name !== 'AbortError') { clear(body); showError(body, error); body.append(retry()); } });
  const retry = () => h('button', { type: 'button', onclick: () => run(load()) }, 'Try again');

  const show = (s, jobError) => {
    const text = s.summary
      ? h('div', { class: 'summary-text' }, s.summary.split(/\n{2,}/).map((paragraph) => h('p', {}, paragraph)))
      : empty(s.status === 'pending' ? 'The summary is still being written.' : 'There is no summary yet.');
    const failure = jobError || (s.status === 'failed' ? s.error : null);
    const problems = h('div', { class: 'summary-errors' });
    // A summary a person edited is never regenerated over (the API answers 409): editing replaces it.
    const regenerate = h('button', { type: 'button', hidden: Boolean(s.is_manual_edit) }, s.summary ? 'Regenerate' : 'Summarise');
    regenerate.addEventListener('click', () => busy(regenerate, async () => {
      const answer = await post(`/api/conversations/${id}/summary`, { force: Boolean(s.summary) }, { signal });
      await load(Promise.resolve(answer));
      announce('The summary is up to date.');
    }, problems));
    const form = h('form', { novalidate: true },
      field({ name: 'summary', label: 'Summary', type: 'textarea', rows: 8, value: s.summary || '', required: true }),
      h('button', { type: 'submit', class: 'primary' }, 'Save the summary'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearErrors(form);
      busy(form.querySelector('button[type=submit]'), async () => {
        show(await patch(`/api/conversations/${id}/summary`, { summary: form.elements.summary.value }, { signal }));
        announce('Summary saved.');
      }, form);
    });
    clear(body,
      failure ? h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, 'The summary failed: '), failure.message,
        s.retry_after ? [' (try again after ', dateTime(s.retry_after), ')'] : '') : null,
      s.status === 'pending' ? notice('The summary is queued; it is written within a minute or so. Reload to check.') : null,
      text,
      h('p', { class: 'row muted summary-meta' },
        badge(s.status), s.stale ? badge('out of date', 'pending') : null,
        s.is_manual_edit ? h('span', {}, `Edited by ${s.edited_by || 'a person'}`) : (s.provider ? h('span', {}, `${s.provider} · ${s.model || 'default model'}`) : null),
        s.summary ? h('span', {}, 'Updated ', dateTime(s.updated_at)) : null),
      s.note ? h('p', { class: 'muted' }, s.note) : null,
      problems,
      h('div', { class: 'row' }, regenerate),
      h('details', { class: 'edit-summary' }, h('summary', {}, 'Edit the summary'), form));
  };
  run(load());
  return element;
}

// Project draft (a pointer; the draft view has the versions and the chat)

function draftSection(id, signal, navigate) {
  const body = h('div', {}, loading('Loading the project draft…'));
  get(`/api/conversations/${id}/project-draft`, undefined, { signal }).then((draft) => {
    clear(body, h('p', {}, h('strong', {}, draft.title)),
      h('p', { class: 'muted' }, `Version ${draft.version_number} of ${draft.version_count} (${draft.source.replace('_', ' ')}), updated `, dateTime(draft.updated_at)),
      h('a', { class: 'button primary', href: `#/workspace/${id}/draft` }, 'Open the draft and its chat'));
  }).catch((error) => {
    if (error?.name === 'AbortError') return;
    if (error instanceof ApiError && error.status === 404) {
      const generate = h('button', { type: 'button', class: 'primary' }, 'Generate the project draft');
      generate.addEventListener('click', () => busy(generate, async () => {
        generate.textContent = 'Generating the draft…';
        try {
          await post(`/api/conversations/${id}/project-draft`, {}, { signal });
          navigate(`#/workspace/${id}/draft`);
        } finally {
          generate.textContent = 'Generate the project draft';
        }
      }, body));
      clear(body, empty('No project draft yet. Generate one from this conversation, then refine it in the draft chat.', generate));
    } else {
      clear(body);
      showError(body, error);
    }
  });
  return section('Project draft', body);
}

// Files

function filesSection(id, signal) {
  const body = h('div', {});
  const load = async () => {
    try {
      const answer = await get(`/api/conversations/${id}/files`, undefined, { signal });
      clear(body, answer.files.length
        ? table([
          { label: 'File', value: (f) => h('span', {}, f.filename, f.text_note ? h('span', { class: 'hint' }, ` (${f.text_note})`) : null) },
          { label: 'Size', numeric: true, value: (f) => bytes(f.file_size) },
          { label: 'Added', value: (f) => dateTime(f.created_at) },
          { label: 'Download', value: (f) => downloadButton(f, body, signal) },
        ], answer.files, { caption: plural(answer.total, 'file') })
        : empty('No files are attached. Attach a PDF, image or text file to make its text searchable.'));
    } catch (error) {
      if (error?.name !== 'AbortError') { clear(body); showError(body, error); }
    }
  };
  const form = h('form', { novalidate: true, class: 'attach' },
    field({ name: 'file', label: 'Attach a file', type: 'file', accept: '.pdf,.png,.jpg,.jpeg,.gif,.webp,.svg,.txt,.md', hint: 'PDF, image or text, up to 10 MB.' }),
    h('button', { type: 'submit' }, 'Attach'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const file = form.elements.file.files[0];
    if (!file) { showError(form, { message: 'Choose a file to attach.', details: [{ field: 'file', problem: 'choose a file' }] }); return; }
    const data = new FormData();
    data.append('file', file, file.name);
    busy(form.querySelector('button[type=submit]'), async () => {
      await api('POST', `/api/conversations/${id}/files`, { form: data, signal });
      form.reset();
      announce(`${file.name} attached.`);
      await load();
    }, form);
  });
  load();
  return section('Files', body, h('details', {}, h('summary', {}, 'Attach a file'), form));
}

function downloadButton(file, errors, signal) {
  const button = h('button', { type: 'button', class: 'small', 'aria-label': `Download ${file.filename}` }, 'Download');
  button.addEventListener('click', () => busy(button, async () => {
    const link = await get(`/api/conversations/files/${file.id}/download`, { format: 'json' }, { signal });
    save(link.url, link.filename || file.filename);
  }, errors));
  return button;
}

// Rename and delete

function manageSection(conversation, title, signal, navigate) {
  const form = h('form', { novalidate: true },
    field({ name: 'title', label: 'Title', value: conversation.title, required: true }),
    h('button', { type: 'submit', class: 'primary' }, 'Rename'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    busy(form.querySelector('button[type=submit]'), async () => {
      const updated = await patch(`/api/conversations/${conversation.id}`, { title: form.elements.title.value.trim() }, { signal });
      title.textContent = updated.title;
      announce('Renamed.');
    }, form);
  });
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete the conversation');
  const box = h('div', {});
  remove.addEventListener('click', () => {
    if (!window.confirm(`Delete “${conversation.title}” with its summary, draft and files? This cannot be undone.`)) return;
    busy(remove, async () => {
      await del(`/api/conversations/${conversation.id}`, { signal });
      navigate('#/workspace');
    }, box);
  });
  return section('Manage', h('details', {}, h('summary', {}, 'Rename'), form), box, h('div', { class: 'row' }, remove));
}

// Messages

function messagesSection(conversation, signal) {
  const branches = h('div', {});
  let button = null;
  if (conversation.branch_count) {
    button = h('button', { type: 'button' }, `Show the ${plural(conversation.branch_count, 'other branch', 'other branches')}`);
    button.addEventListener('click', () => busy(button, async () => {
      const full = await get(`/api/conversations/${conversation.id}`, { include_branches: true }, { signal });
      button.remove();
      clear(branches, (full.branches || []).map((branch, index) => h('details', { class: 'branch', open: index === 0 },
        h('summary', {}, `Branch ${index + 1}: ${plural(branch.messages.length, 'message')} from message ${branch.forks_from}`),
        transcript(branch.messages))));
    }, branches));
  }
  return section('Messages', conversation.messages.length ? transcript(conversation.messages) : empty('This conversation has no messages.'),
    button ? h('div', { class: 'row branches' }, button) : null, branches);
}

function transcript(messages) {
  return h('ol', { class: 'transcript messages' }, messages.map((message) => h('li', { class: message.role === 'assistant' ? 'assistant' : `role-${message.role}` },
    h('span', { class: 'meta' }, message.role === 'user' ? 'You' : message.role[0].toUpperCase() + message.role.slice(1),
      message.model ? ` · ${message.model}` : '', message.created_at ? ' · ' : '', message.created_at ? dateTime(message.created_at) : null,
      message.partial ? ' · partial' : ''),
    h('div', { class: 'message-text' }, message.content),
    message.attachments?.length ? h('p', { class: 'muted' }, 'Attachments: ', message.attachments.join(', ')) : null)));
}
