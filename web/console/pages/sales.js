// The sales assistant: prospects (import, research, outreach drafts), the solutions catalogue and
// events with their matched prospects. Sub-views by address: #/sales/prospects[/<id>],
// #/sales/solutions, #/sales/events[/<id>].
import { h, tabs } from '../ui.js';

const VIEWS = {
  prospects: { list: () => import('./sales/prospects.js'), detail: () => import('./sales/prospect.js') },
  solutions: { list: () => import('./sales/solutions.js') },
  events: { list: () => import('./sales/events.js'), detail: () => import('./sales/event.js') },
};

export async function render(main, context) {
  const [requested, id] = context.params;
  const name = VIEWS[requested] ? requested : 'prospects';
  const root = h('div', { class: 'sales' });
  main.append(root);
  root.append(tabs([['#/sales/prospects', 'Prospects'], ['#/sales/solutions', 'Solutions'], ['#/sales/events', 'Events']], `#/sales/${name}`));
  const view = id && VIEWS[name].detail ? VIEWS[name].detail : VIEWS[name].list;
  const module = await view();
  if (context.signal.aborted) return;
  return module.render(root, { ...context, id });
}
