// The role candidates are scored against: its summary, and the form that creates or replaces it
// (PUT /roles/{id}; the client picks the id, there is no list of roles).
import { put } from '../../api.js';
import { h, clear, field, showError, clearErrors, notice, badge, dateTime, announce, busy, facts, commaList, plural } from '../../ui.js';
import { followJob, jobStatus } from '../../jobs.js';

/// The role's facts as a definition list.
export function roleSummary(role) {
  return facts([
    ['Title', [role.title, role.is_default ? [' ', badge('default role', 'muted-badge')] : null]],
    ['Description', role.description, { class: 'prewrap' }],
    ['Required skills', commaList(role.required_skills)],
    ['Preferred skills', commaList(role.preferred_skills)],
    ['Minimum years', String(role.min_years ?? 0)],
    ['Industries', commaList(role.industries)],
    ['Weights', `algorithmic ${role.weights.algo}, AI ${role.weights.ai}`],
    ['Tiers', `top ≥ ${role.tiers.top}, strong ≥ ${role.tiers.strong}, consider ≥ ${role.tiers.consider}, unlikely below`],
    ['Revision', [`${role.revision}, updated `, dateTime(role.updated_at)]],
  ], { blank: '–' });
}

const splitList = (text) => text.split(/[,;|\n]/).map((item) => item.trim()).filter(Boolean);

/// The form that sets up (or replaces) role `roleId`; `onSaved(answer)` runs after a save, and any
/// rescoring job the save queued is followed with a progress bar until it finishes.
export function roleForm({ roleId, role, signal, onSaved, onRescored }) {
  const number = (name, label, value, { min, max, step, hint } = {}) => field({ name, label, type: 'number', value, min, max, step, hint });
  const form = h('form', { class: 'role-form', novalidate: true },
    field({ name: 'role_id', label: 'Role id', type: 'number', value: roleId, min: 1, step: 1, required: true,
      hint: role ? 'Saving under another id makes a second role; candidates are scored against the role their upload named.' : 'You choose the id; uploads and candidates name it.' }),
    field({ name: 'title', label: 'Title', value: role?.title, required: true }),
    field({ name: 'description', label: 'Description', type: 'textarea', rows: 3, value: role?.description }),
    field({ name: 'required_skills', label: 'Required skills', value: (role?.required_skills || []).join(', '), hint: 'Separate with commas.' }),
    field({ name: 'preferred_skills', label: 'Preferred skills', value: (role?.preferred_skills || []).join(', '), hint: 'Separate with commas.' }),
    number('min_years', 'Minimum years of experience', role?.min_years ?? '', { min: 0, max: 50, step: 1 }),
    field({ name: 'industries', label: 'Industries', value: (role?.industries || []).join(', '), hint: 'Separate with commas.' }),
    h('fieldset', { name: 'weights' }, h('legend', {}, 'Weights (sum 1)'),
      h('div', { class: 'grid compact' },
        number('weight_algo', 'Algorithmic', role?.weights.algo ?? 0.6, { min: 0, max: 1, step: 0.05 }),
        number('weight_ai', 'AI', role?.weights.ai ?? 0.4, { min: 0, max: 1, step: 0.05 }))),
    h('fieldset', { name: 'tiers' }, h('legend', {}, 'Tier thresholds (combined score, 0–100)'),
      h('div', { class: 'grid compact' },
        number('tier_top', 'Top from', role?.tiers.top ?? 80, { min: 0, max: 100, step: 1 }),
        number('tier_strong', 'Strong from', role?.tiers.strong ?? 65, { min: 0, max: 100, step: 1 }),
        number('tier_consider', 'Consider from', role?.tiers.consider ?? 50, { min: 0, max: 100, step: 1 }))),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, role ? 'Save the role' : 'Set up the role')),
    h('div', { class: 'role-result' }));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    const result = form.querySelector('.role-result');
    const text = (name) => form.elements[name].value.trim();
    clearErrors(form);
    clear(result);
    const id = text('role_id');
    if (!/^[1-9]\d*$/.test(id)) {
      showError(form, { message: 'The role needs an id.', details: [{ field: 'role_id', problem: 'enter a whole number from 1 up' }] });
      return;
    }
    const body = {
      title: text('title'),
      description: text('description') || null,
      required_skills: splitList(text('required_skills')),
      preferred_skills: splitList(text('preferred_skills')),
      industries: splitList(text('industries')),
      weights: { algo: Number(text('weight_algo') || 0), ai: Number(text('weight_ai') || 0) },
      tiers: { top: Number(text('tier_top') || 0), strong: Number(text('tier_strong') || 0), consider: Number(text('tier_consider') || 0) },
    };
    if (text('min_years') !== '') body.min_years = Number(text('min_years'));
    await busy(button, async () => {
      const answer = await put(`/roles/${id}`, body, { signal });
      result.append(notice(`${answer.created ? 'Role set up' : 'Role saved'}: ${answer.role.title} (id ${answer.role.id}, revision ${answer.role.revision}).`, 'success'));
      announce(`Role ${answer.role.title} saved`);
      // onSaved may redraw the form; it then hands back a box that stays for the rescoring.
      const target = onSaved?.(answer) || result;
      if (!answer.job_id) return;
      if (target === result) { await followRescore(answer, result, signal, onRescored); return; }
      try {
        await followRescore(answer, target, signal, onRescored);
      } catch (error) {
        if (error?.name !== 'AbortError') showError(target, error);
      }
    }, form);
  });
  return form;
}

/// The rescoring job a save queued, followed with its progress until it finishes.
async function followRescore(answer, target, signal, onRescored) {
  const box = h('div', { class: 'rescore', role: 'status' });
  const label = `Rescoring ${plural(answer.candidates_to_rescore, 'candidate')}`;
  target.append(box);
  clear(box, jobStatus({ id: answer.job_id, status: 'queued', progress: 0, attempts: 0 }, { label }));
  const job = await followJob(answer.job_id, box, { signal, interval: 1500, label });
  announce(job.status === 'succeeded' ? 'Rescoring finished' : `Rescoring ${job.status}`);
  onRescored?.(job);
}
