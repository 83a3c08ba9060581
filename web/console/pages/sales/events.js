// Events: the list (upcoming, past or all) and a form to create one; each opens to its matches.
import { get, post } from '../../api.js';
import { h, clear, field, values, showError, clearErrors, empty, busy, table, section, announce, dateTime } from '../../ui.js';

let when = 'upcoming';

export async function render(main, { signal, navigate }) {
  const listBox = h('div', { 'aria-live': 'polite' });
  const filter = field({ name: 'when', label: 'Show', type: 'select', value: when, options: [['upcoming', 'Upcoming events'], ['past', 'Past events'], ['all', 'All events']] });
  filter.querySelector('select').addEventListener('change', (event) => { when = event.target.value; load(); });
  main.append(h('h1', {}, 'Events'), section('Events', h('div', { class: 'narrow' }, filter), listBox), createSection(signal, navigate));

  async function load() {
    try {
      const answer = await get('/api/v1/events', { when, limit: 200 }, { signal });
      clear(listBox, eventList(answer));
    } catch (error) {
      if (error.name !== 'AbortError') { clear(listBox); showError(listBox, error); }
    }
  }
  await load();
}

function eventList(answer) {
  if (!answer.events.length) {
    return empty(answer.when === 'upcoming' && answer.total === 0
      ? 'No upcoming events. Create one below, then match prospects to it: the best fits get an invitation drafted.'
      : `No ${answer.when === 'all' ? '' : answer.when + ' '}events.`);
  }
  return [
    table([
      { label: 'Event', value: (e) => h('a', { href: `#/sales/events/${e.id}` }, e.title) },
      { label: 'Date', value: (e) => dateTime(e.event_date) },
      { label: 'Type', value: (e) => e.event_type },
      { label: 'Location', value: (e) => e.location || '–' },
      { label: 'For industries', value: (e) => e.target_industries.join(', ') || 'any' },
    ], answer.events, { caption: `Events (${answer.total})`, rowKey: (e) => e.id }),
    answer.total > answer.events.length ? h('p', { class: 'muted' }, `Showing ${answer.events.length} of ${answer.total}.`) : null,
  ];
}

function createSection(signal, navigate) {
  const form = h('form', { class: 'event-form', novalidate: true },
    field({ name: 'title', label: 'Title', required: true }),
    field({ name: 'description', label: 'Description', type: 'textarea', rows: 4, required: true,
      hint: 'What it covers and for whom: matching compares prospects with this text.' }),
    h('div', { class: 'field-grid' },
      field({ name: 'event_type', label: 'Type', required: true, placeholder: 'workshop', hint: 'summit, workshop, webinar…' }),
      field({ name: 'event_date', label: 'Date', type: 'date', required: true }),
      field({ name: 'location', label: 'Location (optional)' })),
    field({ name: 'target_industries', label: 'Target industries (optional)', hint: 'Separate with ; or , (matched without case)' }),
    field({ name: 'target_roles', label: 'Target roles (optional)', hint: 'Words found in titles: CTO; VP Engineering' }),
    field({ name: 'aws_solutions_featured', label: 'Solutions featured (optional)', hint: 'Separate with ; or ,' }),
    h('button', { type: 'submit', class: 'primary' }, 'Create the event'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = values(form);
    const missing = ['title', 'description', 'event_type', 'event_date'].filter((name) => !body[name]);
    if (missing.length) {
      showError(form, { message: 'Fill in the required fields.', details: missing.map((name) => ({ field: name, problem: 'is required' })) });
      return;
    }
    const created = await busy(event.submitter || form.querySelector('button[type=submit]'), () => post('/api/v1/events', body, { signal }), form);
    if (!created) return;
    announce(`Event ${created.title} created`);
    navigate(`#/sales/events/${created.id}`);
  });
  return section('Create an event', form);
}
