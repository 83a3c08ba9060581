// Prospects: the list (filtered, paged), and the CSV import with the rows the API refused.
import { api, download, get } from '../../api.js';
import { h, clear, field, values, showError, clearErrors, notice, empty, busy, table, badge, dateTime, section, announce, pager, plural, loading } from '../../ui.js';

const STATUSES = ['new', 'researched', 'contacted', 'engaged', 'qualified', 'inactive'];
const PAGE = 50;
/// The filters and page survive leaving the view and coming back (Back from a prospect).
const state = { filters: {}, offset: 0 };

export async function render(main, { signal }) {
  const listBox = h('div', { 'aria-live': 'polite' });
  const importResult = h('div');
  const filters = filterForm(() => { state.offset = 0; return load(); });
  const pages = pager('Pages of prospects', (offset) => { state.offset = offset; load(); });
  main.append(h('h1', {}, 'Prospects'),
    importSection(importResult, () => load()),
    section('Prospects', filters, listBox, pages.element));

  async function load() {
    const query = { ...state.filters, limit: PAGE, offset: state.offset };
    let answer;
    try {
      answer = await get('/api/v1/prospects', query, { signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      if (error.details?.some((detail) => detail.field === 'offset')) state.offset = 0;
      clear(listBox);
      pages.hide();
      if (namesField(error, filters)) {
        // A filter was refused: the message goes next to it (the form may have been hidden while empty).
        filters.hidden = false;
        showError(filters, error);
      } else {
        showError(listBox, error, null);
      }
      return;
    }
    // Nothing to filter before the first import: the empty state alone says what to do.
    filters.hidden = !answer.total && !Object.keys(state.filters).length;
    clear(listBox, prospectList(answer));
    pages.show({ offset: answer.offset, limit: answer.limit, total: answer.total, count: answer.prospects.length });
  }
  await load();
}

/// Whether the error's details name a field of the form.
function namesField(error, form) {
  return (error?.details || []).some((detail) => {
    const name = String(detail.field || '').split(/[.[]/)[0];
    return name !== '' && form.elements.namedItem(name) !== null;
  });
}

function prospectList(answer) {
  const filtered = Object.keys(state.filters).length > 0;
  if (!answer.total) {
    return filtered
      ? empty('No prospect matches these filters. Clear them to see every prospect.')
      : empty('No prospects yet. Import a CSV file of prospects above (the template shows the columns), then open one to research it.');
  }
  return [
    h('p', { class: 'muted', id: 'prospect-count' }, `${plural(answer.total, 'prospect')}${filtered ? ' match the filters' : ''}, newest first.`),
    table([
      { label: 'Name', value: (p) => h('a', { href: `#/sales/prospects/${p.id}` }, p.full_name) },
      { label: 'Title', value: (p) => p.title },
      { label: 'Company', value: (p) => p.company?.name && p.company.name !== p.company_name ? [p.company_name, h('span', { class: 'muted' }, ` (${p.company.name})`)] : p.company_name },
      { label: 'Industry', value: (p) => p.industry || '–' },
      { label: 'Status', value: (p) => badge(p.status) },
      { label: 'Last contacted', value: (p) => p.last_contacted ? dateTime(p.last_contacted) : '–' },
    ], answer.prospects, { caption: 'Prospects', rowKey: (p) => p.id }),
  ];
}

function filterForm(reload) {
  const form = h('form', { id: 'prospect-filters', class: 'filters', 'aria-label': 'Filter prospects' },
    h('div', { class: 'field-grid' },
      field({ name: 'q', label: 'Words', value: state.filters.q, hint: 'In the name, title, company or email' }),
      field({ name: 'status', label: 'Status', type: 'select', value: state.filters.status, options: [['', 'Any status'], ...STATUSES] }),
      field({ name: 'industry', label: 'Industry', value: state.filters.industry }),
      field({ name: 'company', label: 'Company', value: state.filters.company, hint: 'Any spelling of the name' })),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
      h('button', { type: 'button', onclick: () => { form.reset(); for (const input of form.querySelectorAll('input')) input.value = ''; form.elements.status.value = ''; state.filters = {}; clearErrors(form); reload(); } }, 'Clear filters')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    state.filters = values(form);
    reload();
  });
  return form;
}

function importSection(result, reload) {
  const form = h('form', { class: 'import', novalidate: true },
    field({ name: 'file', label: 'CSV file of prospects', type: 'file', accept: '.csv,text/csv', required: true,
      hint: 'One prospect a row: LinkedIn URL, full name, title and company are required; size, industry, location, email, phone and status are optional. Headers are matched loosely; a file imported before is recognised.' }),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, 'Import'),
      h('button', { type: 'button', onclick: (event) => busy(event.currentTarget, () => download('/api/v1/prospects/import/template', undefined, 'prospects-template.csv'), form) }, 'Download the template')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    clear(result);
    const file = form.elements.file.files[0];
    if (!file) {
      showError(form, { message: 'Choose a CSV file to import.', details: [{ field: 'file', problem: 'choose a .csv file' }] });
      return;
    }
    const body = new FormData();
    body.append('file', file, file.name);
    const button = event.submitter || form.querySelector('button[type=submit]');
    clear(result, loading(`Importing ${file.name}…`));
    const answer = await busy(button, () => api('POST', '/api/v1/prospects/import/csv', { form: body }), form);
    if (!answer) { clear(result); return; }
    clear(result, importReport(answer));
    announce(answer.message);
    form.reset();
    reload();
  });
  return section('Import prospects', form, result);
}

function importReport(answer) {
  const info = answer.import || {};
  return h('div', { class: 'import-report' },
    notice(answer.already_imported ? `This file was imported before (import ${answer.import_id}): ${answer.message}` : answer.message, answer.errors.length ? 'info' : 'success'),
    answer.already_imported ? h('p', { class: 'muted' }, 'When it was first imported:') : null,
    h('ul', { class: 'counts' },
      h('li', {}, h('strong', {}, String(answer.created)), ' created'),
      h('li', {}, h('strong', {}, String(answer.updated)), ' updated'),
      h('li', {}, h('strong', {}, String(answer.skipped)), ' skipped'),
      h('li', {}, h('strong', {}, String(info.rows ?? 0)), ' rows'),
      h('li', {}, h('strong', {}, String(info.companies_created ?? 0)), ' new companies')),
    info.columns && Object.keys(info.columns).length ? h('details', {}, h('summary', {}, 'How the columns were read'),
      h('ul', {}, Object.entries(info.columns).map(([header, name]) => h('li', {}, h('code', {}, header), ' → ', name)))) : null,
    answer.errors.length ? h('div', { class: 'alert error', role: 'alert' },
      table([
        { label: 'Line', value: (row) => String(row.line), numeric: true },
        { label: 'Problems', value: (row) => row.problems?.length
          ? h('ul', { class: 'problems' }, row.problems.map((problem) => h('li', {}, h('code', {}, problem.field), ' ', problem.problem)))
          : row.message },
      ], answer.errors, { caption: `${plural(answer.errors.length, 'row')} ${answer.errors.length === 1 ? 'was' : 'were'} not imported` })) : null);
}
