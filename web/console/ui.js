// Small DOM helpers the pages share: element building (text is always set as text, never as
// HTML), tables, errors shown next to the fields they name, empty states, copy buttons, progress.

/// h('button', {class: 'primary', onclick: f, type: 'button'}, 'Save'): attributes, properties
/// (`on…` handlers, `value`, `checked`, `disabled`, `hidden`), then children (strings, nodes,
/// arrays, null/false skipped).
export function h(tag, props, ...children) {
  const svg = tag.startsWith('svg:');
  const element = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (!svg && (name === 'value' || name === 'checked' || name === 'disabled' || name === 'hidden' || name === 'selected')) element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let ids = 0;
export const uid = (prefix = 'id') => `${prefix}-${++ids}`;

/// Tells assistive technology about a change that happened out of sight (a job finished).
export function announce(text) {
  const region = document.getElementById('announce');
  if (region) { region.textContent = ''; setTimeout(() => { region.textContent = text; }, 50); }
}

/// A labelled form field: {name, label, type, value, required, options (select), hint, rows (textarea)}.
export function field({ name, label, type = 'text', value, required, options, hint, rows, placeholder, accept, min, max, step, multiple, autocomplete }) {
  const id = uid(name);
  const hintId = hint ? `${id}-hint` : undefined;
  let control;
  if (type === 'select') {
    control = h('select', { id, name, required }, (options || []).map((option) => {
      const [optionValue, text] = Array.isArray(option) ? option : [option, option];
      return h('option', { value: optionValue, selected: String(optionValue) === String(value ?? '') }, text);
    }));
  } else if (type === 'textarea') {
    control = h('textarea', { id, name, required, rows: rows || 4, placeholder, 'aria-describedby': hintId }, value ?? '');
  } else if (type === 'checkbox') {
    control = h('input', { id, name, type, checked: Boolean(value), 'aria-describedby': hintId });
    return h('div', { class: 'field check' }, control, h('label', { for: id }, label), hint && h('p', { class: 'hint', id: hintId }, hint));
  } else {
    control = h('input', { id, name, type, value: value ?? '', required, placeholder, accept, min, max, step, multiple, autocomplete, 'aria-describedby': hintId });
  }
  return h('div', { class: 'field' }, h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    control, hint && h('p', { class: 'hint', id: hintId }, hint));
}

/// The form's values as an object (checkboxes as booleans, empty strings left out).
export function values(form) {
  const result = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    if (element.type === 'checkbox') result[element.name] = element.checked;
    else if (element.type === 'file') continue;
    else if (element.value.trim() !== '') result[element.name] = element.value.trim();
  }
  return result;
}

