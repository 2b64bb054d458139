// Test doubles for live.js: a fake clock (setTimeout/clearTimeout on a virtual time line), a fake
// fetch that answers from a script and records every URL, and jsdom pages shaped like ours.
import { JSDOM } from "jsdom";

/** Let pending promise callbacks run (fetch answers, awaits inside a poll). */
export async function flush(rounds = 20) {
  for (let i = 0; i < rounds; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export class FakeClock {
  constructor() {
    this.now = 0;
    this.timers = new Map();
    this.nextId = 1;
    this.setTimeout = (fn, delay = 0) => {
      const id = this.nextId++;
      this.timers.set(id, { at: this.now + Math.max(0, delay), fn, delay });
      return id;
    };
    this.clearTimeout = (id) => {
      this.timers.delete(id);
    };
  }

  get pending() {
    return this.timers.size;
  }

  /** Move time forward by `ms`, running each timer that falls due, in order. */
  async advance(ms) {
    const target = this.now + ms;
    await flush();
    for (;;) {
      let nextId = null;
      let next = null;
      for (const [id, timer] of this.timers) {
        if (timer.at <= target && (next === null || timer.at < next.at)) {
          nextId = id;
          next = timer;
        }
      }
      if (next === null) {
        break;
      }
      this.timers.delete(nextId);
      this.now = next.at;
      next.fn();
      await flush();
    }
    this.now = target;
    await flush();
  }
}

export function response(status, body = {}, headers = {}) {
  const named = new Map(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: (name) => named.get(name.toLowerCase()) ?? null },
    json: async () => body,
    text: async () => (typeof body === "string" ? body : JSON.stringify(body)),
  };
}

/**
 * A fetch whose answers come from `answer(url, call)`: a response, a status number, or
 * "hang" (a request that never completes unless aborted). Records [time, url, init] per call.
 */
export function fakeFetch(clock, answer) {
  const calls = [];
  const fetch = (url, init = {}) => {
    calls.push({ at: clock.now, url, init });
    const reply = answer(url, calls.length);
    if (reply === "hang") {
      return new Promise((resolve, reject) => {
        if (init.signal) {
          init.signal.addEventListener("abort", () => reject(new Error("aborted")));
        }
      });
    }
    return Promise.resolve(typeof reply === "number" ? response(reply) : reply);
  };
  fetch.calls = calls;
  fetch.urls = () => calls.map((call) => call.url);
  fetch.times = () => calls.map((call) => call.at);
  return fetch;
}

export function entryHTML(id, time, { pinned = false, text = `Entry ${id}` } = {}) {
  return (
    `<article id="entry-${id}" class="newsfeed-entry" data-entry-id="${id}" data-version="1"` +
    `${pinned ? " data-pinned" : ""}><time datetime="${time}">${time}</time><p>${text}</p>` +
    "</article>"
  );
}

export const STRINGS = {
  status: { upcoming: "Demnächst", live: "Live", ended: "Beendet" },
  pinned: "Angeheftet",
  // As the template tag renders them for German: the distinct forms and a digit per count < 200.
  newUpdates: {
    forms: ["{count} neue Updates", "{count} neues Update"],
    table: `01${"0".repeat(198)}`,
  },
};

/** A live feed page as live_feed_page.html renders it, with the script tag and its strings. */
export function livePage({
  entries = [],
  order = "newest_first",
  cursor = "c0",
  strings = STRINGS,
  lang = "",
} = {}) {
  const html = `<!doctype html><html${lang ? ` lang="${lang}"` : ""}><head><title>Storm live</title></head><body>
<article class="newsfeed-live" data-newsfeed-live data-feed-id="7" data-coverage-status="live"
  data-entry-order="${order}" data-live-cursor="${cursor}">
  <header class="newsfeed-live__header"><p class="newsfeed-badge newsfeed-badge--live" data-newsfeed-status>Live</p></header>
  <section class="newsfeed-entries" aria-label="Updates">
    <div class="newsfeed-entries__list" data-newsfeed-entries>${entries.join("")}</div>
  </section>
</article>
${strings === null ? "" : `<script id="newsfeed-live-strings" type="application/json">${JSON.stringify(strings)}</script>`}
<script type="module" src="/static/wagtail_newsfeed/live.js" data-newsfeed-live-script
  data-delta-url="/api/feeds/7/entries/" data-feed-url="/api/feeds/7/"
  data-fragments-url="/feeds/7/fragments/" data-poll-interval="1.0"
  data-poll-max-interval="8.0"></script>
</body></html>`;
  return new JSDOM(html, { url: "https://news.example/live/storm/", pretendToBeVisual: true });
}

/** An env for live.js: the page's window and document, the fake clock and fetch. */
export function envFor(dom, clock, fetch, random = () => 0) {
  return {
    window: dom.window,
    document: dom.window.document,
    fetch,
    now: () => clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random,
  };
}

/** The ids of the entries in the list, in page order. */
export function listedIds(dom) {
  return [...dom.window.document.querySelectorAll("[data-newsfeed-entries] > [data-entry-id]")].map(
    (element) => Number(element.getAttribute("data-entry-id")),
  );
}

export function pinnedIds(dom) {
  return [...dom.window.document.querySelectorAll("[data-newsfeed-pinned] [data-entry-id]")].map(
    (element) => Number(element.getAttribute("data-entry-id")),
  );
}
