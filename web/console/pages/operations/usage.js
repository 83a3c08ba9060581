// LLM usage and cost (#/operations/usage?days=7&measure=calls): GET /metrics/llm-usage for the
// last 7 or 30 UTC days, drawn per day, per function and per model, with every number in tables.
import { get, url } from '../../api.js';
import { h, field, values, section, table, empty, money, stats, loading } from '../../ui.js';
import { columnChart, barChart } from '../../charts.js';
import { operationsTabs } from './common.js';

const WINDOWS = [['7', 'Last 7 days'], ['30', 'Last 30 days']];
const MEASURES = {
  calls: { label: 'Calls', value: (t) => t.calls, format: (n) => String(Math.round(n)) },
  cost: { label: 'Cost (USD)', value: (t) => t.cost_usd, format: money },
  tokens: { label: 'Tokens', value: (t) => t.prompt_tokens + t.completion_tokens, format: (n) => Math.round(n).toLocaleString('en-US') },
};

/// The window as dates (UTC): `days` days ending today, both ends whole days.
export function usageWindow(days, now = new Date()) {
  const end = now.toISOString().slice(0, 10);
  const start = new Date(Date.parse(end) - (days - 1) * 86400000).toISOString().slice(0, 10);
  return { start_date: start, end_date: end };
}

export async function renderUsage(main, { query, signal, navigate }) {
  const days = query.get('days') === '30' ? 30 : 7;
  const measure = MEASURES[query.get('measure')] ? query.get('measure') : 'calls';
  const chosen = MEASURES[measure];
  main.append(h('h1', {}, 'Operations'), operationsTabs('#/operations/usage'));

  const form = h('form', { class: 'field-grid ops-filters', 'aria-label': 'Usage window' },
    field({ name: 'days', label: 'Window', type: 'select', value: String(days), options: WINDOWS }),
    field({ name: 'measure', label: 'Chart', type: 'select', value: measure, options: Object.entries(MEASURES).map(([name, m]) => [name, m.label]) }),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Show usage')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const picked = values(form);
    navigate(url('#/operations/usage', { days: picked.days === '7' ? '' : picked.days, measure: picked.measure === 'calls' ? '' : picked.measure }));
  });
  const body = h('div', {}, loading('Loading LLM usage…'));
  main.append(section('LLM usage and cost', form, body));

  const range = usageWindow(days);
  const usage = await get('/metrics/llm-usage', range, { signal });
  const totals = usage.totals;
  body.replaceChildren(
    h('p', { class: 'muted' }, `${range.start_date} to ${range.end_date} (UTC days). Costs are estimates from the price table; calls to unpriced models count as $0.`),
    totalsList(totals));
  if (!totals.calls) {
    body.append(empty(`No LLM calls in the last ${days} days. Calls are recorded when a function asks the model: run a meeting's pipeline, a prospect's research, or an llm-check job, then look again.`,
      days === 7 ? h('a', { href: url('#/operations/usage', { days: 30, measure: measure === 'calls' ? '' : measure }) }, 'Look at the last 30 days') : null));
    return;
  }

  const byDay = Array.isArray(usage.by_day) ? usage.by_day : null;
  main.append(section(`${chosen.label} per day`, byDay
    ? chart(columnChart(byDay.map((entry) => ({ label: entry.day, short: entry.day.slice(5), value: chosen.value(entry.totals) })),
      { title: `${chosen.label} per day, ${range.start_date} to ${range.end_date}`, format: chosen.format }))
    : h('p', { class: 'alert info' }, 'This server does not report usage per day yet (no by_day in GET /metrics/llm-usage).')));

  const sorted = (groups) => [...groups].sort((a, b) => chosen.value(b.totals) - chosen.value(a.totals));
  const functions = sorted(usage.by_function);
  const models = sorted(usage.by_model);
  main.append(
    section(`${chosen.label} by function`, chart(barChart(functions.map((group) => ({ label: group.function, value: chosen.value(group.totals) })),
      { title: `${chosen.label} by function`, format: chosen.format })),
    totalsTable('Function', (group) => h('code', {}, group.function), functions, 'Every number by function')),
    section(`${chosen.label} by model`, chart(barChart(models.map((group) => ({ label: `${group.provider} / ${group.model}`, value: chosen.value(group.totals) })),
      { title: `${chosen.label} by model`, format: chosen.format })),
    totalsTable('Model', (group) => [h('code', {}, group.model), h('span', { class: 'muted' }, ` (${group.provider})`)], models, 'Every number by model')));
  if (usage.by_workflow?.length) {
    main.append(section('By workflow step',
      totalsTable('Workflow step', (group) => [h('code', {}, group.workflow), ' / ', h('code', {}, group.step)], usage.by_workflow, 'Calls made inside workflows, by step')));
  }
}

const chart = (figure) => h('div', { class: 'ops-chart' }, figure);

function totalsList(t) {
  return stats([
    ['Calls', String(t.calls)],
    ['Succeeded', String(t.succeeded)],
    ['Invalid output', String(t.invalid_output)],
    ['Failed', String(t.failed)],
    ['Tokens in / out', `${t.prompt_tokens.toLocaleString('en-US')} / ${t.completion_tokens.toLocaleString('en-US')}`],
    ['Cost', money(t.cost_usd)],
    ['Unpriced calls', String(t.unpriced_calls)],
    ['Average latency', `${Math.round(t.avg_latency_ms)} ms`],
  ]);
}

function totalsTable(label, name, groups, caption) {
  return table([
    { label, value: name },
    { label: 'Calls', value: (g) => String(g.totals.calls), numeric: true },
    { label: 'Succeeded', value: (g) => String(g.totals.succeeded), numeric: true },
    { label: 'Invalid output', value: (g) => String(g.totals.invalid_output), numeric: true },
    { label: 'Failed', value: (g) => String(g.totals.failed), numeric: true },
    { label: 'Tokens in', value: (g) => g.totals.prompt_tokens.toLocaleString('en-US'), numeric: true },
    { label: 'Tokens out', value: (g) => g.totals.completion_tokens.toLocaleString('en-US'), numeric: true },
    { label: 'Cost', value: (g) => money(g.totals.cost_usd), numeric: true },
    { label: 'Unpriced', value: (g) => String(g.totals.unpriced_calls), numeric: true },
    { label: 'Avg latency', value: (g) => `${Math.round(g.totals.avg_latency_ms)} ms`, numeric: true },
  ], groups, { caption });
}
