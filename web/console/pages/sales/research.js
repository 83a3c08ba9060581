// One prospect's research: start (or resume) a run, watch its six steps as they complete
// (GET …/research?limit=1 answers the newest run, a running one too), then the findings.
import { get, post } from '../../api.js';
import { h, clear, field, showError, clearErrors, notice, empty, busy, table, badge, section, announce, externalLink } from '../../ui.js';
import { RESEARCH_STEPS, serial, watchRun, runActive, stepList, runStatus, score } from './common.js';

/// The research section; `changed()` is called when a run ends (the prospect's status moves).
export function researchSection(prospectId, { signal, changed }) {
  const runBox = h('div', { class: 'run', 'aria-live': 'polite' });
  const findings = h('div');
  const form = h('form', { class: 'research-form', novalidate: true },
    field({ name: 'manual_context', label: 'What you already know (optional)', type: 'textarea', rows: 3,
      hint: 'Notes the research should weigh: a project, a renewal date, a pain they mentioned. Running again after a failure with the same notes resumes from the failed step; different notes start afresh.' }),
    h('button', { type: 'submit', class: 'primary' }, 'Start research'));
  const noteBox = h('div');
  let sawActive = false;

  const load = async () => (await get(`/api/v1/prospects/${prospectId}/research`, { limit: 1 }, { signal })).runs[0] || null;

  function show(run, job) {
    if (runActive(run)) sawActive = true;
    const button = form.querySelector('button[type=submit]');
    if (!run) {
      clear(runBox, empty('Not researched yet. Start research: six steps gather context, search the web, read the technology and pains, match solutions and write a summary.'));
      clear(findings);
      return;
    }
    button.textContent = run.status === 'failed' ? 'Resume research' : runActive(run) ? 'Start research' : 'Research again';
    clear(runBox, runStatus(run, job, 'Research'), stepList(RESEARCH_STEPS, run.steps, 'Research', run.status),
      run.status === 'failed' ? h('p', { class: 'muted' }, 'Resume research (with the same notes, or none) to run again from the failed step.') : null);
    clear(findings, run.status === 'succeeded' ? renderFindings(run) : null);
  }

  const watch = serial(async () => {
    try {
      const run = await watchRun(load, show, signal);
      if (run && !runActive(run) && sawActive) {
        sawActive = false;
        announce(`Research ${run.status}`);
        changed?.(run);
      }
    } catch (error) {
      if (error.name !== 'AbortError') showError(runBox, error);
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    clear(noteBox);
    const text = form.elements.manual_context.value.trim();
    const answer = await busy(event.submitter || form.querySelector('button[type=submit]'),
      () => post(`/api/v1/prospects/${prospectId}/research`, text ? { manual_context: text } : {}, { signal }), form);
    if (!answer) return;
    announce(answer.created ? `Research run ${answer.run_id} queued` : `Research run ${answer.run_id} is already going`);
    if (answer.note || !answer.created) {
      noteBox.append(notice(answer.note || `Run ${answer.run_id} was already ${answer.status}: showing it.`));
    }
    watch();
  });

  watch();
  return section('Research', form, noteBox, runBox, findings);
}

function renderFindings(run) {
  const parts = [];
  parts.push(h('h3', {}, 'Summary'), run.research_summary ? h('p', { class: 'summary' }, run.research_summary) : h('p', { class: 'muted' }, 'No summary was written.'));
  if (run.key_insights?.length) parts.push(h('h3', {}, 'Key insights'), h('ul', {}, run.key_insights.map((text) => h('li', {}, text))));
  if (run.confidence_score !== null && run.confidence_score !== undefined) {
    parts.push(h('details', { class: 'confidence' }, h('summary', {}, `Confidence ${Math.round(run.confidence_score * 100)}%`),
      h('ul', {}, (run.confidence_reasons || []).map((reason) => h('li', {}, reason)))));
  }
  if (run.offline) parts.push(notice(`Offline providers (${run.llm_provider || 'offline'}): the findings come from rules and the shipped fixtures, not a live model.`));
  parts.push(h('h3', {}, 'Technology'), run.technologies?.length ? table([
    { label: 'Technology', value: (t) => t.name },
    { label: 'Category', value: (t) => t.category },
    { label: 'Evidence', value: (t) => externalLink(t.evidence) },
  ], run.technologies, { caption: 'Technology found' }) : h('p', { class: 'muted' }, 'None found.'));
  parts.push(h('h3', {}, 'Pain points'), run.pain_points?.length ? table([
    { label: 'Pain', value: (p) => p.pain },
    { label: 'Severity', value: (p) => badge(p.severity, `severity-${p.severity}`) },
    { label: 'Evidence', value: (p) => externalLink(p.evidence) },
  ], run.pain_points, { caption: 'Pain points found' }) : h('p', { class: 'muted' }, 'None found.'));
  parts.push(h('h3', {}, 'Recommended solutions'), solutionsTable(run.recommended_solutions || []));
  if (run.mcp_unavailable) {
    parts.push(notice(`Live documentation (tier 2, MCP) was unavailable: ${run.mcp_unavailable_reason || 'no reason given'}. The tier 1 matches stand.`, 'info'));
  }
  if (run.reference_architectures?.length || run.reference_architectures_note) {
    parts.push(h('h3', {}, 'Reference architectures'),
      run.reference_architectures_note ? h('p', { class: 'muted' }, run.reference_architectures_note) : null,
      h('ul', {}, (run.reference_architectures || []).map((a) => h('li', {}, externalLink(a.url, a.title),
        a.summary ? ` ${a.summary}` : '', a.source ? h('span', { class: 'muted' }, ` (${a.source})`) : ''))));
  }
  parts.push(h('h3', {}, 'Sources'), run.sources?.length
    ? h('ul', { class: 'sources' }, run.sources.map((source) => h('li', {}, externalLink(source))))
    : h('p', { class: 'muted' }, 'None: the search found nothing.'));
  return h('div', { class: 'findings' }, parts);
}

function solutionsTable(solutions) {
  if (!solutions.length) return h('p', { class: 'muted' }, 'No solution matched.');
  return table([
    { label: 'Rank', value: (s) => String(s.tier1?.rank ?? ''), numeric: true },
    { label: 'Solution', value: (s) => externalLink(s.docs_url, s.name) },
    { label: 'Category', value: (s) => s.category },
    { label: 'Score', value: (s) => score(s.tier1?.score), numeric: true },
    { label: 'Found by', value: (s) => (s.tier1?.found_by || []).join(', ') },
    { label: 'Live documentation (tier 2)', value: (s) => s.tier2
      ? [badge(s.tier2.source === 'mcp' ? (s.tier2.cached ? 'MCP (cached)' : 'MCP') : s.tier2.source), ' ', s.tier2.summary || '']
      : h('span', { class: 'muted' }, 'none') },
  ], solutions, { caption: 'Solutions matched (tier 1 hybrid search, tier 2 enrichment)' });
}
