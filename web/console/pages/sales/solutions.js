// The solutions catalogue: hybrid search (full text and vectors) with each result's score and how
// it was found, and the reference architectures for the same question (live MCP, web search, or
// the catalogue when those are offline, with the note that says which).
import { get } from '../../api.js';
import { h, clear, field, values, showError, clearErrors, notice, empty, busy, table, section, badge, externalLink, plural } from '../../ui.js';
import { score } from './common.js';

/// The last search, shown again when coming back to the view.
let last = null;

export async function render(main, { signal }) {
  const results = h('div', { 'aria-live': 'polite' });
  const architectures = h('div');
  const categoryBox = h('div');
  const form = h('form', { class: 'solution-search', role: 'search', novalidate: true },
    field({ name: 'q', label: 'What does the prospect need?', type: 'search', required: true, value: last?.query.q,
      placeholder: 'migrate an Oracle database without downtime', hint: 'Plain words: a need, a pain or a technology.' }),
    h('div', { class: 'field-grid' },
      categoryBox,
      field({ name: 'industry', label: 'Industry (optional)', value: last?.query.industry }),
      field({ name: 'limit', label: 'Results', type: 'number', min: 1, max: 50, value: last?.query.limit || 10 })),
    h('button', { type: 'submit', class: 'primary' }, 'Search'));
  const catalogue = h('p', { class: 'muted' });
  main.append(h('h1', {}, 'Solutions'), section('Search the catalogue', catalogue, form), results, architectures);

  get('/api/v1/solutions', { limit: 200 }, { signal }).then((answer) => {
    const categories = [...new Set(answer.solutions.map((s) => s.category).filter(Boolean))].sort();
    clear(catalogue, `${answer.total} solutions in the catalogue.`);
    clear(categoryBox, field({ name: 'category', label: 'Category (optional)', type: 'select', value: last?.query.category,
      options: [['', 'Any category'], ...categories] }));
  }).catch((error) => { if (error.name !== 'AbortError') clear(categoryBox, field({ name: 'category', label: 'Category (optional)', value: last?.query.category })); });

  if (last) show(last);
  else clear(results, empty('Search the catalogue for what a prospect needs: each result shows its score and whether full-text or vector search found it.'));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const query = values(form);
    if (!query.q) {
      showError(form, { message: 'Type what to search for.', details: [{ field: 'q', problem: 'type a need, a pain or a technology' }] });
      return;
    }
    const button = event.submitter || form.querySelector('button[type=submit]');
    const answer = await busy(button, async () => {
      const [found, refs] = await Promise.all([
        get('/api/v1/solutions/search', query, { signal }),
        get('/api/v1/reference-architectures/search', { q: query.q, industry: query.industry, limit: 5 }, { signal })
          .catch((error) => { if (error.name === 'AbortError') throw error; return { error }; }),
      ]);
      return { query, found, refs };
    }, form);
    if (!answer) return;
    last = answer;
    show(answer);
  });

  function show({ found, refs }) {
    clear(results, section(`Solutions for “${found.query}”`,
      h('p', { class: 'muted' }, `${plural(found.total, 'result')}; ${found.mode === 'hybrid' ? 'hybrid search (full text and vectors, ranks fused)' : 'full-text search only'}; embeddings ${found.embeddings?.provider || '?'} (${found.embeddings?.model || '?'}).`),
      found.notice ? notice(found.notice, 'info') : null,
      found.results.length ? table([
        { label: 'Rank', value: (r) => String(r.index + 1), numeric: true },
        { label: 'Solution', value: (r) => [externalLink(r.docs_url, r.name), h('p', { class: 'muted small' }, r.description)] },
        { label: 'Category', value: (r) => r.category },
        { label: 'Score', value: (r) => score(r.score), numeric: true },
        { label: 'Found by', value: (r) => h('span', { class: 'row' }, (r.found_by || []).map((how) => badge(how === 'full_text' ? 'full text' : how, 'found-by'))) },
        { label: 'Detail', value: (r) => [r.full_text_rank ? `text #${r.full_text_rank}` : null, r.vector_rank ? `vector #${r.vector_rank} (similarity ${score(r.similarity, 2)})` : null].filter(Boolean).join(', ') },
        { label: 'Pricing', value: (r) => r.pricing_model || '–' },
      ], found.results.map((r, index) => ({ ...r, index })), { caption: 'Matching solutions, best first' })
        : empty('Nothing matched. Try other words, or drop the category and industry.')));
    clear(architectures, section('Reference architectures', refs.error
      ? notice(`Reference architectures could not be searched: ${refs.error.message}`, 'info')
      : [
        refs.note ? notice(refs.note, 'info') : null,
        h('p', { class: 'muted' }, `From ${(refs.providers || []).join(', ') || 'no provider'}${refs.cached ? ' (cached)' : ''}. Live MCP documentation for each recommended solution comes with a prospect's research.`),
        refs.results?.length ? h('ul', { class: 'list' }, refs.results.map((a) => h('li', {}, externalLink(a.url, a.title),
          a.summary ? h('p', { class: 'muted small' }, a.summary) : null,
          a.solutions?.length ? h('p', { class: 'small' }, 'Uses: ', a.solutions.join(', ')) : null)))
          : h('p', { class: 'muted' }, 'None found.'),
      ]));
  }
}