/// Shows an API error: its message in the form's (or container's) alert, and each detail next to
/// the field it names (aria-invalid + aria-describedby), so nothing fails silently.
export function showError(target, error, form = target.closest?.('form') || target.querySelector?.('form')) {
  clearErrors(form || target);
  const message = error?.message || String(error);
  const alert = h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, 'Error: '), message);
  const unplaced = [];
  for (const detail of error?.details || []) {
    const name = String(detail.field || '').split(/[.[]/)[0];
    const control = form && name ? form.elements.namedItem(name) : null;
    const element = control instanceof RadioNodeList ? control[0] : control;
    if (element && element.insertAdjacentElement) {
      const id = uid('error');
      element.setAttribute('aria-invalid', 'true');
      element.setAttribute('aria-describedby', [element.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
      element.insertAdjacentElement('afterend', h('p', { class: 'field-error', id, 'data-field': name }, detail.problem || message));
    } else if (detail.problem) {
      unplaced.push(`${detail.field ? detail.field + ': ' : ''}${detail.problem}`);
    }
  }
  if (unplaced.length) alert.append(h('ul', {}, unplaced.map((text) => h('li', {}, text))));
  (form || target).prepend(alert);
  alert.scrollIntoView?.({ block: 'nearest' });
  return alert;
}

export function clearErrors(scope) {
  if (!scope) return;
  scope.querySelectorAll('.alert.error, .field-error').forEach((node) => node.remove());
  scope.querySelectorAll('[aria-invalid]').forEach((node) => {
    node.removeAttribute('aria-invalid');
    const kept = (node.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && !id.startsWith('error-'));
    if (kept.length) node.setAttribute('aria-describedby', kept.join(' ')); else node.removeAttribute('aria-describedby');
  });
}

export function notice(text, kind = 'info') {
  return h('div', { class: `alert ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/// What an empty list says: what it holds and the first thing to do.
export function empty(text, action) {
  return h('div', { class: 'empty' }, h('p', {}, text), action || null);
}

/// What a part of the page shows while its answer is on the way.
export function loading(text) {
  return h('p', { class: 'loading', role: 'status' }, text);
}

/// The link back up from a detail view ("← All meetings").
export function backLink(href, text) {
  return h('p', { class: 'back' }, h('a', { href }, '← ', text));
}

/// A link that leaves the console (opens in a new tab); anything but http(s) stays plain text.
export function externalLink(href, text, props = {}) {
  if (!href || !/^https?:\/\//i.test(href)) return text || href || '';
  return h('a', { ...props, href, rel: 'noopener noreferrer', target: '_blank' }, text || href);
}

/// Runs an action from a button: disabled and marked busy while it runs; errors go to `errorTarget`.
export async function busy(button, action, errorTarget) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } catch (error) {
    if (error?.name === 'AbortError') return undefined;
    if (errorTarget) showError(errorTarget, error); else throw error;
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

export function copyButton(text, label = 'Copy') {
  const button = h('button', { type: 'button', class: 'small' }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(typeof text === 'function' ? text() : text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Copy failed: select the text instead';
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
  return button;
}

/// A table: columns [{label, value: row => text|node, numeric}], with a caption for screen readers.
export function table(columns, rows, { caption, rowKey } = {}) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col', class: column.numeric ? 'num' : null }, column.label)))),
    h('tbody', {}, rows.map((row) => h('tr', { 'data-key': rowKey ? rowKey(row) : null },
      columns.map((column) => h('td', { class: column.numeric ? 'num' : null, 'data-label': column.label }, column.value(row) ?? '')))))));
}

/// A progress bar with what it measures; `value` null: work whose length is not known (the bar moves
/// without a number).
export function progress(value, label) {
  if (value === null) return h('div', { class: 'progress' }, h('progress', { 'aria-label': label }), h('span', {}, label));
  const bounded = Math.max(0, Math.min(100, Number(value) || 0));
  return h('div', { class: 'progress' }, h('progress', { max: 100, value: bounded, 'aria-label': label }, `${bounded}%`),
    h('span', {}, `${label}: ${bounded}%`));
}

export function badge(text, kind) {
  return h('span', { class: `badge ${kind || String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-')}` }, text);
}

/// A timestamp as a <time> in UTC; a date alone (2027-09-17) as the date.
export function dateTime(iso) {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    return h('time', { datetime: iso }, new Date(`${iso}T00:00:00Z`).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' }));
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return h('time', { datetime: iso }, date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC');
}

export function money(value) {
  return `$${Number(value || 0).toFixed(4)}`;
}

/// "1 number", "3 numbers", "2 other branches".
export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/// Items as "a, b, c"; nothing as '' (a value that is not a list stays as it is).
export function commaList(items) {
  if (!Array.isArray(items)) return items ?? '';
  return items.join(', ');
}

export function truncate(text, length) {
  const value = String(text ?? '');
  return value.length > length ? value.slice(0, length - 1) + '…' : value;
}

/// An API error ({code, message, details}), a stored step error or a string, as one line of text.
export function errorText(error) {
  if (!error) return '';
  if (typeof error === 'string') return error;
  const details = (error.details || []).map((detail) => `${detail.field}: ${detail.problem}`).join('; ');
  return [error.message || error.code, details && !String(error.message || '').includes(details) ? `(${details})` : ''].filter(Boolean).join(' ');
}

/// An id from the address (#/meetings/12): the number, or null unless it is a canonical decimal.
export function idParam(text) {
  return /^[1-9][0-9]*$/.test(String(text ?? '')) ? Number(text) : null;
}

/// A definition list of [term, value, attributes of the <dd>]; values may be text, nodes or arrays
/// of them. A null pair is left out, and so is a pair whose value is empty ('', null, []) unless
/// `blank` says what to show instead.
export function facts(pairs, { blank } = {}) {
  const isEmpty = (value) => value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length);
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([term, value, attributes]) => {
    if (isEmpty(value) && blank === undefined) return null;
    return [h('dt', {}, term), h('dd', attributes || {}, isEmpty(value) ? blank : value)];
  }));
}

/// Headline numbers as tiles: [label, value, attributes of the tile].
export function stats(pairs, label) {
  return h('ul', { class: 'stats', 'aria-label': label }, pairs.map(([name, value, attributes]) => h('li', attributes || {},
    h('span', { class: 'label' }, name), ' ', h('strong', { class: 'value' }, value))));
}

/// Paging by offset under a list: "11–20 of 45" between Previous and Next (the buttons only when
/// there is more than one page). Make it once and call show() after each load: the buttons stay
/// the same elements, so the focus stays on the one pressed. onPage(offset) loads that page.
export function pager(label, onPage) {
  const previous = h('button', { type: 'button', class: 'small' }, 'Previous page');
  const next = h('button', { type: 'button', class: 'small' }, 'Next page');
  const position = h('span', { class: 'muted', role: 'status' });
  const element = h('nav', { class: 'row pager', 'aria-label': label, hidden: true }, previous, position, next);
  let at = { offset: 0, limit: 0 };
  previous.addEventListener('click', () => onPage(Math.max(0, at.offset - at.limit)));
  next.addEventListener('click', () => onPage(at.offset + at.limit));
  const show = ({ offset, limit, total, count, suffix = '' }) => {
    at = { offset, limit };
    element.hidden = !total;
    previous.hidden = next.hidden = offset === 0 && total <= limit;
    previous.disabled = offset === 0;
    next.disabled = offset + count >= total;
    position.textContent = count ? `${offset + 1}–${offset + count} of ${total}${suffix}` : `none of ${total}${suffix}`;
  };
  return { element, show, hide: () => { element.hidden = true; } };
}

/// A page section with a heading (h2) and its body.
export function section(title, ...children) {
  const id = uid('section');
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), children);
}

/// A list/detail page: tabs as links so the browser's back button works.
export function tabs(items, current) {
  return h('nav', { class: 'tabs', 'aria-label': 'Sections' }, h('ul', {}, items.map(([href, text]) =>
    h('li', {}, h('a', { href, 'aria-current': href === current ? 'page' : null }, text)))));
}
