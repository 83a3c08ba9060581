// The console's only way to the API: same origin, JSON in and out, errors as ApiError with the
// contract's code, message and details. An API key (kept in this tab's session storage only) goes
// in X-API-Key; without one the browser's session cookie (OpenID Connect sign-in) is used.

const KEY_NAME = 'bundle.apiKey';
/// SSE lines and events larger than this end the stream as an error (a hostile or broken server).
const MAX_EVENT_BYTES = 1 << 20;

export class ApiError extends Error {
  constructor(status, body) {
    const error = body && typeof body === 'object' && body.error ? body.error : null;
    super(error?.message || (typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : `the request failed (HTTP ${status})`));
    this.status = status;
    this.code = error?.code || (status === 0 ? 'network' : 'http_' + status);
    this.details = Array.isArray(error?.details) ? error.details : [];
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_NAME);
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_NAME, key);
  else sessionStorage.removeItem(KEY_NAME);
}

function headers(extra = {}) {
  const all = { Accept: 'application/json', ...extra };
  const key = apiKey();
  if (key) all['X-API-Key'] = key;
  return all;
}

export function url(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(method, path, { body, form, query, signal, accept } = {}) {
  const extra = accept ? { Accept: accept } : {};
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    extra['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  try {
    return await fetch(url(path, query), { method, headers: headers(extra), body: payload, signal, credentials: 'same-origin' });
  } catch (failure) {
    if (failure.name === 'AbortError') throw failure;
    throw networkError();
  }
}

const networkError = () => new ApiError(0, { error: { code: 'network', message: 'the API could not be reached: check the connection and try again' } });

async function parse(response) {
  const type = response.headers.get('content-type') || '';
  if (type.includes('json')) return response.json().catch(() => null);
  return response.text();
}

/// One request; resolves with the parsed JSON (or text) answer, rejects with ApiError.
export async function api(method, path, options = {}) {
  const response = await send(method, path, options);
  const data = await parse(response);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path, query, options = {}) => api('GET', path, { ...options, query });
export const post = (path, body, options = {}) => api('POST', path, { ...options, body });
export const put = (path, body, options = {}) => api('PUT', path, { ...options, body });
export const patch = (path, body, options = {}) => api('PATCH', path, { ...options, body });
export const del = (path, options = {}) => api('DELETE', path, options);

/// A file the API answers (a CSV export): fetched with the same credentials, then saved by the browser.
export async function download(path, query, filename) {
  const response = await send('GET', path, { query, accept: '*/*' });
  if (!response.ok) throw new ApiError(response.status, await parse(response));
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  save(href, filename);
  setTimeout(() => URL.revokeObjectURL(href), 10000);
  return blob;
}

/// Has the browser save what `href` points to (a blob, or a signed link the API gave) as `filename`.
export function save(href, filename) {
  // Only http(s) addresses (and the blobs download() makes); one on another origin (file storage
  // elsewhere) opens in a new tab, since a browser ignores `download` there and would otherwise
  // leave the console.
  const target = new URL(href, location.href);
  if (!['http:', 'https:', 'blob:'].includes(target.protocol)) {
    throw new ApiError(502, { error: { code: 'upstream_failed', message: `the download address is not a web address (${target.protocol})` } });
  }
  const link = document.createElement('a');
  link.href = target.href;
  link.download = filename || '';
  link.rel = 'noopener noreferrer';
  if (target.origin !== location.origin) link.target = '_blank';
  document.body.append(link);
  link.click();
  link.remove();
}

/// A multipart POST over XHR, so the bytes sent can be shown (`onProgress(percent)`); resolves with
/// the parsed answer, rejects with ApiError (or AbortError when `signal` aborts).
export function upload(path, form, { signal, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new DOMException('aborted', 'AbortError')); return; }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [name, value] of Object.entries(headers())) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => { if (event.lengthComputable) onProgress?.(Math.round((event.loaded * 100) / event.total)); });
    xhr.addEventListener('load', () => {
      let body = xhr.responseText;
      if ((xhr.getResponseHeader('content-type') || '').includes('json')) { try { body = JSON.parse(body); } catch { /* kept as text */ } }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body); else reject(new ApiError(xhr.status, body));
    });
    xhr.addEventListener('error', () => reject(networkError()));
    xhr.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/// Server-Sent Events over fetch (EventSource cannot POST or send a key). Calls onEvent(name, data)
/// per event (data parsed as JSON when it is JSON); resolves when the stream ends. An answer that
/// is not a stream (a JSON error, or JSON because the server chose not to stream) is handled too:
/// an error rejects with ApiError, a document is passed as one 'result' event.
export async function stream(method, path, { body, form, query, signal } = {}, onEvent) {
  const response = await send(method, path, { body, form, query, signal, accept: 'text/event-stream' });
  const type = response.headers.get('content-type') || '';
  if (!response.ok) throw new ApiError(response.status, await parse(response));
  if (!type.includes('text/event-stream') || !response.body) {
    onEvent('result', await parse(response));
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let name = 'message';
  let data = [];
  let size = 0;
  const dispatch = () => {
    if (data.length) {
      const text = data.join('\n');
      let value = text;
      try { value = JSON.parse(text); } catch { /* plain text event */ }
      onEvent(name, value);
    }
    name = 'message';
    data = [];
    size = 0;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let start = 0;
    for (;;) {
      const end = buffer.indexOf('\n', start);
      if (end < 0) break;
      let line = buffer.slice(start, end);
      start = end + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') { dispatch(); continue; }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') name = text;
      else if (field === 'data') {
        size += text.length;
        if (size > MAX_EVENT_BYTES) throw new ApiError(502, { error: { code: 'upstream_failed', message: 'the stream sent an event over 1 MiB' } });
        data.push(text);
      }
    }
    buffer = buffer.slice(start);
    if (buffer.length > MAX_EVENT_BYTES) throw new ApiError(502, { error: { code: 'upstream_failed', message: 'the stream sent a line over 1 MiB' } });
  }
  dispatch();
}

/// A stream's `error` event as an error showError can show and place ({message, details}).
export function eventError(data, fallback) {
  return { message: data?.error?.message || data?.message || fallback, details: data?.error?.details || [] };
}

/// A job's final states (GET /jobs/{id}); queued and running go on.
export const JOB_FINISHED = new Set(['succeeded', 'failed', 'dead']);

/// Polls a queued job (GET /jobs/{id}) until it finishes, calling onUpdate(job) each time it
/// changes; resolves with the finished job, whatever its status (a failed or dead job's `error`
/// says why: show it). Stops (rejecting with AbortError) when signal aborts.
export async function waitForJob(id, onUpdate, { signal, interval = 1000 } = {}) {
  let last = '';
  for (;;) {
    const job = await get(`/jobs/${id}`, undefined, { signal });
    const seen = JSON.stringify([job.status, job.attempts, job.progress, job.progress_message, job.error]);
    if (seen !== last) { last = seen; onUpdate?.(job); }
    if (JOB_FINISHED.has(job.status)) return job;
    await sleep(interval, signal);
  }
}

/// Polling: waits `interval` ms (a number, or a function answering one), runs `step()`, and goes on
/// while it answers true. Resolves when it answers false or when `signal` aborts (leaving the page is
/// not an error); an error a step throws rejects.
export async function repeat(step, { interval, signal }) {
  try {
    do {
      await sleep(typeof interval === 'function' ? interval() : interval, signal);
    } while (await step());
  } catch (error) {
    if (error?.name !== 'AbortError') throw error;
  }
}

export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('aborted', 'AbortError')); }, { once: true });
  });
}
