// #/workspace: import exports or a share link (progress streamed as the API reads them), search
// every conversation (matches marked), and the list of conversations.
import { get, stream, eventError } from '../../api.js';
import { h, clear, field, values, showError, clearErrors, empty, table, dateTime, badge, section, announce, notice, plural, pager, busy } from '../../ui.js';
import { SOURCES, sourceBadge, markedSnippet } from './common.js';

const PAGE = 50;
const STATUS_TEXT = {
  reading: 'Reading the files',
  importing: 'Importing conversations',
  embedding: 'Indexing for search',
  summarizing: 'Summarising short conversations',
};

export async function renderList(main, { signal }) {
  const conversations = conversationList(signal);
  const importer = importSection(signal, () => conversations.load());
  main.append(h('h1', {}, 'Workspace'),
    h('p', { class: 'muted' }, 'Conversations imported from ChatGPT, Claude and Grok: search them, read their summaries, and turn one into a project draft.'),
    importer.element, searchSection(signal), conversations.element);
  conversations.onEmptyAction = () => importer.focus();
  await conversations.load();
}

// Import

function importSection(signal, onImported) {
  const fileField = field({ name: 'files', label: 'Export files', type: 'file', multiple: true, accept: '.json,.zip,.md,.markdown,.txt',
    hint: 'A ChatGPT or Grok conversations.json (or the export ZIP), a Claude export, or a Markdown transcript (User:/Assistant: lines). Up to about 190 MB.' });
  const urlField = field({ name: 'url', label: 'Or a share link', type: 'url', placeholder: 'https://chatgpt.com/share/…',
    hint: 'A public ChatGPT, Claude or Grok share link. Send a file or a link, not both.' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Import');
  const output = h('div', { class: 'import-output' });
  const form = h('form', { class: 'import-form', novalidate: true }, fileField, urlField, h('div', { class: 'row' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const files = Array.from(form.elements.files.files || []);
    const { url } = values(form);
    if (!files.length && !url) {
      showError(form, { message: 'Choose an export file or paste a share link.', details: [{ field: 'files', problem: 'choose a file, or paste a share link below' }] });
      return;
    }
    let request;
    if (files.length) {
      const body = new FormData();
      for (const file of files) body.append('files', file, file.name);
      // A link as well: the API names both fields ("send only one source").
      if (url) body.append('url', url);
      request = { form: body };
    } else {
      request = { body: { url } };
    }
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const finished = await runImport(request, output, signal);
      if (finished.error) showError(form, finished.error);
      if (finished.response) {
        form.reset();
        await onImported();
      }
    } catch (error) {
      if (error?.name === 'AbortError') return;
      output.querySelector('progress')?.remove();
      showError(form, error);
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  const element = section('Import conversations', form, output);
  return { element, focus: () => { form.elements.files.scrollIntoView({ block: 'center' }); form.elements.files.focus(); } };
}

/// POST /api/conversations/import as a stream: each event in the log as it arrives, then the counts.
/// Resolves with {response} after `done` or {error} after an `error` event.
async function runImport(request, output, signal) {
  const statusLine = h('p', { class: 'import-status' }, 'Sending…');
  const bar = h('progress', { 'aria-label': 'Import progress' });
  const log = h('ol', { class: 'import-log' });
  clear(output, h('div', { class: 'row' }, bar, statusLine), h('div', { class: 'import-log-box', role: 'log', 'aria-label': 'Import events', tabindex: 0 }, log));
  const finished = {};
  const add = (...children) => { log.append(h('li', {}, children)); };
  await stream('POST', '/api/conversations/import', { ...request, signal }, (name, data) => {
    if (name === 'status') {
      const counts = `${data.imported} imported, ${data.skipped} skipped${data.chunks != null ? `, ${plural(data.chunks, 'chunk')} to index` : ''}`;
      statusLine.textContent = `${STATUS_TEXT[data.status] || data.status}… (${counts})`;
      add(badge(data.status, 'running'), ' ', STATUS_TEXT[data.status] || data.status, h('span', { class: 'muted' }, ` — ${counts}`));
    } else if (name === 'imported') {
      add(badge(data.outcome, data.outcome === 'unchanged' ? 'muted' : 'ready'), ' ', h('a', { href: `#/workspace/${data.id}` }, data.title), ' ',
        sourceBadge(data.source), h('span', { class: 'muted' }, ` ${plural(data.message_count, 'message')}${data.branch_count ? `, ${plural(data.branch_count, 'branch', 'branches')}` : ''}`));
    } else if (name === 'skipped') {
      add(badge('skipped', 'failed'), ' ', `${data.file ? `${data.file}, ` : ''}#${data.index + 1}${data.title ? ` “${data.title}”` : ''}: ${data.reason}`);
    } else if (name === 'done' || name === 'result') {
      finished.response = name === 'done' ? data.response : data;
    } else if (name === 'error') {
      finished.error = eventError(data, 'the import failed');
    }
  });
  bar.remove();
  if (finished.response) {
    const r = finished.response;
    const summary = `${r.imported} imported, ${r.updated} updated, ${r.unchanged} unchanged, ${r.skipped} skipped.`;
    statusLine.textContent = 'Import finished.';
    output.append(h('div', { class: 'alert success import-result', role: 'status' }, h('strong', {}, 'Import finished: '), summary,
      r.conversations_truncated || r.problems_truncated ? ' (the lists above are cut short; the counts are complete)' : '',
      r.embedding?.status === 'pending' ? h('p', {}, `Search indexing continues in the background: ${r.embedding.pending} pending${r.embedding.job_id ? ` (job ${r.embedding.job_id})` : ''}. ${r.embedding.message || ''}`) : null));
    announce(`Import finished: ${summary}`);
  } else if (finished.error) {
    statusLine.textContent = 'The import failed.';
  } else {
    finished.error = { message: 'the import stream ended without a result; reload the list to see what was imported' };
    statusLine.textContent = 'The import stopped.';
  }
  return finished;
}

// Search

function searchSection(signal) {
  const results = h('div', { class: 'search-results' });
  const form = h('form', { role: 'search', class: 'search-form', novalidate: true },
    h('div', { class: 'grid' },
      field({ name: 'q', label: 'Search the conversations', type: 'search', required: true, hint: 'Words from titles, messages or attached files.' }),
      field({ name: 'source_type', label: 'In', type: 'select', options: [['', 'Everything'], ['imported_chat', 'Imported chats'], ['file', 'Attached files'], ['project_draft', 'Project drafts'], ['draft_chat', 'Draft chats']] })),
    h('button', { type: 'submit', class: 'primary' }, 'Search'));
  let query = null;
  let shown = 0;
  let list = null;
  let count = null;
  // “More results” appends to the list shown and stays the same button (it keeps the focus); when
  // nothing is left it goes, and the focus moves to the first result it added.
  const moreButton = h('button', { type: 'button', onclick: () => more() }, 'More results');
  const search = async (offset) => {
    const answer = await get('/api/search', { ...query, offset: offset || undefined }, { signal });
    if (offset && list) {
      clearErrors(results);
      const added = answer.results.map(hit);
      list.append(...added);
      shown += answer.results.length;
      count.textContent = `${plural(answer.total, 'result')} for “${answer.query}”.`;
      if (shown >= answer.total || !answer.results.length) {
        moreButton.remove();
        added[0]?.querySelector('a')?.focus();
      }
      return;
    }
    shown = answer.results.length;
    list = shown ? h('ol', { class: 'list hits' }, answer.results.map(hit)) : null;
    count = h('p', { role: 'status' }, `${plural(answer.total, 'result')} for “${answer.query}”.`);
    clear(results,
      count,
      answer.vectors?.status !== 'complete' && answer.vectors?.message ? notice(answer.vectors.message) : null,
      list || empty('Nothing matched. Try another word, or import the conversation first.'),
      shown < answer.total ? moreButton : null);
  };
  const more = () => busy(moreButton, () => search(shown), results);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    query = values(form);
    busy(form.querySelector('button[type=submit]'), () => search(0).catch((error) => {
      if (error?.name !== 'AbortError') clear(results);
      throw error;
    }), form);
  });
  return section('Search', form, results);
}

const LEVELS = { title: 'title', url: 'link', content: 'content' };

function hit(result) {
  const conversation = result.conversation;
  const file = result.chunk?.file;
  return h('li', { class: 'hit' },
    h('div', { class: 'spread' }, h('a', { href: `#/workspace/${conversation.id}`, class: 'hit-title' }, conversation.title || `Conversation ${conversation.id}`),
      h('span', { class: 'row' }, badge(`${LEVELS[result.level] || result.level} match`, 'muted'), sourceBadge(conversation.source))),
    file ? h('p', { class: 'muted hit-file' }, `In the file ${file.filename}`) : null,
    h('p', { class: 'snippet' }, markedSnippet(result)));
}

// Conversations

function conversationList(signal) {
  const body = h('div', {});
  const filter = h('form', { class: 'filter', novalidate: true },
    h('div', { class: 'grid' },
      field({ name: 'q', label: 'Title contains', type: 'search' }),
      field({ name: 'source', label: 'Source', type: 'select', options: SOURCES })),
    h('button', { type: 'submit' }, 'Filter'));
  const state = { offset: 0, filter: {} };
  const pages = pager('Pages of conversations', (offset) => { state.offset = offset; list.load(); });
  const list = {
    element: section('Conversations', filter, body, pages.element),
    onEmptyAction: null,
    async load() {
      let answer;
      try {
        answer = await get('/api/conversations', { ...state.filter, limit: PAGE, offset: state.offset || undefined }, { signal });
      } catch (error) {
        if (error?.name === 'AbortError') return;
        clear(body);
        pages.hide();
        const named = (error?.details || []).some((detail) => {
          const name = String(detail.field || '').split(/[.[]/)[0];
          return name !== '' && filter.elements.namedItem(name) !== null;
        });
        if (named) {
          // A filter was refused: the message goes next to it (the form may have been hidden while empty).
          filter.hidden = false;
          showError(filter, error);
        } else {
          showError(body, error, null);
        }
        return;
      }
      const filtered = Boolean(state.filter.q || state.filter.source);
      filter.hidden = !answer.total && !filtered;
      pages.show({ offset: state.offset, limit: PAGE, total: answer.total, count: answer.conversations.length });
      if (!answer.conversations.length) {
        clear(body, filtered
          ? empty('No conversation matches this filter.', h('button', { type: 'button', onclick: () => { filter.reset(); state.filter = {}; state.offset = 0; list.load(); } }, 'Show all'))
          : empty('No conversations yet. Import a ChatGPT, Claude or Grok export (or paste a share link) above to start.',
            h('button', { type: 'button', class: 'primary', onclick: () => list.onEmptyAction?.() }, 'Choose an export file')));
        return;
      }
      clear(body,
        table([
          { label: 'Title', value: (c) => h('a', { href: `#/workspace/${c.id}` }, c.title || `Conversation ${c.id}`) },
          { label: 'Source', value: (c) => sourceBadge(c.source) },
          { label: 'Messages', numeric: true, value: (c) => String(c.message_count) },
          { label: 'Created', value: (c) => dateTime(c.created_at) },
          { label: 'Imported', value: (c) => dateTime(c.import_date) },
          { label: 'Status', value: (c) => (c.is_locked ? badge('Linear project', 'active') : '') },
        ], answer.conversations, { caption: plural(answer.total, 'conversation'), rowKey: (c) => c.id }));
    },
  };
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(filter);
    state.filter = values(filter);
    state.offset = 0;
    list.load();
  });
  return list;
}
