// live.js and the key events list: links to the entries the page shows are anchors, to others
// permalinks; an unchanged list is left alone (jsdom, a fake clock and fetch: no server).
import assert from "node:assert/strict";
import { test } from "node:test";
import { JSDOM } from "jsdom";

import { boot } from "../../wagtail_newsfeed/static/wagtail_newsfeed/live.js";
import { FakeClock, STRINGS, entryHTML, envFor, fakeFetch, listedIds, response } from "./helpers.mjs";

const T = (minute) => `2026-12-01T10:${String(minute).padStart(2, "0")}:00Z`;
const permalink = (id) => `/live/storm/?entry=${id}#entry-${id}`;

/** The key events list as includes/live_key_events.html renders it; `anchored` ids link to
 * their anchors (the page shows them), the others to their permalinks. */
export function keyEventsHTML(ids, anchored = []) {
  const items = ids
    .map(
      (id) =>
        `<li data-entry-id="${id}"><a href="${anchored.includes(id) ? `#entry-${id}` : permalink(id)}"` +
        ` data-newsfeed-permalink="${permalink(id)}"><time datetime="${T(id)}">10:0${id}</time>` +
        ` <span>Event ${id}</span></a></li>`,
    )
    .join("");
  return (
    '<nav class="newsfeed-key-events" aria-labelledby="key-events-heading">' +
    '<h2 id="key-events-heading">Key events</h2>' +
    `<ol data-newsfeed-key-events>${items}</ol></nav>`
  );
}

/** A live page with `entries` and `keyEvents` markup whose API answers `deltas` in turn and
 * whose fragments endpoint gives `html` by id and the key events `keyEventsAnswer`. */
export function keyEventsFeed({ entries, keyEvents = "", deltas = [], html = {}, keyEventsAnswer, paginated = false }) {
  const dom = new JSDOM(
    `<!doctype html><html><head><title>Storm live</title></head><body>
<article class="newsfeed-live" data-newsfeed-live data-feed-id="7" data-coverage-status="live"
  data-entry-order="newest_first" data-live-cursor="c0">
  <header class="newsfeed-live__header"><p class="newsfeed-badge newsfeed-badge--live" data-newsfeed-status>Live</p></header>
  ${keyEvents}
  <section class="newsfeed-entries" aria-label="Updates">
    <div class="newsfeed-entries__list" data-newsfeed-entries${paginated ? " data-paginated" : ""}>${entries.join("")}</div>
  </section>
</article>
<script id="newsfeed-live-strings" type="application/json">${JSON.stringify(STRINGS)}</script>
<script type="module" data-newsfeed-live-script data-delta-url="/api/feeds/7/entries/"
  data-feed-url="/api/feeds/7/" data-fragments-url="/feeds/7/fragments/" data-poll-interval="1.0"></script>
</body></html>`,
    { url: "https://news.example/live/storm/", pretendToBeVisual: true },
  );
  const clock = new FakeClock();
  const queue = [...deltas];
  const fetch = fakeFetch(clock, (url) => {
    if (url.startsWith("/api/feeds/7/entries/")) {
      const cursor = new URL(url, "https://x").searchParams.get("since");
      return response(200, queue.shift() || { results: [], cursor, has_more: false });
    }
    if (url.startsWith("/feeds/7/fragments/")) {
      const ids = new URL(url, "https://x").searchParams.get("ids").split(",").filter(Boolean);
      const entries = Object.fromEntries(ids.filter((id) => id in html).map((id) => [id, html[id]]));
      const key_events = typeof keyEventsAnswer === "function" ? keyEventsAnswer() : keyEventsAnswer;
      return response(200, { entries, key_events: key_events || "", status: "live" });
    }
    return response(200, { status: "live" });
  });
  const { feed } = boot(envFor(dom, clock, fetch));
  return { dom, clock, fetch, feed, document: dom.window.document };
}

const hrefs = (document) =>
  [...document.querySelectorAll("[data-newsfeed-key-events] a")].map((a) => a.getAttribute("href"));

test("key events link to the entries the page shows by anchor, to the others by permalink", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [entryHTML(2, T(2)), entryHTML(1, T(1))],
    deltas: [{ results: [{ id: 3 }], cursor: "c1" }],
    html: { 3: entryHTML(3, T(3)) },
    // The server does not know the reader's page: every link is a permalink.
    keyEventsAnswer: keyEventsHTML([3, 1, 0]),
  });

  await clock.advance(1000);

  assert.deepEqual(hrefs(document), ["#entry-3", "#entry-1", permalink(0)]);
});

test("a page after the first marked on its list adds no new entries", async () => {
  const { clock, dom } = keyEventsFeed({
    entries: [entryHTML(2, T(2)), entryHTML(1, T(1))],
    paginated: true,
    deltas: [{ results: [{ id: 3 }], cursor: "c1" }],
    html: { 3: entryHTML(3, T(3)) },
  });

  await clock.advance(1000);

  assert.deepEqual(listedIds(dom), [2, 1]);
});
