// The public newsfeed API, and nothing else: every request this frontend makes goes through here.

const meta = (name, fallback) =>
  document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") || fallback;

export const API_ROOT = new URL(meta("newsfeed-api", "/api/newsfeed/v1/"), document.baseURI);
export const BASE = meta("newsfeed-base", "/headless/");
/** How long a request may take, body included, before it is given up (ms): a server or proxy
 * that never answers must not leave a page loading, or a live page polling, for good. */
export const TIMEOUT = 15000;

/** The longest `Retry-After` honoured (ms), so a mistaken header cannot stop polling for hours
 * (the same cap as the site's own live.js). */
export const MAX_RETRY_AFTER = 10 * 60 * 1000;

/**
 * A `Retry-After` header's wait in ms: delta-seconds or an HTTP date (RFC 9110), null when
 * absent or unreadable. `now` is the current time in ms, for a date.
 */
export function parseRetryAfter(value, now = Date.now()) {
  const text = (value || "").trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  // An HTTP date starts with the day's name ("Wed, 21 Oct 2015 07:28:00 GMT"): "-5" is no date.
  const at = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * An API error: `status`, the RFC 9457 problem body (`detail`, `errors`) when there is one, and
 * `retryAfter`, the wait in ms the server asked for (`Retry-After` of a 429 or 503) or null.
 */
export class APIError extends Error {
  constructor(status, problem, retryAfter = null) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** A request that took longer than its timeout: a failure like a network error (no `status`). */
export class TimeoutError extends Error {
  constructor(url) {
    super(`Timed out: ${url}`);
    this.name = "TimeoutError";
  }
}

/**
 * GET `path` (relative to the API root) with `params`; the parsed JSON, or an APIError.
 * `signal` cancels it (the reader left the page that asked); after `timeout` ms it is aborted and
 * rejects with a TimeoutError, even if the body is still arriving.
 */
export async function getJSON(path, params = {}, { cache = "default", signal, timeout = TIMEOUT } = {}) {
  const url = new URL(path, API_ROOT);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const controller = new AbortController();
  const cancel = () => controller.abort(signal.reason);
  if (signal?.aborted) cancel();
  signal?.addEventListener("abort", cancel);
  let timer = null;
  const expired = new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TimeoutError(url));
    }, timeout);
  });
  try {
    return await Promise.race([read(url, cache, controller.signal), expired]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", cancel);
  }
}

async function read(url, cache, signal) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, cache, signal });
  if (!response.ok) {
    const retryAfter = parseRetryAfter(response.headers?.get("Retry-After"));
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      // not a problem document (a proxy's error page): keep the status only
    }
    throw new APIError(response.status, problem, retryAfter);
  }
  return response.json();
}

/** Each call takes an optional last argument, `{signal, timeout}` (see getJSON). */
export const api = {
  articles: (params, options) => getJSON("articles/", params, options),
  article: (id, options) => getJSON(`articles/${encodeURIComponent(id)}/`, {}, options),
  topics: (options) => getJSON("topics/", { limit: 100 }, options),
  feeds: (params, options) => getJSON("feeds/", params, options),
  feed: (id, options) => getJSON(`feeds/${encodeURIComponent(id)}/`, {}, options),
  entries: (id, params, options) => getJSON(`feeds/${encodeURIComponent(id)}/entries/`, params, options),
  delta: (id, since, options) =>
    getJSON(`feeds/${encodeURIComponent(id)}/entries/`, { since }, { ...options, cache: "no-store" }),
  // Drafts: never kept by the browser (the API says no-store too).
  preview: (token, contentType, options) =>
    getJSON("preview/", { token, content_type: contentType }, { ...options, cache: "no-store" }),
};
