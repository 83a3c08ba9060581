// #/campaigns/<id>: one campaign followed live. Launch, pause and resume; the counts by
// conversation status (GET /campaigns/{id} every 2 s while it is active, until the page is left);
// the conversations, the extractions as a table and as a CSV download; the brief and schema.
import { get, post, download, repeat } from '../../api.js';
import { h, clear, section, table, empty, notice, showError, dateTime, progress, announce, field, busy, pager, plural, stats, backLink } from '../../ui.js';
import { CONVERSATION_STATUSES, campaignBadge, conversationBadge, showValue, percent, badPhoneList, justCreated } from './common.js';

const POLL_MS = 2000;
const PAGE_SIZE = 50;

export async function renderCampaign(main, { signal }, id) {
  let [campaign, conversations, extractions] = await Promise.all([
    get(`/campaigns/${id}`, undefined, { signal }),
    get(`/campaigns/${id}/conversations`, { limit: PAGE_SIZE }, { signal }),
    get(`/campaigns/${id}/extractions`, undefined, { signal }),
  ]);
  const conversationQuery = { offset: 0, status: '' };
  const filter = field({ name: 'conversation_status', label: 'Show', type: 'select',
    options: [['', 'All conversations'], ...CONVERSATION_STATUSES] });
  const statusSelect = filter.querySelector('select');
  statusSelect.addEventListener('change', () => {
    conversationQuery.status = statusSelect.value;
    conversationQuery.offset = 0;
    reloadConversations();
  });
  const pages = pager('Conversation pages', (offset) => { conversationQuery.offset = offset; reloadConversations(); });

  const title = h('h1', {});
  const statusLine = h('p', { class: 'row campaign-status' });
  const actions = h('div', { class: 'row campaign-actions' });
  const messages = h('div', { class: 'campaign-messages' });
  const live = h('p', { class: 'muted live-note' });
  const countsBox = h('div', {});
  const conversationsBox = h('div', {});
  const extractionsBox = h('div', {});
  const csvButton = h('button', { type: 'button' }, 'Download CSV');
  const csvNote = h('div', {});

  main.append(
    backLink('#/campaigns', 'All campaigns'),
    title, statusLine, actions, messages,
    created(justCreated.get(id)) || '',
    section('Progress', live, countsBox),
    section('Conversations', h('div', { class: 'conversation-filter' }, filter), conversationsBox, pages.element),
    section('Extractions', h('p', { class: 'muted' }, 'The fields collected from each completed conversation.'),
      extractionsBox, h('div', { class: 'row' }, csvButton), csvNote),
    section('Brief and questions', ...about(campaign)));
  justCreated.delete(id);

  csvButton.addEventListener('click', () => busy(csvButton, async () => {
    const filename = `campaign-${id}-extractions.csv`;
    clear(csvNote);
    await download(`/campaigns/${id}/extractions`, { format: 'csv' }, filename);
    clear(csvNote, notice(`Downloaded ${filename} (${plural(extractions.total, 'row')}).`, 'success'));
  }, csvNote));

  function draw() {
    title.textContent = campaign.name;
    clear(statusLine, campaignBadge(campaign.status),
      h('span', { class: 'muted' }, plural(campaign.phone_count, 'number'),
        campaign.launched_at ? [' · launched ', dateTime(campaign.launched_at)] : ' · not launched yet',
        campaign.completed_at ? [' · completed ', dateTime(campaign.completed_at)] : ''));
    drawActions();
    drawCounts();
    drawConversations();
    drawExtractions();
  }

  function drawActions() {
    const focused = actions.contains(document.activeElement);
    const button = actionButton();
    clear(actions, button, campaign.status === 'draft' && !campaign.phone_count
      ? h('p', { class: 'muted' }, 'This campaign has no valid numbers, so it cannot launch. Create a new one with the numbers fixed.') : null);
    if (focused && button) button.focus();
  }

  function actionButton() {
    const act = (label, path, done, kind = 'primary') => {
      const button = h('button', { type: 'button', class: kind }, label);
      button.addEventListener('click', () => busy(button, async () => {
        clear(messages);
        const before = campaign.status;
        const answer = await post(`/campaigns/${id}/${path}`, undefined, { signal });
        campaign = { ...answer.campaign, phones: campaign.phones };
        const text = done(answer, before);
        clear(messages, notice(text, 'success'));
        announce(text);
        await refreshLists();
        draw();
        if (campaign.status === 'active') poll();
      }, messages));
      return button;
    };
    const launched = (answer, before) => {
      const launch = answer.launch;
      if (before === 'paused') {
        return `Resumed: ${plural(launch.resumed, 'held opening')} scheduled again.`;
      }
      return `Launched: ${plural(launch.conversations_created, 'conversation')}, ${plural(launch.scheduled, 'opening')} scheduled`
        + (launch.skipped_opted_out ? `, ${launch.skipped_opted_out} skipped (opted out earlier)` : '') + '.';
    };
    if (campaign.status === 'draft') {
      const button = act('Launch', 'launch', launched);
      if (!campaign.phone_count) button.disabled = true;
      return button;
    }
    if (campaign.status === 'paused') return act('Resume', 'launch', launched);
    if (campaign.status === 'active') return act('Pause', 'pause', (answer) => `Paused: ${plural(answer.held, 'opening')} held until you resume.`, 'danger');
    return null;
  }

  function drawCounts() {
    const counts = campaign.counts;
    const outreach = campaign.outreach;
    clear(countsBox,
      stats([...CONVERSATION_STATUSES, ['total', 'Total']].map(([key, label]) => [label, String(counts[key] ?? 0), { 'data-count': key }]),
        'Conversations by status'),
      counts.total ? progress(Math.round((campaign.completion_rate || 0) * 100), 'Completed') : null,
      h('p', { class: 'outreach' }, `Openings: ${outreach.sent} sent`,
        outreach.scheduled ? `, ${outreach.scheduled} scheduled` : '', outreach.sending ? `, ${outreach.sending} sending` : '',
        outreach.held ? `, ${outreach.held} held (paused)` : '', outreach.failed ? `, ${outreach.failed} failed` : '',
        outreach.cancelled ? `, ${outreach.cancelled} cancelled` : '', ` of ${campaign.phone_count}.`));
    live.textContent = campaign.status === 'active'
      ? 'Live: the counts update every few seconds while the campaign runs.'
      : campaign.status === 'draft' ? 'Nothing sent yet: launch the campaign to send the openings.'
        : campaign.status === 'paused' ? 'Paused: no new openings go out until you resume. Conversations already going on continue.'
          : `Completed: ${percent(campaign.completion_rate)} of the conversations collected every field.`;
  }

  function drawConversations() {
    const list = conversations.conversations;
    const total = conversations.total;
    pages.show({ offset: conversationQuery.offset, limit: PAGE_SIZE, total, count: list.length });
    if (!list.length) {
      clear(conversationsBox, empty(campaign.status === 'draft'
        ? 'No conversations yet: launching makes one per number and sends its opening.'
        : conversationQuery.status ? 'No conversations with this status.' : 'No conversations yet.'));
      return;
    }
    const fields = campaign.schema.length;
    const shown = conversationQuery.status ? ` (${statusSelect.selectedOptions[0].textContent.toLowerCase()})` : '';
    clear(conversationsBox, table([
      { label: 'Phone', value: (c) => h('a', { href: `#/campaigns/${id}/conversations/${c.id}` }, c.phone) },
      { label: 'Name', value: (c) => c.profile_name || '' },
      { label: 'Status', value: (c) => conversationBadge(c.status) },
      { label: 'Fields collected', numeric: true, value: (c) => `${fields - c.missing_fields.length} of ${fields}` },
      { label: 'Turns', numeric: true, value: (c) => String(c.turns) },
      { label: 'Last reply', value: (c) => dateTime(c.last_inbound_at) || h('span', { class: 'muted' }, 'none yet') },
    ], list, { caption: plural(total, 'conversation') + shown, rowKey: (c) => c.id }));
  }

  function conversationParams() {
    return { limit: PAGE_SIZE, offset: conversationQuery.offset, status: conversationQuery.status || undefined };
  }

  async function reloadConversations() {
    try {
      conversations = await get(`/campaigns/${id}/conversations`, conversationParams(), { signal });
      drawConversations();
    } catch (error) {
      if (error?.name !== 'AbortError') showError(conversationsBox, error);
    }
  }

  function drawExtractions() {
    csvButton.disabled = !extractions.total;
    if (!extractions.rows.length) {
      clear(extractionsBox, empty('No completed conversations yet: a row appears here once a participant has answered every field.'));
      return;
    }
    clear(extractionsBox, table([
      { label: 'Conversation', value: (row) => h('a', { href: `#/campaigns/${id}/conversations/${row.conversation_id}` }, row.phone) },
      ...extractions.fields.map((name) => ({ label: name, value: (row) => showValue(row.data[name]) })),
      { label: 'Completed', value: (row) => dateTime(row.completed_at) },
    ], extractions.rows, { caption: plural(extractions.total, 'completed conversation'), rowKey: (row) => row.conversation_id }));
  }

  async function refreshLists() {
    [conversations, extractions] = await Promise.all([
      get(`/campaigns/${id}/conversations`, conversationParams(), { signal }),
      get(`/campaigns/${id}/extractions`, undefined, { signal }),
    ]);
  }

  // While the campaign is active: GET it every 2 s (backing off while that fails), and draw it again
  // when its counts change.
  let polling = false;
  async function poll() {
    if (polling) return;
    polling = true;
    let seen = JSON.stringify([campaign.status, campaign.counts, campaign.outreach]);
    let failures = 0;
    try {
      await repeat(async () => {
        try {
          const next = await get(`/campaigns/${id}`, undefined, { signal });
          const now = JSON.stringify([next.status, next.counts, next.outreach]);
          if (now !== seen) {
            if (next.counts.completed > campaign.counts.completed) announce(`${plural(next.counts.completed, 'conversation')} completed`);
            campaign = next;
            seen = now;
            await refreshLists();
            draw();
          }
          if (failures) { failures = 0; drawCounts(); }
        } catch (error) {
          if (error?.name === 'AbortError') throw error;
          failures += 1;
          live.textContent = `Live updates failed (${error.message}); trying again.`;
        }
        return campaign.status === 'active';
      }, { interval: () => (failures ? Math.min(30000, POLL_MS * 2 ** failures) : POLL_MS), signal });
    } finally {
      polling = false;
    }
  }

  draw();
  if (campaign.status === 'active') poll();
}

