// One prospect: who they are and their company, the research run (steps as they complete, then
// the findings), outreach drafts, and the interactions recorded with them.
import { get } from '../../api.js';
import { h, clear, showError, empty, badge, dateTime, section, table, facts, externalLink, idParam, commaList, backLink } from '../../ui.js';
import { researchSection } from './research.js';
import { outreachSection } from './outreach.js';

export async function render(main, { id, signal }) {
  const prospectId = idParam(id);
  if (!prospectId) {
    main.append(h('h1', {}, 'Prospect not found'), empty(`“${id}” is not a prospect number.`, h('a', { href: '#/sales/prospects' }, 'All prospects')));
    return;
  }
  let prospect;
  try {
    prospect = await get(`/api/v1/prospects/${prospectId}`, undefined, { signal });
  } catch (error) {
    if (error.name === 'AbortError') return;
    main.append(h('h1', {}, `Prospect ${prospectId}`));
    showError(main, error);
    main.append(backLink('#/sales/prospects', 'All prospects'));
    return;
  }
  const details = h('div');
  const interactions = h('div');
  const refresh = async () => {
    try {
      prospect = await get(`/api/v1/prospects/${prospectId}`, undefined, { signal });
      clear(details, detailFacts(prospect));
      await loadInteractions();
    } catch (error) {
      if (error.name !== 'AbortError') showError(details, error);
    }
  };
  const loadInteractions = async () => {
    try {
      clear(interactions, interactionList(await get(`/api/v1/prospects/${prospectId}/interactions`, { limit: 50 }, { signal })));
    } catch (error) {
      if (error.name !== 'AbortError') showError(interactions, error);
    }
  };
  clear(details, detailFacts(prospect));
  main.append(
    backLink('#/sales/prospects', 'All prospects'),
    h('h1', {}, prospect.full_name),
    h('p', { class: 'lead' }, `${prospect.title} at ${prospect.company_name}`),
    section('Details', details),
    researchSection(prospectId, { signal, changed: refresh }),
    outreachSection(prospectId, { signal, changed: refresh }),
    section('Interactions', interactions));
  loadInteractions();
}

function detailFacts(p) {
  const company = p.company || {};
  return [
    facts([
      ['Status', badge(p.status)],
      ['LinkedIn', externalLink(p.linkedin_url)],
      ['Email', p.email ? h('a', { href: `mailto:${p.email}` }, p.email) : null],
      ['Phone', p.phone],
      ['Location', p.location],
      ['Industry', p.industry],
      ['Company size', p.company_size],
      ['Last contacted', p.last_contacted ? dateTime(p.last_contacted) : 'never'],
      ['Added', dateTime(p.created_at)],
    ]),
    p.company ? h('div', { class: 'company' }, h('h3', {}, `Company: ${company.name}`),
      facts([
        ['Industry', company.industry],
        ['Size', company.size],
        ['Website', externalLink(company.website)],
        ['Technology', commaList(company.tech_stack)],
        ['Pain points', commaList(company.pain_points)],
      ])) : null,
  ];
}

function interactionList(answer) {
  if (!answer.interactions.length) return empty('Nothing recorded yet. Marking an outreach draft as sent records the email here.');
  return table([
    { label: 'When', value: (i) => dateTime(i.interaction_date || i.created_at) },
    { label: 'Type', value: (i) => badge(i.interaction_type) },
    { label: 'Subject', value: (i) => i.subject || '–' },
    { label: 'Outcome', value: (i) => [i.outcome, i.sentiment ? ` (${i.sentiment})` : null].filter(Boolean).join('') || '–' },
  ], answer.interactions, { caption: `Interactions (${answer.total})` });
}
