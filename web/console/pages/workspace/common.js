// What the workspace's views share: search snippets with their matches marked, a small Markdown
// renderer for drafts (built with h(), never as HTML), sizes and source labels.
import { h, badge } from '../../ui.js';

export const SOURCES = [['', 'Any source'], ['chatgpt', 'ChatGPT'], ['claude', 'Claude'], ['grok', 'Grok'], ['generic', 'Transcript'], ['slack', 'Slack']];
const SOURCE_NAMES = Object.fromEntries(SOURCES.filter(([value]) => value));

export function sourceBadge(source) {
  return badge(SOURCE_NAMES[source] || source || 'unknown', 'source');
}

export function bytes(size) {
  if (!(size >= 0)) return '';
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/// A search hit's snippet with each match in a <mark>. The API gives the plain `snippet` and the
/// matches as `highlights` [{start, end}] counted in Unicode code points (so the text is split with
/// Array.from, not by UTF-16 index); `snippet_html` carries the same marks as escaped HTML and is
/// only read (as text, token by token) when a hit has no offsets.
export function markedSnippet(hit) {
  const snippet = String(hit.snippet ?? '');
  const ranges = (hit.highlights || []).filter((range) => range.end > range.start).sort((a, b) => a.start - b.start);
  if (!ranges.length && String(hit.snippet_html || '').includes('<mark>')) return fromSnippetHtml(hit.snippet_html);
  const chars = Array.from(snippet);
  const parts = [];
  let at = 0;
  for (const { start, end } of ranges) {
    const from = Math.max(start, at);
    const to = Math.min(end, chars.length);
    if (from >= to) continue;
    if (from > at) parts.push(chars.slice(at, from).join(''));
    parts.push(h('mark', {}, chars.slice(from, to).join('')));
    at = to;
  }
  if (at < chars.length) parts.push(chars.slice(at).join(''));
  return parts;
}

const ENTITIES = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&amp;': '&' };

function fromSnippetHtml(html) {
  const decode = (text) => text.replace(/&(lt|gt|quot|amp|#39|#x27);/g, (entity) => ENTITIES[entity]);
  const parts = [];
  let marked = false;
  for (const token of String(html).split(/(<mark>|<\/mark>)/)) {
    if (token === '<mark>') marked = true;
    else if (token === '</mark>') marked = false;
    else if (token) parts.push(marked ? h('mark', {}, decode(token)) : decode(token));
  }
  return parts;
}

/// Markdown as the draft generator writes it (headings, bullet and numbered lists, paragraphs,
/// **bold**, _emphasis_, `code`), as elements. Headings start at h3: the draft sits under an h2.
export function markdown(text) {
  const blocks = [];
  let list = null;
  let paragraph = [];
  const flushParagraph = () => {
    if (paragraph.length) blocks.push(h('p', {}, inline(paragraph.join(' '))));
    paragraph = [];
  };
  const flushList = () => { if (list) blocks.push(list); list = null; };
  for (const raw of String(text || '').split('\n')) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (heading) {
      flushParagraph(); flushList();
      blocks.push(h(`h${Math.min(6, Math.max(3, heading[1].length + 1))}`, {}, inline(heading[2])));
    } else if (bullet || numbered) {
      flushParagraph();
      const tag = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) { flushList(); list = h(tag, {}); }
      list.append(h('li', {}, inline((bullet || numbered)[1])));
    } else if (!line.trim()) {
      flushParagraph(); flushList();
    } else {
      flushList();
      paragraph.push(line.trim());
    }
  }
  flushParagraph(); flushList();
  return h('div', { class: 'markdown' }, blocks);
}

function inline(text) {
  const parts = [];
  const pattern = /(\*\*[^*]+\*\*|`[^`]+`|(?<![\w])_[^_]+_(?![\w])|(?<![\w*])\*[^*\s][^*]*\*(?![\w*]))/g;
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > at) parts.push(text.slice(at, match.index));
    const token = match[0];
    if (token.startsWith('**')) parts.push(h('strong', {}, token.slice(2, -2)));
    else if (token.startsWith('`')) parts.push(h('code', {}, token.slice(1, -1)));
    else parts.push(h('em', {}, token.slice(1, -1)));
    at = match.index + token.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}
