// The reference headless frontend's live follower (example_site/headless/live.js): the feed is
// read again every few polls even when no entry changed, so the coverage ending, a new title or
// a new summary reach the page and ending stops it; an entry whose display time is edited moves
// to where that time puts it (jsdom and a scripted fetch: no server, polls run by hand).
import assert from "node:assert/strict";
import { test } from "node:test";

import { JSDOM } from "jsdom";

import { response } from "./helpers.mjs";

const dom = new JSDOM('<!doctype html><meta name="newsfeed-api" content="/api/newsfeed/v1/">', {
  url: "https://news.example/headless/feeds/7/",
  pretendToBeVisual: true, // a visible tab: the follower polls
});
globalThis.document = dom.window.document;
globalThis.Node = dom.window.Node;
const calls = [];
let answer = () => response(404);
globalThis.fetch = async (url, init = {}) => {
  calls.push({ url: String(url), cache: init.cache });
  return answer(new URL(url));
};
const { LiveFollower } = await import("../../example_site/headless/live.js");
const { h } = await import("../../example_site/headless/dom.js");
const { renderEntry } = await import("../../example_site/headless/entries.js");

const FEED = {
  id: 7,
  title: "Count",
  summary: "",
  status: "live",
  entry_order: "newest_first",
  key_events: [],
  pinned: null,
};
const entry = (id, displayTime, headline = `Entry ${id}`) => ({
  id,
  headline,
  display_time: displayTime,
  version: 1,
  body: [],
  authors: [],
  is_pinned: false,
  is_key_event: false,
});

function follower(entries, feed = FEED, options = {}) {
  const list = h("div", { "data-entries": true }, entries.map((e) => renderEntry(e)));
  const pinnedSlot = h("section", { "data-pinned": true });
  const root = h("div", { "data-live": true }, pinnedSlot, list);
  document.body.replaceChildren(root);
  const shown = [];
  const onFeed = (fresh) => shown.push(fresh);
  const live = new LiveFollower({ feed, cursor: "c0", list, pinnedSlot, onFeed, ...options });
  return { live, list, root, shown };
}

const order = (list) => [...list.querySelectorAll(":scope > [data-entry]")].map((n) => Number(n.dataset.entry));

/** The API: each delta answers `changes` (then nothing), the feed answers `feed()`. */
function serve({ feed, changes = [] }) {
  calls.length = 0;
  answer = (url) => {
    if (url.searchParams.has("since")) {
      return response(200, { results: changes.splice(0), cursor: `c${calls.length}`, has_more: false });
    }
    return response(200, feed());
  };
}

test("the feed is read again every feedEvery polls with no entry changing, revalidated", async () => {
  const { live, shown } = follower([entry(1, "2026-12-01T10:00:00Z")], FEED, { feedEvery: 3 });
  let feed = FEED;
  serve({ feed: () => feed });
  for (let i = 0; i < 3; i += 1) await live.sync();
  const feedReads = calls.filter((c) => !c.url.includes("since="));
  assert.equal(feedReads.length, 1, "once in three polls");
  assert.equal(feedReads[0].url, "https://news.example/api/newsfeed/v1/feeds/7/"); // no cache busting
  assert.equal(feedReads[0].cache, "no-cache"); // revalidated with its ETag, never a stale copy
  assert.deepEqual(shown, [], "an unchanged feed leaves the header alone");

  feed = { ...FEED, status: "ended", title: "Count: final", summary: "<p>Done.</p>" };
  for (let i = 0; i < 3; i += 1) await live.sync();
  assert.deepEqual(
    shown.map((f) => [f.status, f.title, f.summary]),
    [["ended", "Count: final", "<p>Done.</p>"]],
  );
  assert.equal(live.feed.status, "ended");
});

test("a poll that sees the feed ended stops following it", async () => {
  const { live, root } = follower([entry(1, "2026-12-01T10:00:00Z")], FEED, { feedEvery: 1 });
  serve({ feed: () => ({ ...FEED, status: "ended" }) });
  try {
    await live.poll();
    assert.equal(live.timer, null, "no poll scheduled");
    assert.ok(live.stopped);
    assert.ok(root.hasAttribute("data-live-stopped"));
  } finally {
    live.stop(); // whatever happened, no timer keeps the test running
  }
});

test("a change of entry order starts over from the feed's other end", async () => {
  const { live } = follower([entry(1, "2026-12-01T10:00:00Z")], FEED, { feedEvery: 1 });
  serve({ feed: () => ({ ...FEED, entry_order: "oldest_first" }) });
  await live.sync();
  assert.ok(live.startOver);
});

