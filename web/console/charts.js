// Charts the console draws itself as SVG (no library): vertical bars over time, horizontal bars by
// name. Each chart has a title and a description for screen readers, and the same numbers as a
// table under a <details>, so nothing is only visible as a shape.
import { h, table, truncate, uid } from './ui.js';

const WIDTH = 640;

function frame(title, description, height, body) {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  return h('svg:svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}` },
    h('svg:title', { id: titleId }, title), h('svg:desc', { id: descId }, description), body);
}

function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/// Vertical bars, one per point ({label, value}), with a y axis of three ticks.
export function columnChart(points, { title, format = String, description } = {}) {
  const height = 220;
  const left = 56;
  const bottom = 40;
  const top = 10;
  const plot = height - bottom - top;
  const max = niceMax(Math.max(0, ...points.map((point) => point.value)));
  const slot = (WIDTH - left - 10) / Math.max(points.length, 1);
  const barWidth = Math.max(2, Math.min(40, slot * 0.7));
  const labelEvery = Math.ceil(points.length / 10);
  const body = [h('svg:line', { class: 'axis', x1: left, y1: top + plot, x2: WIDTH - 5, y2: top + plot })];
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plot - fraction * plot;
    body.push(h('svg:text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, format(max * fraction)));
    if (fraction > 0) body.push(h('svg:line', { class: 'axis', x1: left - 3, y1: y, x2: left, y2: y }));
  }
  points.forEach((point, index) => {
    const barHeight = (point.value / max) * plot;
    const x = left + index * slot + (slot - barWidth) / 2;
    body.push(h('svg:rect', { class: 'bar', x: x.toFixed(1), y: (top + plot - barHeight).toFixed(1), width: barWidth.toFixed(1), height: Math.max(0, barHeight).toFixed(1) },
      h('svg:title', {}, `${point.label}: ${format(point.value)}`)));
    if (index % labelEvery === 0) {
      body.push(h('svg:text', { x: (x + barWidth / 2).toFixed(1), y: height - bottom + 16, 'text-anchor': 'middle' }, point.short ?? point.label));
    }
  });
  const total = points.reduce((sum, point) => sum + point.value, 0);
  return figure(frame(title, description || `${points.length} bars, total ${format(total)}`, height, body), title, points, format);
}

/// Horizontal bars by name ({label, value}), longest first as given.
export function barChart(points, { title, format = String, description } = {}) {
  const row = 26;
  const labelWidth = 200;
  const height = Math.max(1, points.length) * row + 10;
  const max = Math.max(0, ...points.map((point) => point.value)) || 1;
  const room = WIDTH - labelWidth - 90;
  const body = points.map((point, index) => {
    const y = 5 + index * row;
    const width = (point.value / max) * room;
    return h('svg:g', {},
      h('svg:text', { x: labelWidth - 8, y: y + 16, 'text-anchor': 'end' }, truncate(point.label, 30)),
      h('svg:rect', { class: index % 2 ? 'bar alt' : 'bar', x: labelWidth, y: y + 3, width: Math.max(1, width).toFixed(1), height: row - 8 },
        h('svg:title', {}, `${point.label}: ${format(point.value)}`)),
      h('svg:text', { x: (labelWidth + Math.max(1, width) + 6).toFixed(1), y: y + 16 }, format(point.value)));
  });
  return figure(frame(title, description || `${points.length} bars`, height, body), title, points, format);
}

function figure(svg, title, points, format) {
  return h('figure', { class: 'chart-figure' }, svg,
    h('details', {}, h('summary', {}, `${title}: the numbers`),
      table([{ label: 'Name', value: (point) => point.label }, { label: 'Value', value: (point) => format(point.value), numeric: true }], points)));
}
