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
  assert.equal(list.querySelector("#entry-3 h3").textContent, "Edited");
  live.apply([{ ...entries[0], display_time: "2020-01-01T00:00:00Z", version: 3 }]);
  assert.deepEqual(order(list), [2, 1, 3]);
  // The same instant written another way is no move.
  live.apply([{ ...entries[1], display_time: "2026-12-01T12:00:00+01:00", version: 2 }]);
  assert.deepEqual(order(list), [2, 1, 3]);
});