test("an entry whose display time is edited moves to its place; other edits stay in place", async () => {
  const entries = [
    entry(3, "2026-12-01T12:00:00Z"),
    entry(2, "2026-12-01T11:00:00Z"),
    entry(1, "2026-12-01T10:00:00Z"),
  ];
  const { live, list } = follower(entries);
  live.apply([{ ...entries[0], headline: "Edited", version: 2 }]);
  assert.deepEqual(order(list), [3, 2, 1]);
  assert.equal(list.querySelector("#entry-3 h2").textContent, "Edited");
  live.apply([{ ...entries[0], display_time: "2020-01-01T00:00:00Z", version: 3 }]);
  assert.deepEqual(order(list), [2, 1, 3]);
  // The same instant written another way is no move.
  live.apply([{ ...entries[1], display_time: "2026-12-01T12:00:00+01:00", version: 2 }]);
  assert.deepEqual(order(list), [2, 1, 3]);
});

// Retry-After ---------------------------------------------------------------------------------

const { APIError, parseRetryAfter, MAX_RETRY_AFTER } = await import("../../example_site/headless/api.js");

/** One failing poll of a follower whose delta answers `status` with `headers`: the delay it waits. */
async function delayAfter(status, headers, options = {}) {
  const { live } = follower([entry(1, "2026-12-01T10:00:00Z")], FEED, { interval: 5, ...options });
  answer = () => response(status, { detail: "Slow down" }, headers);
  const delays = [];
  live.schedule = (delay) => delays.push(delay);
  await live.poll();
  live.stop();
  return delays;
}

test("an API error carries the Retry-After it was sent, in ms (seconds or an HTTP date)", async () => {
  assert.equal(parseRetryAfter("120", 0), 120000);
  assert.equal(parseRetryAfter(" 7 ", 0), 7000);
  const now = Date.parse("2026-12-04T05:00:00Z");
  assert.equal(parseRetryAfter("Fri, 04 Dec 2026 05:01:30 GMT", now), 90000);
  assert.equal(parseRetryAfter("Fri, 04 Dec 2026 04:00:00 GMT", now), 0, "a date passed: no wait");
  for (const bad of [null, "", "-5", "soon", "1.5"]) assert.equal(parseRetryAfter(bad, now), null, bad);

  const { getJSON } = await import("../../example_site/headless/api.js");
  answer = () => response(429, { detail: "Slow down" }, { "Retry-After": "30" });
  const error = await getJSON("feeds/7/").catch((e) => e);
  assert.ok(error instanceof APIError);
  assert.equal(error.status, 429);
  assert.equal(error.retryAfter, 30000);
  answer = () => response(500, {});
  assert.equal((await getJSON("feeds/7/").catch((e) => e)).retryAfter, null);
});

test("a 429 or 503 with Retry-After waits at least that long before the next poll", async () => {
  for (const status of [429, 503]) {
    const [delay] = await delayAfter(status, { "Retry-After": "120" });
    assert.ok(delay >= 120000, `${status}: waited ${delay} ms, asked 120 s`);
    assert.ok(delay <= 125000, `${status}: at most one interval of jitter (${delay} ms)`);
  }
  const at = new Date(Date.now() + 300000).toUTCString(); // an HTTP date five minutes on
  const [delay] = await delayAfter(503, { "Retry-After": at });
  assert.ok(delay >= 298000 && delay <= 306000, `HTTP date: waited ${delay} ms`);
});

test("a Retry-After over MAX_RETRY_AFTER is capped; a short one never shortens the back-off", async () => {
  assert.equal(MAX_RETRY_AFTER, 10 * 60 * 1000); // as the site's own live.js
  const [capped] = await delayAfter(503, { "Retry-After": "86400" });
  assert.ok(capped >= MAX_RETRY_AFTER && capped <= MAX_RETRY_AFTER + 5000, `waited ${capped} ms`);
  const [plain] = await delayAfter(503, {});
  assert.ok(plain >= 5000 && plain <= 10000, `no header: the back-off (${plain} ms)`);
});

test("a tab shown again during a Retry-After wait does not poll before it ends", async () => {
  const { live } = follower([entry(1, "2026-12-01T10:00:00Z")], FEED, { interval: 5 });
  answer = () => response(429, {}, { "Retry-After": "60" });
  const delays = [];
  live.schedule = (delay) => delays.push(delay);
  live.start();
  await live.poll();
  delays.length = 0;
  document.dispatchEvent(new dom.window.Event("visibilitychange"));
  live.stop();
  assert.equal(delays.length, 1);
  assert.ok(delays[0] > 55000, `shown again: waits out the rest (${delays[0]} ms)`);
});

