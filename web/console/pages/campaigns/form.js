// #/campaigns/new: a campaign's name, brief, the extraction schema built field by field (added,
// removed, reordered), the numbers pasted as a list and checked as they are typed, the opening
// and the turn limit. The API's 422 details (schema[2].enum …) land next to the inputs they name.
import { post } from '../../api.js';
import { h, field, showError, uid, section, busy, plural, backLink } from '../../ui.js';
import { checkPhones, badPhoneList, justCreated } from './common.js';

const TYPES = [
  ['string', 'Text (string)'],
  ['number', 'Number'],
  ['integer', 'Whole number (integer)'],
  ['boolean', 'Yes or no (boolean)'],
  ['enum', 'One of a list (enum)'],
];
const MAX_FIELDS = 30;

export async function renderForm(main, { signal, navigate }) {
  const idempotencyKey = `console-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const rows = [];
  const list = h('ol', { class: 'schema-rows' });
  const addButton = h('button', { type: 'button', onclick: () => addRow({}, true) }, 'Add a field');
  const schemaError = h('div', { class: 'schema-error' });

  const phones = field({ name: 'phones', label: 'Phone numbers', type: 'textarea', rows: 6, required: true,
    hint: 'One per line, or separated by commas or semicolons, with the country code (+4915112345678). Spaces, dashes and a whatsapp: prefix are fine.' });
  const phonesInput = phones.querySelector('textarea');
  const checkId = uid('phone-check');
  const check = h('div', { class: 'phone-check', id: checkId, 'aria-live': 'polite' });
  phonesInput.setAttribute('aria-describedby', `${phonesInput.getAttribute('aria-describedby')} ${checkId}`);
  phones.append(check);

  const form = h('form', { novalidate: true, class: 'campaign-form' },
    section('About the research',
      field({ name: 'name', label: 'Name', required: true, hint: 'Shown in the list and in the opening (1–200 characters).' }),
      field({ name: 'brief', label: 'Research brief', type: 'textarea', rows: 4, required: true,
        hint: 'What the research wants to learn, in a few sentences (10–4000 characters). The interviewer works from it.' }),
      field({ name: 'opening_message', label: 'Opening message', type: 'textarea', rows: 3,
        hint: 'The first WhatsApp message (at most 500 characters). Leave it empty for the standard invitation.' }),
      field({ name: 'max_turns', label: 'Most turns per conversation', type: 'number', value: 20, min: 1, max: 100, step: 1,
        hint: 'The interviewer stops after this many replies (1–100).' })),
    section('What to collect',
      h('p', { class: 'muted' }, 'Each field becomes a question, asked in this order. The answers are collected as typed values.'),
      list, h('div', { class: 'row' }, addButton), schemaError),
    section('Who to ask', phones),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Create campaign'),
      h('a', { href: '#/campaigns' }, 'Cancel')));

  main.append(backLink('#/campaigns', 'All campaigns'), h('h1', {}, 'New campaign'), form);

  function addRow(spec, focus) {
    if (rows.length >= MAX_FIELDS) return;
    const row = makeRow(spec);
    rows.push(row);
    list.append(row.element);
    renumber();
    if (focus) row.controls.name.focus();
  }

  function makeRow(spec) {
    const parts = {
      name: field({ name: 'field-name', label: 'Field name', value: spec.name, required: true, hint: 'Letters, digits and _, starting with a letter (brand, visits_per_month).' }),
      type: field({ name: 'field-type', label: 'Type', type: 'select', value: spec.type || 'string', options: TYPES }),
      description: field({ name: 'field-description', label: 'What to ask', value: spec.description, required: true, hint: 'The question in plain words (1–500 characters).' }),
      enum: field({ name: 'field-enum', label: 'Allowed values', type: 'textarea', rows: 3, value: (spec.enum || []).join('\n'), hint: 'One per line.' }),
      min: field({ name: 'field-min', label: 'Lowest', type: 'number', step: 'any', value: spec.min }),
      max: field({ name: 'field-max', label: 'Highest', type: 'number', step: 'any', value: spec.max }),
    };
    const controls = Object.fromEntries(Object.entries(parts).map(([key, part]) => [key, part.querySelector('input, select, textarea')]));
    const legend = h('legend', {});
    const enumBox = h('div', { class: 'schema-enum' }, parts.enum);
    const rangeBox = h('div', { class: 'field-grid schema-range' }, parts.min, parts.max);
    const up = h('button', { type: 'button', class: 'small' }, 'Move up');
    const down = h('button', { type: 'button', class: 'small' }, 'Move down');
    const remove = h('button', { type: 'button', class: 'small danger' }, 'Remove');
    const element = h('li', { class: 'schema-row' }, h('fieldset', {}, legend,
      h('div', { class: 'field-grid schema-main' }, parts.name, parts.type), parts.description, enumBox, rangeBox,
      h('div', { class: 'row schema-actions' }, up, down, remove)));
    const row = { element, controls, legend, up, down, remove, enumBox, rangeBox };
    const showExtras = () => {
      const type = controls.type.value;
      enumBox.hidden = type !== 'enum';
      rangeBox.hidden = type !== 'number' && type !== 'integer';
    };
    controls.type.addEventListener('change', showExtras);
    showExtras();
    up.addEventListener('click', () => move(row, -1, up));
    down.addEventListener('click', () => move(row, 1, down));
    remove.addEventListener('click', () => {
      const index = rows.indexOf(row);
      rows.splice(index, 1);
      element.remove();
      renumber();
      (rows[index] || rows[index - 1])?.controls.name.focus();
    });
    return row;
  }

  function move(row, step, button) {
    const index = rows.indexOf(row);
    const target = index + step;
    if (target < 0 || target >= rows.length) return;
    rows.splice(index, 1);
    rows.splice(target, 0, row);
    for (const each of rows) list.append(each.element);
    renumber();
    (button.disabled ? row.controls.name : button).focus();
  }

  /// Names follow the API's paths (schema[2].enum), so an error's field finds its input.
  function renumber() {
    rows.forEach((row, index) => {
      row.legend.textContent = `Field ${index + 1}`;
      for (const [key, control] of Object.entries(row.controls)) control.name = `schema[${index}].${key}`;
      row.up.disabled = index === 0;
      row.down.disabled = index === rows.length - 1;
      row.remove.disabled = rows.length === 1;
      row.up.setAttribute('aria-label', `Move field ${index + 1} up`);
      row.down.setAttribute('aria-label', `Move field ${index + 1} down`);
      row.remove.setAttribute('aria-label', `Remove field ${index + 1}`);
    });
    addButton.disabled = rows.length >= MAX_FIELDS;
  }

  // An error goes once its input changes.
  form.addEventListener('input', ({ target }) => {
    if (target.getAttribute?.('aria-invalid') !== 'true') return;
    target.removeAttribute('aria-invalid');
    const ids = (target.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    ids.filter((id) => id.startsWith('error-')).forEach((id) => document.getElementById(id)?.remove());
    const kept = ids.filter((id) => !id.startsWith('error-'));
    if (kept.length) target.setAttribute('aria-describedby', kept.join(' ')); else target.removeAttribute('aria-describedby');
  });

  let timer = null;
  const showCheck = () => {
    const { entries, valid, duplicates, bad } = checkPhones(phonesInput.value);
    if (!entries.length) { check.replaceChildren(); return; }
    check.replaceChildren(
      h('p', { class: 'hint' }, `${plural(valid.length, 'number')} ready`, duplicates ? `, ${plural(duplicates, 'duplicate')} left out` : '', '.'),
      bad.length ? h('div', { class: 'phone-problems' },
        h('p', { class: 'problem' }, `${bad.length === 1 ? '1 number is' : `${bad.length} numbers are`} not valid and will not be asked:`),
        badPhoneList(bad)) : null);
  };
  phonesInput.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(showCheck, 250); });
  signal.addEventListener('abort', () => clearTimeout(timer));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearTimeout(timer);
    showCheck();
    const submit = form.querySelector('button[type=submit]');
    const phoneList = checkPhones(phonesInput.value);
    if (!phoneList.valid.length) {
      report({ message: 'Add at least one valid phone number.', details: [{ field: 'phones',
        problem: phoneList.entries.length ? 'none of these numbers is valid (see the list below)' : 'paste the numbers to ask' }] });
      return;
    }
    await busy(submit, async () => {
      try {
        const answer = await post('/campaigns', body(phoneList.entries), { signal });
        justCreated.set(answer.campaign.id, answer);
        navigate(`#/campaigns/${answer.campaign.id}`);
      } catch (error) {
        if (error?.name !== 'AbortError') report(error);
      }
    });
  });

  function body(phoneEntries) {
    const text = (name) => form.elements.namedItem(name).value.trim();
    const turns = text('max_turns');
    return {
      name: text('name'),
      brief: text('brief'),
      schema: rows.map(({ controls }) => {
        const type = controls.type.value;
        const spec = { name: controls.name.value.trim(), type, description: controls.description.value.trim() };
        if (type === 'enum') spec.enum = controls.enum.value.split('\n').map((value) => value.trim()).filter(Boolean);
        if (type === 'number' || type === 'integer') {
          if (controls.min.value !== '') spec.min = Number(controls.min.value);
          if (controls.max.value !== '') spec.max = Number(controls.max.value);
        }
        return spec;
      }),
      phones: phoneEntries,
      opening_message: text('opening_message') || null,
      max_turns: turns === '' ? undefined : Number(turns),
      idempotency_key: idempotencyKey,
    };
  }

  /// The API's error: plain fields through showError, schema paths next to their row's input.
  function report(error) {
    const details = error.details || [];
    const mine = details.filter((detail) => !String(detail.field || '').startsWith('schema'));
    const alert = showError(form, { message: error.message, details: mine });
    const unplaced = [];
    for (const detail of details.filter((item) => String(item.field || '').startsWith('schema'))) {
      const control = schemaControl(String(detail.field));
      if (control) place(control, detail.problem || error.message);
      else unplaced.push(`${detail.field}: ${detail.problem}`);
    }
    if (unplaced.length) {
      schemaError.append(h('p', { class: 'field-error' }, unplaced.join('; ')));
      if (!mine.length) alert.append(h('ul', {}, unplaced.map((text) => h('li', {}, text))));
    }
    form.querySelector('[aria-invalid="true"]')?.focus();
  }

  /// schema[2].enum → row 3's enum input; schema[1] → row 2's name; schema.brand.type → the row named brand.
  function schemaControl(path) {
    let match = /^schema\[(\d+)\](?:\.(\w+))?/.exec(path);
    let row;
    let key;
    if (match) { row = rows[Number(match[1])]; key = match[2]; } else if ((match = /^schema\.(\w+)(?:\.(\w+))?/.exec(path))) {
      row = rows.find((each) => each.controls.name.value.trim() === match[1]);
      key = match[2];
    }
    if (!row) return null;
    const control = row.controls[key] || row.controls.name;
    return control.closest('[hidden]') ? row.controls.type : control;
  }

  function place(control, text) {
    const id = uid('error');
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    control.insertAdjacentElement('afterend', h('p', { class: 'field-error', id }, text));
  }

  addRow({}, false);
}