/// Right after creating: how many numbers were taken, and the ones the API refused.
function created(answer) {
  if (!answer) return null;
  const rejected = answer.rejected_phones || [];
  const summary = `Campaign created with ${plural(answer.accepted_phones, 'number')}`
    + (answer.duplicates_removed ? ` (${plural(answer.duplicates_removed, 'duplicate')} removed)` : '') + '.';
  if (!rejected.length) return notice(`${summary} Launch it to send the openings.`, 'success');
  return h('div', { class: 'alert info campaign-created', role: 'status' }, h('p', {}, summary),
    h('p', {}, `${rejected.length === 1 ? 'This number was' : `These ${rejected.length} numbers were`} not accepted and will not be asked:`),
    badPhoneList(rejected));
}

function about(campaign) {
  return [
    h('h3', {}, 'Brief'), h('p', { class: 'draft' }, campaign.brief),
    h('h3', {}, 'Opening message'), h('p', { class: 'draft' }, campaign.opening_message || 'The standard invitation (set when the campaign launches).'),
    h('p', {}, `At most ${plural(campaign.max_turns, 'turn')} per conversation.`),
    table([
      { label: 'Field', value: (f) => h('code', {}, f.name) },
      { label: 'Type', value: (f) => f.type },
      { label: 'Question', value: (f) => f.description },
      { label: 'Allowed', value: (f) => f.enum ? f.enum.join(', ') : rangeText(f) },
    ], campaign.schema, { caption: 'Fields, in the order they are asked' }),
    campaign.phones?.length ? h('details', {}, h('summary', {}, `The ${plural(campaign.phones.length, 'number')}`),
      h('ul', { class: 'phone-list' }, campaign.phones.map((phone) => h('li', {}, phone)))) : null,
  ];
}

function rangeText(field) {
  if (field.min !== null && field.max !== null) return `${field.min} to ${field.max}`;
  if (field.min !== null) return `at least ${field.min}`;
  if (field.max !== null) return `at most ${field.max}`;
  return field.type === 'boolean' ? 'yes or no' : '';
}