// Only what the loaded page holds --------------------------------------------------------------

const minutes = (n) => new Date(Date.parse("2026-12-01T10:00:00Z") + n * 60000).toISOString();

test("newest first, more than a page: an entry sorting past the last one loaded is not shown", async () => {
  // Entries 60..11 loaded (ids = minutes), 10..1 on later pages.
  const loaded = Array.from({ length: 50 }, (_, i) => entry(60 - i, minutes(60 - i)));
  const { live, list } = follower(loaded, FEED, { complete: false });
  // The oldest entry (not loaded) is edited: it stays off this page.
  live.apply([{ ...entry(1, minutes(1)), headline: "Edited", version: 2 }]);
  assert.equal(list.querySelector("#entry-1"), null);
  // A loaded entry moved past the end leaves (it belongs to a later page)...
  live.apply([{ ...entry(30, minutes(0)), version: 2 }]);
  assert.equal(list.querySelector("#entry-30"), null);
  // ...one moved within the loaded span still moves, and a new one arrives at the top.
  live.apply([{ ...entry(40, minutes(20.5)), version: 2 }, entry(61, minutes(61))]);
  const shown = order(list);
  assert.equal(shown[0], 61);
  assert.equal(shown.at(-1), 11);
  assert.ok(shown.indexOf(40) === shown.indexOf(21) + 1, "between 21 and 20");
  assert.equal(shown.length, 50);
});

test("oldest first, more than a page: a new entry is not appended past the loaded ones", async () => {
  const oldestFirst = { ...FEED, entry_order: "oldest_first" };
  const loaded = Array.from({ length: 50 }, (_, i) => entry(i + 1, minutes(i + 1)));
  const { live, list } = follower(loaded, oldestFirst, { complete: false });
  live.apply([entry(100, minutes(100))]);
  assert.equal(list.querySelector("#entry-100"), null);
  assert.equal(order(list).length, 50);
});

test("a complete list shows an entry wherever it sorts, at the end too", async () => {
  const oldestFirst = { ...FEED, entry_order: "oldest_first" };
  const two = [entry(1, minutes(1)), entry(2, minutes(2))];
  const { live, list } = follower(two, oldestFirst, { complete: true });
  live.apply([entry(3, minutes(3))]);
  assert.deepEqual(order(list), [1, 2, 3]);
  const newest = follower([entry(2, minutes(2)), entry(1, minutes(1))], FEED, { complete: true });
  newest.live.apply([{ ...entry(2, minutes(0)), version: 2 }]);
  assert.deepEqual(order(newest.list), [1, 2]);
});

test("starting over learns whether the first page is the whole feed", async () => {
  const { live, list } = follower([entry(1, minutes(1))], FEED, { complete: true });
  const page = Array.from({ length: 3 }, (_, i) => entry(10 - i, minutes(10 - i)));
  answer = (url) =>
    url.pathname.endsWith("/entries/")
      ? response(200, { results: page, cursor: "c9", next: `${url.href}?before=8`, previous: null })
      : response(200, FEED);
  live.startOver = true;
  await live.reload();
  assert.equal(live.complete, false);
  live.apply([entry(2, minutes(2))]);
  assert.deepEqual(order(list), [10, 9, 8]);
});

// The outline of the server page ----------------------------------------------------------------

const { renderBody } = await import("../../example_site/headless/blocks.js");

test("an entry's headline is an h2 and its body headings sit below it, as on the server page", () => {
  const body = [
    { type: "heading", value: { text: "Section", level: "h2" } },
    { type: "heading", value: { text: "Sub", level: "h3" } },
    { type: "key_points", value: { title: "Points", points: ["a"] } },
    { type: "fact_box", value: { title: "Facts", body: "<p>x</p>" } },
    { type: "timeline", value: { title: "When", events: [] } },
  ];
  const element = renderEntry({ ...entry(5, minutes(5), "Headline"), body });
  const headings = [...element.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((n) => [
    n.tagName,
    n.textContent,
  ]);
  assert.deepEqual(headings, [
    ["H2", "Headline"],
    ["H3", "Section"],
    ["H4", "Sub"],
    ["H3", "Points"],
    ["H3", "Facts"],
    ["H3", "When"],
  ]);
  // An article's body (under its h1): the stored levels, box titles as section headings.
  const article = [...renderBody(body).querySelectorAll("h2, h3, h4")].map((n) => n.tagName);
  assert.deepEqual(article, ["H2", "H3", "H2", "H2", "H2"]);
});
