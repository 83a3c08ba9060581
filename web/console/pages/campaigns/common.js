// What the campaign views share: status words, how an extracted value reads, and the API's
// phone rule mirrored (Shared/Interviews/PhoneNumber.swift) so bad numbers show before submitting.
import { h, badge } from '../../ui.js';

/// Conversation statuses in the order a conversation moves through them, with the words shown.
export const CONVERSATION_STATUSES = [
  ['pending', 'Waiting to send'],
  ['outreach_sent', 'Opening sent'],
  ['active', 'Replying'],
  ['completed', 'Completed'],
  ['abandoned', 'Abandoned'],
  ['failed', 'Failed'],
];
const WORDS = Object.fromEntries(CONVERSATION_STATUSES);

export function conversationBadge(status) {
  return badge(WORDS[status] || status, status === 'outreach_sent' ? 'sent' : status === 'abandoned' ? 'paused' : status);
}

export function campaignBadge(status) {
  return badge(status, status);
}

/// An extracted value as text: yes/no for booleans, a dash for nothing.
export function showValue(value) {
  if (value === undefined || value === null) return '—';
  if (value === true) return 'yes';
  if (value === false) return 'no';
  return String(value);
}

export function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)}%`;
}

/// One number checked as the API checks it: {number} (normalised) or {problem}.
export function checkPhone(text) {
  let rest = text.trim();
  if (rest.toLowerCase().startsWith('whatsapp:')) rest = rest.slice('whatsapp:'.length);
  let digits = '';
  let plus = false;
  for (const character of rest) {
    if (character >= '0' && character <= '9') digits += character;
    else if (character === '+' && !digits && !plus) plus = true;
    else if (' -.()\u00a0'.includes(character)) continue;
    else return { problem: `has a character that is not part of a phone number: "${character}"` };
  }
  if (!plus && digits.startsWith('00')) { digits = digits.slice(2); plus = true; }
  if (!plus) return { problem: 'needs the country code in E.164 form, such as +4915112345678' };
  if (digits.length < 8 || digits.length > 15) return { problem: `must have 8 to 15 digits after +, has ${digits.length}` };
  if (digits.startsWith('0')) return { problem: 'a country code never starts with 0' };
  return { number: '+' + digits };
}

/// The pasted list, split as the API splits it (commas, semicolons, lines), blank entries left out.
export function splitPhones(text) {
  return text.split(/[,;\n]/).map((entry) => entry.trim()).filter(Boolean);
}

/// {entries, valid: [numbers], duplicates, bad: [{index, value, problem}]} for the pasted list.
export function checkPhones(text) {
  const entries = splitPhones(text);
  const seen = new Set();
  const bad = [];
  let duplicates = 0;
  entries.forEach((value, index) => {
    const { number, problem } = checkPhone(value);
    if (problem) bad.push({ index, value, problem });
    else if (seen.has(number)) duplicates += 1;
    else seen.add(number);
  });
  return { entries, valid: [...seen], duplicates, bad };
}

/// The bad numbers as a list: "12345 (entry 4): needs the country code…".
export function badPhoneList(bad, className = 'bad-phones') {
  return h('ul', { class: className }, bad.map((item) => h('li', {},
    h('strong', {}, item.value || '(empty)'), ` (entry ${item.index + 1}): ${item.problem}`)));
}

/// The create answer of a campaign made a moment ago, shown once on its page (rejected numbers).
export const justCreated = new Map();
