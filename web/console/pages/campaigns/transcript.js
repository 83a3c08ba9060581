// #/campaigns/<id>/conversations/<cid>: one interview. The fields collected and still missing, and
// the messages in thread order (each reply under the message it answers), the participant's on
// one side and the interviewer's on the other. Refreshed every few seconds while it goes on.
import { get, post, repeat } from '../../api.js';
import { h, clear, section, table, notice, dateTime, empty, busy, plural, facts, backLink } from '../../ui.js';
import { conversationBadge, showValue } from './common.js';

const OPEN = new Set(['pending', 'outreach_sent', 'active']);
const KINDS = { opening: 'opening', reply: 'reply', thanks: 'thanks', goodbye: 'goodbye' };

export async function renderTranscript(main, { signal }, campaignId, id) {
  let [campaign, conversation] = await Promise.all([
    get(`/campaigns/${campaignId}`, undefined, { signal }),
    get(`/conversations/${id}`, undefined, { signal }),
  ]);
  if (conversation.campaign_id !== campaignId) {
    main.append(h('h1', {}, 'Conversation'), notice(`Conversation ${id} belongs to another campaign.`, 'error'),
      h('p', {}, h('a', { href: `#/campaigns/${conversation.campaign_id}/conversations/${id}` }, 'Open it in its campaign')));
    return;
  }
  const title = h('h1', {});
  const about = h('div', { class: 'conversation-facts' });
  const fieldsBox = h('div', {});
  const messagesBox = h('div', {});
  const actionBox = h('div', {});
  const live = h('p', { class: 'muted live-note', hidden: true });
  main.append(backLink(`#/campaigns/${campaignId}`, `Back to ${campaign.name}`), title, about, live, actionBox,
    section('Collected', fieldsBox), section('Transcript', messagesBox));

  function draw() {
    title.textContent = `Conversation with ${conversation.profile_name ? `${conversation.profile_name} (${conversation.phone})` : conversation.phone}`;
    clear(about, facts([
      ['Status', conversationBadge(conversation.status)],
      ['Turns', `${conversation.turns} of at most ${campaign.max_turns}`],
      ['Ended because', conversation.end_reason?.replaceAll('_', ' ')],
      ['Ended', dateTime(conversation.ended_at)],
      ['Last reply', dateTime(conversation.last_inbound_at) || 'none yet'],
    ]));
    const missing = new Set(conversation.missing_fields);
    clear(fieldsBox, table([
      { label: 'Field', value: (f) => h('code', {}, f.name) },
      { label: 'Question', value: (f) => f.description },
      { label: 'Answer', value: (f) => (missing.has(f.name) || !(f.name in conversation.extracted)
        ? h('span', { class: 'badge pending' }, 'missing') : h('strong', {}, showValue(conversation.extracted[f.name]))) },
    ], campaign.schema, { caption: `${campaign.schema.length - missing.size} of ${plural(campaign.schema.length, 'field')} collected`, rowKey: (f) => f.name }));
    drawMessages();
    drawAction();
  }

  function drawMessages() {
    const messages = conversation.messages || [];
    if (!messages.length) {
      clear(messagesBox, empty('No messages yet: the opening goes out when the campaign sends it.'));
      return;
    }
    clear(messagesBox, h('ol', { class: 'transcript', 'aria-label': 'Messages, oldest first' }, messages.map((message) => {
      const outbound = message.direction === 'outbound';
      const when = outbound ? message.sent_at || message.created_at : message.created_at;
      return h('li', { class: outbound ? 'outbound' : 'inbound', 'data-id': message.id },
        h('span', { class: 'meta' }, outbound ? `Interviewer (${KINDS[message.kind] || message.kind})` : 'Participant', ' · ', dateTime(when),
          ' · ', message.status.replaceAll('_', ' ')),
        h('span', { class: 'draft body' }, message.body),
        message.error_message ? h('span', { class: 'meta error-text' }, `Not delivered: ${message.error_message}${message.error_code ? ` (${message.error_code})` : ''}`) : null);
    })));
  }

  /// Inbound messages still waiting for an answer (status received): the operator can retry them.
  function drawAction() {
    const waiting = (conversation.messages || []).filter((message) => message.direction === 'inbound' && message.status === 'received');
    if (!waiting.length) { clear(actionBox); return; }
    const button = h('button', { type: 'button' }, 'Answer waiting messages');
    const result = h('div', {});
    button.addEventListener('click', () => busy(button, async () => {
      const answer = await post(`/conversations/${id}/process`, undefined, { signal });
      clear(result, notice(answer.busy ? 'Another process is answering them already.' : `Answered ${plural(answer.handled.length, 'message')}.`, 'success'));
      conversation = await get(`/conversations/${id}`, undefined, { signal });
      draw();
    }, result));
    clear(actionBox, h('div', { class: 'alert info' }, h('p', {}, `${plural(waiting.length, 'message')} from the participant ${waiting.length === 1 ? 'has' : 'have'} not been answered yet.`), button), result);
  }

  draw();
  // A conversation that goes on: follow it until it ends or the page is left (a failed look
  // says so and is tried again at the next turn).
  let seen = JSON.stringify(conversation);
  if (!OPEN.has(conversation.status)) return;
  await repeat(async () => {
    const next = await get(`/conversations/${id}`, undefined, { signal }).catch((error) => {
      if (error?.name === 'AbortError') throw error;
      live.textContent = `Live updates failed (${error.message}); trying again.`;
      live.hidden = false;
      return null;
    });
    if (next) { live.hidden = true; live.textContent = ''; }
    const now = next && JSON.stringify(next);
    if (next && now !== seen) { seen = now; conversation = next; draw(); }
    return OPEN.has(conversation.status);
  }, { interval: 3000, signal });
}
