// Campaigns: research interviews over WhatsApp. #/campaigns lists them, #/campaigns/new creates
// one, #/campaigns/<id> follows one live, #/campaigns/<id>/conversations/<cid> shows a transcript.
import { get, repeat } from '../api.js';
import { h, clear, empty, table, dateTime, notice, pager, idParam, plural, backLink } from '../ui.js';
import { campaignBadge, percent } from './campaigns/common.js';
import { renderForm } from './campaigns/form.js';
import { renderCampaign } from './campaigns/detail.js';
import { renderTranscript } from './campaigns/transcript.js';

const PAGE_SIZE = 50;

export async function render(main, context) {
  const [id, sub, conversationId] = context.params;
  if (id === 'new') return renderForm(main, context);
  if (id && !idParam(id)) {
    main.append(h('h1', {}, 'Campaigns'), notice(`“${id}” is not a campaign id.`, 'error'), backLink('#/campaigns', 'All campaigns'));
    return;
  }
  if (id && sub === 'conversations' && idParam(conversationId)) return renderTranscript(main, context, idParam(id), idParam(conversationId));
  if (id) return renderCampaign(main, context, idParam(id));
  return renderList(main, context);
}

async function renderList(main, { signal }) {
  main.append(h('div', { class: 'spread' }, h('h1', {}, 'Campaigns'),
    h('a', { class: 'button primary', href: '#/campaigns/new' }, 'New campaign')));
  const intro = h('p', { class: 'muted' }, 'Research interviews over WhatsApp: each campaign asks its numbers the same questions and collects the answers as fields.');
  const body = h('div', {});
  let campaigns = [];
  let total = 0;
  let offset = 0;
  let seen = '';
  const pages = pager('Campaign pages', (to) => { offset = to; load().catch(failed); });
  const live = h('p', { class: 'muted live-note', hidden: true });
  main.append(intro, live, body, pages.element);

  const load = async () => {
    const answer = await get('/campaigns', { limit: PAGE_SIZE, offset }, { signal });
    campaigns = answer.campaigns;
    total = answer.total;
    const now = JSON.stringify(answer);
    if (now !== seen) { seen = now; draw(); }
  };

  const draw = () => {
    if (!campaigns.length && offset > 0) { offset = Math.max(0, offset - PAGE_SIZE); load().catch(failed); return; }
    pages.show({ offset, limit: PAGE_SIZE, total, count: campaigns.length });
    if (!campaigns.length) {
      clear(body, empty('No campaigns yet. Start one: write what the research wants to learn, list the fields to collect and paste the phone numbers to ask.',
        h('a', { class: 'button primary', href: '#/campaigns/new' }, 'Create the first campaign')));
      return;
    }
    clear(body, table([
      { label: 'Campaign', value: (c) => h('a', { href: `#/campaigns/${c.id}` }, c.name) },
      { label: 'Status', value: (c) => campaignBadge(c.status) },
      { label: 'Numbers', numeric: true, value: (c) => String(c.phone_count) },
      { label: 'Openings sent', numeric: true, value: (c) => String(c.outreach.sent) },
      { label: 'Replying', numeric: true, value: (c) => String(c.counts.active) },
      { label: 'Completed', numeric: true, value: (c) => String(c.counts.completed) },
      { label: 'Abandoned or failed', numeric: true, value: (c) => String(c.counts.abandoned + c.counts.failed) },
      { label: 'Completion', numeric: true, value: (c) => percent(c.completion_rate) },
      { label: 'Created', value: (c) => dateTime(c.created_at) },
    ], campaigns, { caption: `${plural(total, 'campaign')}, newest first`, rowKey: (c) => c.id }));
  };

  const failed = (error) => {
    if (error?.name === 'AbortError') return;
    pages.hide();
    clear(body, notice(`The campaigns could not be loaded: ${error.message}`, 'error'));
  };

  await load();
  // Running campaigns change on their own: refresh the counts while any is active (a failed
  // refresh says so and is tried again at the next turn).
  const active = () => campaigns.some((c) => c.status === 'active');
  if (active()) {
    repeat(async () => {
      try {
        await load();
        live.hidden = true;
        live.textContent = '';
      } catch (error) {
        if (error?.name === 'AbortError') throw error;
        live.textContent = `Live updates failed (${error.message}); trying again.`;
        live.hidden = false;
      }
      return active();
    }, { interval: 5000, signal });
  }
}
