// The steering profile (GET /steering) that shapes research and drafts, and its versions
// (GET /steering/versions) with what each changed: consecutive profiles diffed, old → new.
import { get } from '../../api.js';
import { h, clear, section, table, showError, dateTime, empty, loading, facts } from '../../ui.js';
import { meetingTabs } from './common.js';

const LABELS = {
  product_focus: 'Product focus', icp: 'Ideal customer', key_pains: 'Key pains', disallowed_claims: 'Claims never to make',
  competitors: 'Competitors', 'weights.news': 'Weight: news', 'weights.role_pains': 'Weight: role pains',
  'weights.competitors': 'Weight: competitors', specificity_rules: 'Specificity rules',
};

export async function renderSteering(main, { signal }) {
  const body = h('div', {}, loading('Loading the steering profile…'));
  main.append(h('h1', {}, 'Steering profile'), meetingTabs('#/meetings/steering'), body);
  let current;
  let versions;
  try {
    [current, { versions }] = await Promise.all([get('/steering', undefined, { signal }), get('/steering/versions', undefined, { signal })]);
  } catch (error) {
    if (error.name === 'AbortError') return;
    clear(body);
    showError(body, error);
    return;
  }
  clear(body, profileSection(current), versionsSection(versions));
}

function sourceText(source) {
  const match = /^feedback on meeting (\d+)$/.exec(source || '');
  if (match) return ['feedback on ', h('a', { href: `#/meetings/${match[1]}` }, `meeting ${match[1]}`)];
  return { default: 'the default profile', put: 'an edit (PUT /steering)' }[source] || source;
}

function list(items) {
  return items?.length ? h('ul', {}, items.map((item) => h('li', {}, item))) : h('p', { class: 'muted' }, 'none');
}

function profileSection(steering) {
  const { profile } = steering;
  const weights = profile.weights || {};
  return section(`Current profile: version ${steering.version}`,
    h('p', { class: 'muted' }, 'From ', sourceText(steering.source), ', ', dateTime(steering.created_at),
      '. Feedback with thumbs down and notes makes a new version; re-run a meeting to prepare it under the newest one.'),
    facts([[LABELS.product_focus, profile.product_focus], [LABELS.icp, profile.icp]], { blank: '–' }),
    h('div', { class: 'grid' },
      h('div', {}, h('h3', {}, 'Research weights'), h('ul', { class: 'list steering-weights' }, ['news', 'role_pains', 'competitors'].map((key) => h('li', {},
        h('label', { for: `weight-${key}` }, LABELS[`weights.${key}`].replace('Weight: ', '')),
        h('meter', { id: `weight-${key}`, min: 0, max: 1, value: weights[key] ?? 0 }), h('span', { class: 'steering-weight-value' }, formatValue(weights[key])))))),
      h('div', {}, h('h3', {}, LABELS.key_pains), list(profile.key_pains)),
      h('div', {}, h('h3', {}, LABELS.competitors), list(profile.competitors)),
      h('div', {}, h('h3', {}, LABELS.disallowed_claims), list(profile.disallowed_claims)),
      h('div', {}, h('h3', {}, LABELS.specificity_rules), list(profile.specificity_rules))));
}

function formatValue(value) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return String(Math.round(value * 10000) / 10000);
  return String(value);
}

/// Every field path of a profile with its value (weights one level down), for diffing.
function flatten(profile) {
  const fields = {};
  for (const [key, value] of Object.entries(profile || {})) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) fields[`${key}.${inner}`] = innerValue;
    } else fields[key] = value;
  }
  return fields;
}

/// [{field, before, after}] for the fields that differ between two profiles.
export function diffProfiles(older, newer) {
  const before = flatten(older);
  const after = flatten(newer);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]))
    .map((name) => ({ field: name, before: before[name], after: after[name] }));
}

function change({ field, before, after }) {
  if (Array.isArray(before) || Array.isArray(after)) {
    const old = before || [];
    const now = after || [];
    const added = now.filter((item) => !old.includes(item));
    const removed = old.filter((item) => !now.includes(item));
    return [
      added.length ? h('div', { class: 'steering-added' }, h('span', { class: 'muted' }, 'Added: '), added.join('; ')) : null,
      removed.length ? h('div', { class: 'steering-removed' }, h('span', { class: 'muted' }, 'Removed: '), removed.join('; ')) : null,
      !added.length && !removed.length ? 'The same entries in another order.' : null,
    ];
  }
  return [h('span', { class: 'steering-before' }, formatValue(before)), ' → ', h('strong', { class: 'steering-after' }, formatValue(after))];
}

function versionsSection(versions) {
  if (!versions.length) return section('Versions', empty('No versions yet: the default profile is stored on first use.'));
  // Newest first; each is compared with the one before it (the next in the list).
  return section(`Versions (${versions.length})`,
    h('ol', { class: 'list steering-versions' }, versions.map((version, index) => {
      const previous = versions[index + 1];
      const diff = previous ? diffProfiles(previous.profile, version.profile) : [];
      return h('li', { class: 'steering-entry' },
        h('h3', {}, `Version ${version.version}`),
        h('p', { class: 'muted' }, 'From ', sourceText(version.source), ', ', dateTime(version.created_at), '.'),
        !previous ? h('p', {}, 'The starting profile.')
          : diff.length ? table([
            { label: 'Field', value: (row) => LABELS[row.field] || row.field },
            { label: 'Change (before → after)', value: change },
          ], diff, { caption: `What version ${version.version} changed from version ${previous.version}` })
            : h('p', {}, version.changes?.length ? `Changed: ${version.changes.join(', ')}` : 'Nothing changed.'));
    })));
}
