// The public newsfeed API, and nothing else: every request this frontend makes goes through here.

const meta = (name, fallback) =>
  document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") || fallback;

export const API_ROOT = new URL(meta("newsfeed-api", "/api/newsfeed/v1/"), document.baseURI);
export const BASE = meta("newsfeed-base", "/headless/");

/** An API error: `status` and the RFC 9457 problem body (`detail`, `errors`) when there is one. */
export class APIError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** GET `path` (relative to the API root) with `params`; the parsed JSON, or an APIError. */
export async function getJSON(path, params = {}, { cache = "default" } = {}) {
  const url = new URL(path, API_ROOT);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const response = await fetch(url, { headers: { Accept: "application/json" }, cache });
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      // not a problem document (a proxy's error page): keep the status only
    }
    throw new APIError(response.status, problem);
  }
  return response.json();
}

export const api = {
  articles: (params) => getJSON("articles/", params),
  article: (id) => getJSON(`articles/${encodeURIComponent(id)}/`),
  topics: () => getJSON("topics/", { limit: 100 }),
  feeds: (params) => getJSON("feeds/", params),
  feed: (id) => getJSON(`feeds/${encodeURIComponent(id)}/`),
  entries: (id, params) => getJSON(`feeds/${encodeURIComponent(id)}/entries/`, params),
  delta: (id, since) =>
    getJSON(`feeds/${encodeURIComponent(id)}/entries/`, { since }, { cache: "no-store" }),
  // Drafts: never kept by the browser (the API says no-store too).
  preview: (token, contentType) =>
    getJSON("preview/", { token, content_type: contentType }, { cache: "no-store" }),
};
