// Meetings (the meeting-prep agent): the list (#/meetings), one meeting with its research, drafts,
// feedback and re-run (#/meetings/<id>), and the steering profile with its versions
// (#/meetings/steering). Each view lives in pages/meetings/.
import { idParam } from '../ui.js';
import { renderList } from './meetings/list.js';
import { renderMeeting } from './meetings/detail.js';
import { renderSteering } from './meetings/steering.js';

export async function render(main, context) {
  const [first] = context.params;
  if (first === 'steering') return renderSteering(main, context);
  if (idParam(first)) return renderMeeting(main, { ...context, id: idParam(first) });
  return renderList(main, context);
}
