// A live page for live.js's tests of key events and focus: entries, a key events list and a
// fake API whose deltas and fragments the test gives (jsdom, a fake clock and fetch).
import { JSDOM } from "jsdom";

import { FakeClock, STRINGS, envFor, fakeFetch, response } from "./helpers.mjs";
import { boot } from "../../wagtail_newsfeed/static/wagtail_newsfeed/live.js";

export const T = (minute) => `2026-12-01T10:${String(minute).padStart(2, "0")}:00Z`;
export const permalink = (id) => `/live/storm/?entry=${id}#entry-${id}`;

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
 * whose fragments endpoint gives `html` by id and the key events `keyEventsAnswer`; the feed
 * (and the fragments) give `feedAnswer` (`{status: "live"}` by default); `meta` is the
 * header's line of coverage times, `strings` the page's words. */
export function keyEventsFeed({
  entries,
  keyEvents = "",
  deltas = [],
  html = {},
  keyEventsAnswer,
  paginated = false,
  status = "live",
  meta = "",
  feedAnswer = { status: "live" },
  strings = STRINGS,
}) {
  const dom = new JSDOM(
    `<!doctype html><html><head><title>Storm live</title></head><body>
<article class="newsfeed-live" data-newsfeed-live data-feed-id="7" data-coverage-status="${status}"
  data-entry-order="newest_first" data-live-cursor="c0">
  <header class="newsfeed-live__header"><p class="newsfeed-badge newsfeed-badge--${status}" data-newsfeed-status>${status}</p>
  <p class="newsfeed-meta" data-newsfeed-meta>${meta}</p></header>
  ${keyEvents}
  <section class="newsfeed-entries" aria-label="Updates">
    <div class="newsfeed-entries__list" data-newsfeed-entries${paginated ? " data-paginated" : ""}>${entries.join("")}</div>
  </section>
</article>
<script id="newsfeed-live-strings" type="application/json">${JSON.stringify(strings)}</script>
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
      return response(200, { ...feedAnswer, entries, key_events: key_events || "" });
    }
    return response(200, feedAnswer);
  });
  const { feed } = boot(envFor(dom, clock, fetch));
  return { dom, clock, fetch, feed, document: dom.window.document };
}
