// One candidate (#/candidates/<id>): scores, the algorithmic breakdown per criterion, the AI
// assessment, red flags, the profile, and the interview (POST /candidates/{id}/interview makes the
// room and the briefing; calling it again returns the same room).
import { get, post } from '../../api.js';
import { h, clear, section, table, badge, dateTime, empty, copyButton, announce, busy, backLink, externalLink, facts, commaList, loading } from '../../ui.js';

export const CRITERIA = {
  required_skills: 'Required skills',
  preferred_skills: 'Preferred skills',
  years_experience: 'Years of experience',
  industry_match: 'Industry match',
  completeness: 'Profile completeness',
};
const FLAGS = {
  no_contact_route: 'No contact route',
  implausible_years: 'Implausible years',
  short_tenures: 'Short tenures',
  possible_duplicate: 'Possible duplicate',
  ai_unavailable: 'AI unavailable',
};
const INTERVIEW = { not_scheduled: 'not scheduled', briefing: 'briefing', in_progress: 'in progress', completed: 'completed' };

export const score = (value) => (value === null || value === undefined ? '–' : String(Math.round(value * 10) / 10));
export const tierBadge = (tier) => (tier ? badge(tier, `tier ${tier}`) : h('span', { class: 'muted' }, 'not scored'));

export async function renderCandidate(main, { signal }, id) {
  const candidate = await get(`/candidates/${id}`, undefined, { signal });
  main.append(
    backLink(`#/candidates/role/${candidate.role_id}`, `Ranked candidates for role ${candidate.role_id}`),
    h('h1', {}, candidate.name),
    h('p', { class: 'muted' }, [candidate.current_role, candidate.current_company].filter(Boolean).join(' at ') || 'No current role given'),
    scores(candidate),
    breakdown(candidate),
    redFlags(candidate),
    interview(candidate, signal),
    profile(candidate));
}

function scores(candidate) {
  return section('Scores', facts([
    ['Tier', tierBadge(candidate.tier)],
    ['Combined', score(candidate.combined_score), { class: 'combined-score' }],
    ['Algorithmic', score(candidate.algo_score), { class: 'algo-score' }],
    ['AI', [score(candidate.ai_score), ' ', badge(candidate.ai_status), candidate.ai_provider ? ` (${candidate.ai_provider})` : ''], { class: 'ai-score' }],
    ['Scored', candidate.scored_at ? dateTime(candidate.scored_at) : (candidate.needs_scoring ? 'waiting to be scored' : '')],
  ], { blank: '–' }));
}

function breakdown(candidate) {
  const found = candidate.score_breakdown;
  const algorithmic = found
    ? [table([
      { label: 'Criterion', value: (row) => CRITERIA[row.criterion] || row.criterion },
      { label: 'Points', value: (row) => (row.applies ? `${score(row.points)} of ${score(row.weight)}` : 'does not apply'), numeric: true },
      { label: 'Detail', value: (row) => row.detail },
    ], found.criteria, { caption: `Algorithmic score ${score(found.score)} of 100, per criterion`, rowKey: (row) => row.criterion }),
    facts([
      ['Required skills matched', commaList(found.matched_required_skills)],
      ['Required skills missing', commaList(found.missing_required_skills)],
      ['Preferred skills matched', commaList(found.matched_preferred_skills)],
    ], { blank: '–' })]
    : empty('No algorithmic breakdown yet: the candidate has not been scored against the role.');
  const ai = h('div', { class: 'ai-assessment' }, h('h3', {}, `AI assessment: ${score(candidate.ai_score)}`),
    candidate.ai_rationale ? h('p', { class: 'prewrap' }, candidate.ai_rationale)
      : h('p', { class: 'muted' }, candidate.ai_status === 'pending' ? 'The AI assessment has not run yet.' : `No rationale (${candidate.ai_status}).`),
    h('p', { class: 'hint' }, 'The AI gives one score with its reasons; the per-criterion points above are the algorithmic score.'));
  const missing = [...(candidate.missing_required_fields || []).map((name) => `${name} (required)`), ...(candidate.missing_preferred_fields || [])];
  return section('Breakdown', algorithmic, ai,
    missing.length ? h('p', {}, h('strong', {}, 'Missing profile fields: '), missing.join(', ')) : null);
}

