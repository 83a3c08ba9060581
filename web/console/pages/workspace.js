// The conversation workspace. #/workspace: import (files or a share link, progress streamed),
// search, the conversation list. #/workspace/<id>: one conversation, its summary and files.
// #/workspace/<id>/draft: its project draft, the draft's versions and the chat that edits it.
import { h } from '../ui.js';
import { renderList } from './workspace/list.js';
import { renderConversation } from './workspace/conversation.js';
import { renderDraft } from './workspace/draft.js';

export async function render(main, context) {
  const [id, view] = context.params;
  if (!id) return renderList(main, context);
  if (!/^[1-9][0-9]*$/.test(id) || (view && view !== 'draft')) {
    main.append(h('h1', {}, 'Workspace'), h('div', { class: 'alert error', role: 'alert' }, 'There is no such page in the workspace. ',
      h('a', { href: '#/workspace' }, 'Back to the conversations')));
    return undefined;
  }
  if (view === 'draft') return renderDraft(main, { ...context, id: Number(id) });
  return renderConversation(main, { ...context, id: Number(id) });
}
