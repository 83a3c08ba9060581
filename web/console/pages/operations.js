// Operations: the overview (#/operations: health, the job queue, LLM usage this week, the
// configured LLM providers), the jobs (#/operations/jobs, #/operations/jobs/<id>) and LLM usage
// and cost (#/operations/usage). The jobs and usage views live in pages/operations/.
import { get } from '../api.js';
import { h, clear, section, showError, table, badge, money, dateTime, facts, stats, idParam, notice, loading, progress } from '../ui.js';
import { operationsTabs, splitView, statusCounts } from './operations/common.js';
import { renderJobs, renderJob } from './operations/jobs.js';
import { renderUsage, usageWindow } from './operations/usage.js';

/// The variable that configures each provider the bundle knows (the server's
/// LLMSelection.configuringVariables): the listing names it only for configured providers.
const KEY_VARIABLES = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY', xai: 'XAI_API_KEY', 'openai-compatible': 'LLM_BASE_URL' };

export async function render(main, context) {
  const [view, query] = splitView(context.params[0]);
  if (view === 'jobs' && context.params[1]) {
    const id = idParam(context.params[1]);
    if (!id) {
      main.append(h('h1', {}, 'Operations'), operationsTabs('#/operations/jobs'),
        notice(`“${context.params[1]}” is not a job id: job ids are whole numbers.`, 'error'));
      return undefined;
    }
    return renderJob(main, { ...context, id });
  }
  if (view === 'jobs') return renderJobs(main, { ...context, query });
  if (view === 'usage') return renderUsage(main, { ...context, query });
  return renderOverview(main, context);
}

async function renderOverview(main, { signal }) {
  main.append(h('h1', {}, 'Operations'), operationsTabs('#/operations'));
  const health = h('div', { class: 'health' }, loading('Checking the service…'));
  const queue = h('div', {}, loading('Loading the job queue…'));
  const usage = h('div', {}, loading('Loading LLM usage…'));
  const providers = h('div', { 'aria-busy': 'true' }, h('div', { role: 'status' },
    progress(null, 'Asking each configured provider for its models: this can take up to 20 seconds.')));
  main.append(h('div', { class: 'grid' }, section('Health', health), h('div', {}, section('Job queue', queue), section('LLM usage, last 7 days', usage))),
    section('LLM providers', providers));

  // Each part loads on its own: a slow provider listing holds up nothing else.
  const part = (target, load, paint) => load().then((answer) => clear(target, paint(answer))).catch((error) => {
    if (error?.name === 'AbortError') return;
    clear(target);
    showError(target, error);
  }).finally(() => target.removeAttribute('aria-busy'));
  await Promise.all([
    part(health, () => get('/health', undefined, { signal }), paintHealth),
    part(queue, () => get('/jobs', { limit: 1 }, { signal }), (answer) => [statusCounts(answer.counts, null),
      h('p', {}, h('a', { href: '#/operations/jobs' }, 'All jobs'), ' · ', h('a', { href: '#/operations/jobs?status=failed' }, 'Failed jobs'), ' · ',
        h('a', { href: '#/operations/jobs?status=dead' }, 'Dead jobs'))]),
    part(usage, () => get('/metrics/llm-usage', usageWindow(7), { signal }), paintUsage),
    part(providers, () => get('/api/llm-defaults/providers', undefined, { signal }), paintProviders),
  ]);
}

function paintHealth(answer) {
  const db = answer.database || {};
  const behind = db.schema_version !== db.latest_schema_version;
  return [
    h('p', { class: 'health-status' }, badge(answer.status === 'ok' ? 'ok' : answer.status, answer.status === 'ok' ? 'succeeded' : 'failed'),
      ' ', answer.status === 'ok' ? 'The service and its database answer.' : 'The service reports a problem.'),
    facts([
      ['Version', answer.version],
      ['Checked', dateTime(answer.time)],
      ['Database', h('span', { class: 'health-database' }, `${db.backend}${db.reachable ? ', reachable' : ', NOT reachable'}`)],
      ['Schema version', `${db.schema_version} of ${db.latest_schema_version}${behind ? ' (migrations pending)' : ' (up to date)'}`],
      ['LLM provider', h('span', { class: 'health-llm' }, answer.providers?.llm ?? 'none')],
      ['LLM model', answer.providers?.llm_model ?? 'none'],
    ]),
    h('p', { class: 'muted' }, 'GET /health reports the database and the LLM only; the other providers (search, messaging, calendar…) have no health route yet.'),
  ];
}

function paintUsage(answer) {
  const t = answer.totals;
  return [
    stats([['Calls', String(t.calls)], ['Failed or invalid', String(t.failed + t.invalid_output)],
      ['Tokens', (t.prompt_tokens + t.completion_tokens).toLocaleString('en-US')], ['Estimated cost', money(t.cost_usd)]]),
    h('p', {}, h('a', { href: '#/operations/usage' }, t.calls ? 'Usage by day, function and model' : 'No LLM calls this week: see the usage page')),
  ];
}

function paintProviders(answer) {
  const configured = new Map(answer.providers.map((provider) => [provider.id, provider]));
  const rows = [...answer.providers, ...answer.known_providers.filter((id) => !configured.has(id)).map((id) => ({ id, missing: true }))];
  const fallback = answer.bundle_default;
  return [
    fallback.error
      ? h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, 'The bundle\'s own provider cannot be made: '), fallback.error)
      : h('p', {}, 'The bundle\'s default: ', h('strong', { class: 'bundle-default' }, `${fallback.provider} / ${fallback.model}`),
        h('span', { class: 'muted' }, ' (LLM_PROVIDER, LLM_MODEL; a prompt type can choose another in the workspace).')),
    table([
      { label: 'Provider', value: (p) => p.missing ? h('code', {}, p.id) : [h('strong', {}, p.name), ' ', h('code', {}, p.id)] },
      { label: 'Configured', value: (p) => configuredCell(p) },
      { label: 'Server', value: (p) => p.missing ? '' : (p.base_url_host || 'none') },
      { label: 'Default model', value: (p) => p.missing ? '' : h('code', {}, p.default_model) },
      { label: 'Models', value: (p) => p.missing ? '' : modelsCell(p) },
    ], rows, { caption: 'LLM providers the bundle knows', rowKey: (p) => p.id }),
  ];
}

function configuredCell(provider) {
  if (provider.missing) {
    const variable = KEY_VARIABLES[provider.id];
    return [badge('not set', 'draft'), ' ', variable ? ['set ', h('code', {}, variable), ' to use it'] : 'not configured'];
  }
  if (!provider.key_variable) return [badge('yes', 'succeeded'), ' needs no key'];
  return [badge('yes', 'succeeded'), ' ', h('code', {}, provider.key_variable), ' is set'];
}

function modelsCell(provider) {
  const price = (model) => model.price ? `$${model.price.input_per_million} in / $${model.price.output_per_million} out per million tokens` : 'no price';
  const list = h('ul', { class: 'ops-models' }, provider.models.map((model) => h('li', {}, h('code', {}, model.id), ' ', h('span', { class: 'muted' }, price(model)))));
  return [
    provider.models.length > 3 ? h('details', {}, h('summary', {}, `${provider.models.length} models`), list) : list,
    provider.models_error ? h('p', { class: 'problem' }, `Its server did not list its models: ${provider.models_error}`) : null,
  ];
}