function redFlags(candidate) {
  const flags = candidate.red_flags || [];
  return section('Red flags', flags.length
    ? h('ul', { class: 'list red-flags' }, flags.map((flag) => h('li', { 'data-code': flag.code }, badge(FLAGS[flag.code] || flag.code, 'red-flag'), ' ', flag.message)))
    : h('p', { class: 'muted' }, 'No red flags.'));
}

function profile(candidate) {
  const text = (value) => (value === null || value === undefined ? value : String(value));
  return section('Profile', facts([
    ['Email', candidate.email], ['LinkedIn', candidate.linkedin_url], ['Phone', candidate.phone], ['Location', candidate.location],
    ['Years of experience', text(candidate.years_experience)], ['Skills', commaList(candidate.skills)], ['Industries', commaList(candidate.industries)],
    ['Education', candidate.education], ['Previous companies', commaList(candidate.previous_companies)],
    ['Tenure (months)', text(candidate.tenure_months)], ['About', candidate.bio, { class: 'prewrap' }],
    ...Object.entries(candidate.extra || {}).map(([label, value]) => [label, text(value)]),
    ['Source', candidate.source], ['Added', dateTime(candidate.created_at)],
  ], { blank: '–' }));
}

function interview(candidate, signal) {
  const body = h('div', { class: 'interview' });
  const started = candidate.interview_status !== 'not_scheduled';
  const status = h('p', { class: 'interview-status' }, 'Status: ', badge(INTERVIEW[candidate.interview_status] || candidate.interview_status));
  const button = h('button', { type: 'button', class: 'primary' }, started ? 'Show the room and briefing' : 'Start interview');
  button.addEventListener('click', () => busy(button, async () => {
    clear(body, loading('Making the room and the briefing…'));
    try {
      const answer = await post(`/candidates/${candidate.id}/interview`, undefined, { signal });
      clear(status, 'Status: ', badge(INTERVIEW[answer.interview_status] || answer.interview_status));
      known.remove();
      clear(body, room(answer.room, answer.created), briefing(answer.briefing));
      button.textContent = 'Show the room and briefing';
      announce(answer.created ? 'Interview room made' : 'Interview room and briefing shown');
    } catch (error) {
      clear(body);
      throw error;
    }
  }, body));
  const known = candidate.room_url
    ? h('p', {}, 'Room: ', externalLink(candidate.room_url))
    : h('p', { class: 'muted' }, 'Starting the interview makes a video room and a briefing for the interviewer.');
  return section('Interview', status, known, button, body);
}

function room(details, created) {
  return h('div', { class: 'card room' },
    h('h3', {}, created ? 'Room made' : 'The room'),
    h('p', { class: 'row' }, externalLink(details.url, details.url, { class: 'room-link' }),
      copyButton(details.url, 'Copy link')),
    h('p', { class: 'muted' }, `${details.provider === 'daily' ? 'Daily' : 'Jitsi Meet'} room ${details.name}`,
      details.expires_at ? [', expires ', dateTime(details.expires_at)] : ''));
}

function briefing(brief) {
  const items = (title, entries, kind, ordered) => [h('h4', {}, title), entries && entries.length
    ? h(ordered ? 'ol' : 'ul', { class: `briefing-${kind}` }, entries.map((entry) => h('li', {}, entry)))
    : h('p', { class: 'muted' }, 'None.')];
  return h('div', { class: 'card briefing' },
    h('h3', {}, 'Briefing'),
    h('p', { class: 'briefing-summary' }, brief.summary),
    items('Strengths', brief.strengths, 'strengths'),
    items('Gaps', brief.gaps, 'gaps'),
    items('Red flags', brief.red_flags, 'red-flags'),
    items('Suggested questions', brief.suggested_questions, 'questions', true),
    brief.ai_rationale ? [h('h4', {}, 'AI rationale'), h('p', { class: 'prewrap' }, brief.ai_rationale)] : null);
}
