// live.js on the reader's live page, with jsdom, a fake clock and a fake fetch (no server).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { JSDOM } from "jsdom";

import {
  HttpError,
  MAX_FRAGMENT_IDS,
  MAX_RETRY_AFTER,
  Poller,
  boot,
  countText,
  pageLocale,
  parseRetryAfter,
  readStrings,
  request,
} from "../../wagtail_newsfeed/static/wagtail_newsfeed/live.js";
import {
  FakeClock,
  STRINGS,
  entryHTML,
  envFor,
  fakeFetch,
  flush,
  listedIds,
  livePage,
  pinnedIds,
  response,
} from "./helpers.mjs";

const T = (hour, minute = 0) =>
  `2026-12-01T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00Z`;

/**
 * A page whose API answers the deltas in `deltas` one after the other (then empty deltas) and
 * whose fragments endpoint renders `html` by id.
 */
function feedWith({ entries, order, deltas = [], html = {}, statusCodes = {} }) {
  const dom = livePage({ entries, order });
  const clock = new FakeClock();
  const queue = [...deltas];
  const fetch = fakeFetch(clock, (url) => {
    if (url.startsWith("/api/feeds/7/entries/")) {
      const next = queue.shift();
      if (typeof next === "number" || next === "hang" || (next && "ok" in next)) {
        return next; // A status, a hang or a whole response (with headers).
      }
      const cursor = new URL(url, "https://x").searchParams.get("since");
      return response(200, next || { results: [], cursor, has_more: false });
    }
    if (url.startsWith("/feeds/7/fragments/")) {
      const ids = new URL(url, "https://x").searchParams.get("ids").split(",").filter(Boolean);
      const entries = Object.fromEntries(
        ids.filter((id) => id in html).map((id) => [id, html[id]]),
      );
      return response(200, { entries, key_events: "", status: "live" });
    }
    if (url === "/api/feeds/7/") {
      return statusCodes.feed || response(200, { status: "live" });
    }
    return 404;
  });
  const env = envFor(dom, clock, fetch);
  const { feed } = boot(env);
  return { dom, clock, fetch, feed };
}

const deltaUrls = (fetch) => fetch.urls().filter((url) => url.startsWith("/api/feeds/7/entries/"));

test("follows the cursor: each poll asks for the changes since the last cursor applied", async () => {
  const { clock, fetch } = feedWith({
    entries: [entryHTML(1, T(10))],
    deltas: [
      { results: [], cursor: "c1", has_more: false },
      { results: [], cursor: "c2", has_more: true },
      { results: [], cursor: "c3", has_more: false },
    ],
  });

  await clock.advance(999);
  assert.deepEqual(fetch.urls(), []); // The first poll waits one interval.
  await clock.advance(1);
  assert.deepEqual(deltaUrls(fetch), ["/api/feeds/7/entries/?since=c0"]);
  // has_more: the next page of changes is asked for at once, then the interval again.
  await clock.advance(1000);
  assert.deepEqual(deltaUrls(fetch).slice(1), [
    "/api/feeds/7/entries/?since=c1",
    "/api/feeds/7/entries/?since=c2",
  ]);
  assert.deepEqual(fetch.times(), [1000, 2000, 2000]);
  await clock.advance(1000);
  assert.deepEqual(deltaUrls(fetch).slice(3), ["/api/feeds/7/entries/?since=c3"]);
});

test("the cursor does not move when the changes could not be fetched: the retry asks again", async () => {
  const { dom, clock, fetch } = feedWith({
    entries: [entryHTML(1, T(10))],
    deltas: [
      { results: [{ id: 2 }], cursor: "c1" },
      { results: [{ id: 2 }], cursor: "c1" },
    ],
    html: {},
  });
  // The fragments endpoint fails once.
  const original = fetch;
  let failed = false;
  const env = envFor(dom, clock, (url, init) => {
    if (url.startsWith("/feeds/") && !failed) {
      failed = true;
      original.calls.push({ at: clock.now, url, init });
      return Promise.resolve(response(503));
    }
    return original(url, init);
  });
  dom.window.document.querySelector("[data-newsfeed-live]").newsfeedLive.stop();
  dom.window.document.querySelector("[data-newsfeed-live]").removeAttribute("data-live-stopped");
  const { feed } = boot(env);

  await clock.advance(1000);
  assert.equal(feed.cursor, "c0");
  await clock.advance(1000); // Back-off after one failure, random 0: half of 2 s.
  assert.equal(feed.cursor, "c1");
  assert.deepEqual(
    original.urls().filter((url) => url.includes("entries")),
    ["/api/feeds/7/entries/?since=c0", "/api/feeds/7/entries/?since=c0"],
  );
});

test("newest first: new entries go in time order, edits stay in place, deletions go", async () => {
  const { dom, clock, feed } = feedWith({
    entries: [entryHTML(2, T(11)), entryHTML(1, T(10))],
    deltas: [
      { results: [{ id: 3 }, { id: 4 }], cursor: "c1" },
      { results: [{ id: 2 }], cursor: "c2" },
      { results: [{ id: 4, deleted: true }], cursor: "c3" },
    ],
    html: {
      3: entryHTML(3, T(12)),
      4: entryHTML(4, T(10, 30)),
      2: entryHTML(2, T(11), { text: "Corrected" }),
    },
  });

  await clock.advance(1000);
  assert.deepEqual(listedIds(dom), [3, 2, 4, 1]);
  assert.equal(feed.unseen.length, 2); // Not in view (jsdom lays nothing out): counted as new.
  await clock.advance(1000);
  assert.deepEqual(listedIds(dom), [3, 2, 4, 1]);
  assert.equal(dom.window.document.querySelector("#entry-2 p").textContent, "Corrected");
  await clock.advance(1000);
  assert.deepEqual(listedIds(dom), [3, 2, 1]);
  assert.equal(feed.unseen.length, 1);
});

test("oldest first: new entries go at the end, earlier ones before", async () => {
  const { dom, clock } = feedWith({
    order: "oldest_first",
    entries: [entryHTML(1, T(10)), entryHTML(2, T(11))],
    deltas: [
      { results: [{ id: 3 }, { id: 5 }], cursor: "c1" },
      { results: [{ id: 2 }], cursor: "c2" },
    ],
    html: {
      3: entryHTML(3, T(12)),
      5: entryHTML(5, T(9)),
      2: entryHTML(2, T(11), { text: "Edited" }),
    },
  });

  await clock.advance(1000);
  assert.deepEqual(listedIds(dom), [5, 1, 2, 3]);
  await clock.advance(1000);
  assert.deepEqual(listedIds(dom), [5, 1, 2, 3]);
  assert.equal(dom.window.document.querySelector("#entry-2 p").textContent, "Edited");
});

test("entries with the same time are ordered by id, in both orders", async () => {
  for (const [order, expected] of [
    ["newest_first", [3, 2, 1]],
    ["oldest_first", [1, 2, 3]],
  ]) {
    const entries =
      order === "newest_first"
        ? [entryHTML(3, T(10)), entryHTML(1, T(10))]
        : [entryHTML(1, T(10)), entryHTML(3, T(10))];
    const { dom, clock } = feedWith({
      order,
      entries,
      deltas: [{ results: [{ id: 2 }], cursor: "c1" }],
      html: { 2: entryHTML(2, T(10)) },
    });
    await clock.advance(1000);
    assert.deepEqual(listedIds(dom), expected, order);
  }
});

test("pinning moves an entry above the list; a new pin sends the old one back in order", async () => {
  for (const order of ["newest_first", "oldest_first"]) {
    const entries = [entryHTML(1, T(10)), entryHTML(2, T(11)), entryHTML(3, T(12))];
    const { dom, clock, feed } = feedWith({
      order,
      entries: order === "newest_first" ? entries.reverse() : entries,
      deltas: [
        { results: [{ id: 2 }], cursor: "c1" },
        { results: [{ id: 3 }, { id: 2 }], cursor: "c2" },
        { results: [{ id: 3 }], cursor: "c3" },
      ],
    });
    const html = (id, pinned) => entryHTML(id, T(9 + id), { pinned });
    // Answers per delta: 2 pinned; then 3 pinned and 2 unpinned; then 3 unpinned.
    const answers = [
      { 2: html(2, true) },
      { 3: html(3, true), 2: html(2, false) },
      { 3: html(3, false) },
    ];
    const fetch = feed.env.fetch;
    feed.env.fetch = (url, init) => {
      if (url.startsWith("/feeds/7/fragments/")) {
        fetch.calls.push({ at: clock.now, url, init });
        return Promise.resolve(response(200, { entries: answers.shift(), key_events: "" }));
      }
      return fetch(url, init);
    };
    const inOrder =
      order === "newest_first"
        ? (ids) => ids.sort((a, b) => b - a)
        : (ids) => ids.sort((a, b) => a - b);

    await clock.advance(1000);
    assert.deepEqual(pinnedIds(dom), [2], order);
    assert.deepEqual(listedIds(dom), inOrder([1, 3]), order);
    const section = dom.window.document.querySelector("[data-newsfeed-pinned]");
    assert.equal(section.getAttribute("aria-label"), "Angeheftet"); // The page's word for it.
    assert.equal(section.nextElementSibling.className, "newsfeed-entries"); // Above the list.

    await clock.advance(1000);
    assert.deepEqual(pinnedIds(dom), [3], order);
    assert.deepEqual(listedIds(dom), inOrder([1, 2]), order);
    assert.equal(feed.unseen.length, 0, "an entry coming back from the pin is not new");

    await clock.advance(1000);
    assert.equal(dom.window.document.querySelector("[data-newsfeed-pinned]"), null, order);
    assert.deepEqual(listedIds(dom), inOrder([1, 2, 3]), order);
  }
});

test("back-off on errors: the interval doubles per failure up to the maximum, with jitter", async () => {
  const { clock, fetch, feed } = feedWith({
    entries: [entryHTML(1, T(10))],
    deltas: [503, 500, 502, 503, 503, { results: [], cursor: "c1" }],
  });

  await clock.advance(30000);
  const times = fetch.times();
  // 1 s interval, 8 s maximum, random() = 0: waits of 1, 2, 4, 4, 4 s after 1..5 failures, then
  // the normal interval once a poll succeeds.
  assert.deepEqual(times.slice(0, 8), [1000, 2000, 4000, 8000, 12000, 16000, 17000, 18000]);
  assert.equal(feed.poller.failures, 0);
  assert.equal(feed.stopped, false);
});

test("the jitter spreads a wait between half and all of it", () => {
  const clock = new FakeClock();
  const at = (random) =>
    new Poller({
      step: async () => {},
      interval: 1000,
      maxInterval: 60000,
      env: { ...clock, random: () => random },
    });
  assert.deepEqual(
    [1, 2, 3, 6, 7].map((failures) => at(0).backoff(failures)),
    [1000, 2000, 4000, 30000, 30000],
  );
  assert.deepEqual(
    [1, 2, 3, 6, 7].map((failures) => at(1).backoff(failures)),
    [2000, 4000, 8000, 60000, 60000],
  );
  assert.equal(at(0.5).backoff(1), 1500);
});

test("a hung request times out, is aborted, counts as a failure and polling goes on", async () => {
  const dom = livePage({ entries: [entryHTML(1, T(10))] });
  dom.window.document
    .querySelector("[data-newsfeed-live-script]")
    .setAttribute("data-poll-timeout", "2");
  const clock = new FakeClock();
  const answers = ["hang", "hang", { results: [], cursor: "c1" }];
  const fetch = fakeFetch(clock, () => {
    const next = answers.shift();
    return next === undefined
      ? response(200, { results: [], cursor: "c1" })
      : typeof next === "string"
        ? next
        : response(200, next);
  });
  const { feed } = boot(envFor(dom, clock, fetch));

  await clock.advance(3000);
  assert.equal(fetch.calls[0].init.signal.aborted, true);
  assert.equal(feed.poller.failures, 1);
  // Polls at 1 s (times out at 3 s), 4 s (times out at 6 s, then waits 2 s), 8 s succeeds.
  await clock.advance(5000);
  assert.deepEqual(fetch.times(), [1000, 4000, 8000]);
  assert.equal(feed.poller.failures, 0);
  assert.equal(feed.cursor, "c1");
  await clock.advance(1000);
  assert.deepEqual(fetch.times().slice(3), [9000]);
  assert.equal(clock.pending, 1); // Exactly one timer: the next poll (no leaked timeouts).
});

test("a body that stalls after the headers also times out", async () => {
  const dom = livePage({ entries: [entryHTML(1, T(10))] });
  const clock = new FakeClock();
  const fetch = fakeFetch(clock, () => ({
    status: 200,
    ok: true,
    json: () => new Promise(() => {}),
  }));
  const { feed } = boot(envFor(dom, clock, fetch));

  await clock.advance(1000 + 10000); // The default timeout is 10 s.
  assert.equal(feed.poller.failures, 1);
  assert.equal(feed.stopped, false);
});

for (const status of [404, 410, 400]) {
  test(`stops for good on ${status} (the feed or the cursor is gone)`, async () => {
    const { dom, clock, fetch, feed } = feedWith({
      entries: [entryHTML(1, T(10))],
      deltas: [503, status],
    });

    await clock.advance(60000);
    assert.equal(fetch.calls.length, 2);
    assert.equal(feed.stopped, true);
    assert.ok(
      dom.window.document.querySelector("[data-newsfeed-live]").hasAttribute("data-live-stopped"),
    );
    assert.equal(clock.pending, 0);
    dom.window.document.dispatchEvent(new dom.window.Event("visibilitychange"));
    await clock.advance(60000);
    assert.equal(fetch.calls.length, 2);
  });
}

test("other errors never stop polling", async () => {
  const { clock, fetch, feed } = feedWith({
    entries: [],
    deltas: [500, 403, 429, 502, 503, 504, 500, 500, 500],
  });

  await clock.advance(120000);
  assert.equal(feed.stopped, false);
  assert.ok(fetch.calls.length > 10);
});

test("readers in the same state ask for the same URLs: no per-reader cache-busting", async () => {
  const run = async (random) => {
    const dom = livePage({ entries: [entryHTML(1, T(10))], cursor: "abc:1" });
    const clock = new FakeClock();
    const fetch = fakeFetch(clock, (url) =>
      url.startsWith("/api/")
        ? response(200, { results: [{ id: 5 }], cursor: "abc:2" })
        : response(200, { entries: { 5: entryHTML(5, T(12)) } }),
    );
    boot(envFor(dom, clock, fetch, () => random));
    await clock.advance(1000);
    return fetch.urls();
  };

  const first = await run(0.1);
  const second = await run(0.9);
  assert.deepEqual(first, second);
  assert.deepEqual(first, [
    "/api/feeds/7/entries/?since=abc%3A1",
    "/feeds/7/fragments/?ids=5&v=abc%3A2",
  ]);
});

test("fragments are asked for at the delta's new cursor: a later change of the same entry is a new URL", async () => {
  // Two readers at the same cursor poll before and after entry 5 is edited: the deltas
  // name the same entry but lead to different cursors, so no cache can hand the second
  // reader the first reader's (older) fragment.
  const fragmentsAfter = async (deltaCursor) => {
    const dom = livePage({ entries: [entryHTML(1, T(10))], cursor: "c0" });
    const clock = new FakeClock();
    const fetch = fakeFetch(clock, (url) =>
      url.startsWith("/api/")
        ? response(200, { results: [{ id: 5 }], cursor: deltaCursor })
        : response(200, { entries: { 5: entryHTML(5, T(12)) } }),
    );
    boot(envFor(dom, clock, fetch, () => 0.5));
    await clock.advance(1000);
    return fetch.urls().filter((url) => url.startsWith("/feeds/"));
  };

  assert.deepEqual(await fragmentsAfter("c1"), ["/feeds/7/fragments/?ids=5&v=c1"]);
  assert.deepEqual(await fragmentsAfter("c2"), ["/feeds/7/fragments/?ids=5&v=c2"]);
});

test("the words come from the page: status, pinned, new updates", async () => {
  const { dom, clock, feed } = feedWith({
    entries: [entryHTML(1, T(10))],
    deltas: [{ results: [{ id: 2 }, { id: 3 }], cursor: "c1" }],
    html: { 2: entryHTML(2, T(11)), 3: entryHTML(3, T(12)) },
  });
  const document = dom.window.document;

  await clock.advance(1000);
  const button = document.querySelector("[data-newsfeed-new-updates]");
  assert.equal(button.textContent, "2 neue Updates");
  assert.equal(button.hidden, false);
  assert.equal(document.title, "(2) Storm live");
  feed.setStatus("upcoming");
  assert.equal(document.querySelector("[data-newsfeed-status]").textContent, "Demnächst");
  button.click();
  assert.equal(button.hidden, true);
  assert.equal(document.title, "Storm live");
  feed.setStatus("ended");
  assert.equal(document.querySelector("[data-newsfeed-status]").textContent, "Beendet");
  assert.equal(feed.stopped, true);
});

/** What the template tag sends for a language whose gettext formula is `plural`, and its forms. */
function pluralStrings(plural, words) {
  const texts = Array.from({ length: 200 }, (_, n) => `{count} ${words[plural(n)]}`);
  const forms = [...new Set(texts)];
  return { forms, table: texts.map((text) => forms.indexOf(text)).join("") };
}

// The Plural-Forms formulas of Django's own catalogues for these languages.
const POLISH = (n) =>
  n === 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20) ? 1 : 2;
const RUSSIAN = (n) =>
  n % 10 === 1 && n % 100 !== 11
    ? 0
    : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20)
      ? 1
      : 2;
const ARABIC = (n) =>
  n === 0
    ? 0
    : n === 1
      ? 1
      : n === 2
        ? 2
        : n % 100 >= 3 && n % 100 <= 10
          ? 3
          : n % 100 >= 11 && n % 100 <= 99
            ? 4
            : 5;
const SLOVENIAN = (n) =>
  n % 100 === 1 ? 0 : n % 100 === 2 ? 1 : n % 100 === 3 || n % 100 === 4 ? 2 : 3;
const IRISH = (n) => (n === 1 ? 0 : n === 2 ? 1 : n < 7 ? 2 : n < 11 ? 3 : 4);

test("a three-form language gets the right form for every count", () => {
  const polish = pluralStrings(POLISH, [
    "nowa aktualizacja",
    "nowe aktualizacje",
    "nowych aktualizacji",
  ]);
  assert.equal(polish.forms.length, 3);
  const expected = {
    1: "1 nowa aktualizacja",
    2: "2 nowe aktualizacje",
    5: "5 nowych aktualizacji",
    22: "22 nowe aktualizacje",
    25: "25 nowych aktualizacji",
    112: "112 nowych aktualizacji",
    212: "212 nowych aktualizacji",
    222: "222 nowe aktualizacje",
    1000: "1000 nowych aktualizacji",
  };
  for (const [count, text] of Object.entries(expected)) {
    assert.equal(countText(polish, Number(count)), text);
  }
});

test("a table of the counts below 200 agrees with the formula for any count", () => {
  for (const plural of [POLISH, RUSSIAN, ARABIC, SLOVENIAN, IRISH]) {
    const words = ["a", "b", "c", "d", "e", "f"];
    const strings = pluralStrings(plural, words);
    for (let count = 0; count < 20000; count += 1) {
      assert.equal(countText(strings, count), `${count} ${words[plural(count)]}`);
    }
  }
});

test("one text serves every count, and a broken table leaves the count alone", () => {
  assert.equal(countText("{count} neu", 3), "3 neu");
  assert.equal(countText(undefined, 3), "+3");
  assert.equal(countText({ forms: ["{count} x"], table: "" }, 3), "+3");
  assert.equal(countText({ forms: "{count} x", table: "000" }, 1), "+1");
});

test("the page's button says the count in the page's form for it", async () => {
  const dom = livePage({
    entries: [],
    lang: "pl",
    strings: { newUpdates: pluralStrings(POLISH, ["nowa", "nowe", "nowych"]) },
  });
  const clock = new FakeClock();
  const fetch = fakeFetch(clock, (url) =>
    url.startsWith("/api/")
      ? response(200, { results: [{ id: 4 }, { id: 5 }], cursor: "c1" })
      : response(200, { entries: { 4: entryHTML(4, T(10)), 5: entryHTML(5, T(11)) } }),
  );
  boot(envFor(dom, clock, fetch));
  await clock.advance(1000);
  const button = dom.window.document.querySelector("[data-newsfeed-new-updates]");
  assert.equal(button.textContent, "2 nowe");
  assert.equal(button.hidden, false);
});

test("without the strings element no English appears: the count stands alone", async () => {
  const dom = livePage({ entries: [], strings: null });
  assert.deepEqual(readStrings(dom.window.document), {});
  const broken = livePage({ entries: [] });
  broken.window.document.getElementById("newsfeed-live-strings").textContent = "{not json";
  assert.deepEqual(readStrings(broken.window.document), {});
  assert.deepEqual(readStrings(livePage().window.document), STRINGS);

  const clock = new FakeClock();
  const fetch = fakeFetch(clock, (url) =>
    url.startsWith("/api/")
      ? response(200, { results: [{ id: 4 }], cursor: "c1" })
      : response(200, { entries: { 4: entryHTML(4, T(10)) } }),
  );
  boot(envFor(dom, clock, fetch));
  await clock.advance(1000);
  assert.equal(dom.window.document.querySelector("[data-newsfeed-new-updates]").textContent, "+1");
});

test("the status is checked about every 20 s and an ended feed stops", async () => {
  const { dom, clock, fetch, feed } = feedWith({
    entries: [],
    statusCodes: { feed: response(200, { status: "ended" }) },
  });

  await clock.advance(20000);
  assert.ok(fetch.urls().includes("/api/feeds/7/"));
  assert.equal(feed.stopped, true);
  assert.equal(dom.window.document.querySelector("[data-newsfeed-status]").textContent, "Beendet");
});

test("no polling while the tab is hidden; it catches up when shown", async () => {
  const { dom, clock, fetch } = feedWith({ entries: [] });
  Object.defineProperty(dom.window.document, "hidden", { configurable: true, get: () => true });
  dom.window.document.dispatchEvent(new dom.window.Event("visibilitychange"));

  await clock.advance(10000);
  assert.equal(fetch.calls.length, 0);
  Object.defineProperty(dom.window.document, "hidden", { configurable: true, get: () => false });
  dom.window.document.dispatchEvent(new dom.window.Event("visibilitychange"));
  await clock.advance(0);
  assert.equal(fetch.calls.length, 1);
});

test("no inline styles: the notice is styled by classes and newsfeed.css custom properties", async () => {
  const source = readFileSync(
    new URL("../../wagtail_newsfeed/static/wagtail_newsfeed/live.js", import.meta.url),
    "utf8",
  );
  assert.doesNotMatch(source, /\.style\b|cssText|#[0-9a-f]{3,6}\b|["']style["']/i);
  const template = readFileSync(
    new URL(
      "../../wagtail_newsfeed/templates/wagtail_newsfeed/includes/live_feed_script.html",
      import.meta.url,
    ),
    "utf8",
  );
  assert.doesNotMatch(template, /style=/i);
  const css = readFileSync(
    new URL("../../wagtail_newsfeed/static/wagtail_newsfeed/newsfeed.css", import.meta.url),
    "utf8",
  );
  assert.match(css, /--newsfeed-new-updates-background:/);
  assert.match(
    css,
    /\.newsfeed-new-updates__button \{[^}]*var\(--newsfeed-new-updates-background\)/,
  );

  const { dom } = feedWith({ entries: [] });
  const button = dom.window.document.querySelector("[data-newsfeed-new-updates]");
  assert.equal(button.className, "newsfeed-new-updates__button");
  assert.equal(button.getAttribute("style"), null);
  assert.equal(button.parentElement.getAttribute("style"), null);
  await flush();
});

test("times read in the page's language, whatever the browser's; a bad lang is ignored", () => {
  const german = livePage({ lang: "de" }).window.document;
  const when = new Date(Date.UTC(2026, 11, 1, 12, 0));
  const format = new Intl.DateTimeFormat(pageLocale(german), { dateStyle: "long" });

  assert.deepEqual(pageLocale(german), ["de"]);
  assert.match(format.format(when), /Dezember 2026/);
  assert.equal(pageLocale(livePage({ lang: "not a tag!" }).window.document), undefined);
  assert.equal(pageLocale(livePage().window.document), undefined);
});

test("Retry-After of a 429 or 503 is waited out (seconds or a date), capped, with jitter", async () => {
  const { clock, fetch, feed } = feedWith({
    entries: [],
    deltas: [
      response(503, {}, { "Retry-After": "30" }),
      // Asked at 31 s: a date two minutes on.
      response(429, {}, { "Retry-After": new Date(31000 + 120000).toUTCString() }),
      response(503, {}, { "Retry-After": "86400" }), // A day: capped.
      response(503, {}, { "Retry-After": "soon" }), // Unreadable: the plain back-off (4 s).
    ],
  });

  await clock.advance(1000 + 30000 + 120000 + MAX_RETRY_AFTER + 4000 + 1000);
  // Without Retry-After the back-off would have been 1, 2, 4, 4 s.
  const capped = 151000 + MAX_RETRY_AFTER;
  assert.deepEqual(fetch.times(), [1000, 31000, 151000, capped, capped + 4000, capped + 5000]);
  assert.equal(feed.stopped, false);
  assert.equal(feed.poller.failures, 0);

  assert.equal(parseRetryAfter("120", 0), 120000);
  assert.equal(parseRetryAfter(" 0 ", 0), 0);
  assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000), 6000);
  assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 60000), 0); // In the past.
  assert.equal(parseRetryAfter("-5", 0), null);
  assert.equal(parseRetryAfter(null, 0), null);
  const poller = (random) =>
    new Poller({ step: async () => {}, interval: 1000, maxInterval: 8000, env: { random } });
  const jittered = poller(() => 0.5);
  jittered.failures = 1;
  // Spread by up to one interval; never shorter than the back-off.
  assert.equal(jittered.failureDelay(new HttpError(503, 5000)), 5500);
  assert.equal(jittered.failureDelay(new HttpError(503, 0)), 1500);
});

test("a tab shown again during a back-off waits for its end; after it, polls at once", async () => {
  const { dom, clock, fetch } = feedWith({
    entries: [],
    deltas: [response(503, {}, { "Retry-After": "30" })],
  });
  const document = dom.window.document;
  const setHidden = (hidden) => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
    document.dispatchEvent(new dom.window.Event("visibilitychange"));
  };

  await clock.advance(2000); // Polled at 1 s: 503, come back at 31 s.
  setHidden(true);
  await clock.advance(3000);
  setHidden(false);
  await clock.advance(25000); // 30 s.
  assert.deepEqual(fetch.times(), [1000]);
  await clock.advance(1000);
  assert.deepEqual(fetch.times(), [1000, 31000]);

  setHidden(true);
  await clock.advance(60000);
  assert.deepEqual(fetch.times(), [1000, 31000]);
  setHidden(false);
  await clock.advance(0);
  assert.deepEqual(fetch.times(), [1000, 31000, 91000]);
});

test("a 304 is no news: no failure, the cursor stays, the next poll after one interval", async () => {
  const { clock, fetch, feed } = feedWith({ entries: [entryHTML(1, T(10))], deltas: [304] });

  await clock.advance(1000);
  assert.equal(feed.poller.failures, 0);
  assert.equal(feed.cursor, "c0");
  await clock.advance(1000);
  assert.deepEqual(fetch.times(), [1000, 2000]);

  const clock2 = new FakeClock();
  const answer = await request(
    { ...clock2, fetch: async () => response(304, "") },
    "/console/?partial=entries",
    { timeout: 1000, read: "text" },
  );
  assert.deepEqual(answer, { status: 304, body: null });
});

test("a tombstone for an entry not on the page changes nothing and polling goes on", async () => {
  const { dom, clock, fetch, feed } = feedWith({
    entries: [entryHTML(2, T(11)), entryHTML(1, T(10))],
    deltas: [{ results: [{ id: 99, deleted: true }], cursor: "c1" }],
  });

  await clock.advance(1000);
  assert.deepEqual(listedIds(dom), [2, 1]);
  assert.equal(feed.cursor, "c1");
  assert.equal(feed.poller.failures, 0);
  assert.equal(feed.unseen.length, 0);
  // The key events may still have changed: they are asked for, with no entry ids.
  assert.deepEqual(
    fetch.urls().filter((url) => url.startsWith("/feeds/")),
    ["/feeds/7/fragments/?ids=&v=c1"],
  );
});

test("an entry given another time moves to its place, in both orders, and is not new", async () => {
  for (const order of ["newest_first", "oldest_first"]) {
    const entries = [entryHTML(1, T(10)), entryHTML(2, T(11)), entryHTML(3, T(12))];
    const { dom, clock, feed } = feedWith({
      order,
      entries: order === "newest_first" ? [...entries].reverse() : entries,
      deltas: [
        { results: [{ id: 1 }], cursor: "c1" },
        { results: [{ id: 1 }], cursor: "c2" },
      ],
      html: { 1: entryHTML(1, T(13), { text: "Moved" }) },
    });

    await clock.advance(1000);
    assert.deepEqual(listedIds(dom), order === "newest_first" ? [1, 3, 2] : [2, 3, 1], order);
    assert.equal(feed.unseen.length, 0, order);
    assert.equal(dom.window.document.querySelector("#entry-1 p").textContent, "Moved");
    await clock.advance(1000); // The same state delivered again: nothing moves.
    assert.deepEqual(listedIds(dom), order === "newest_first" ? [1, 3, 2] : [2, 3, 1], order);
  }
});

test("an unrevealed new entry that moves stays unrevealed and counted once", async () => {
  const { dom, clock, feed } = feedWith({
    entries: [entryHTML(2, T(11)), entryHTML(1, T(10))],
    deltas: [
      { results: [{ id: 5 }], cursor: "c1" },
      { results: [{ id: 5 }], cursor: "c2" },
    ],
  });
  const html = [entryHTML(5, T(12)), entryHTML(5, T(10, 30))];
  const fetch = feed.env.fetch;
  feed.env.fetch = (url, init) =>
    url.startsWith("/feeds/")
      ? Promise.resolve(response(200, { entries: { 5: html.shift() }, key_events: "" }))
      : fetch(url, init);
  feed.readerHasScrolled = () => true; // The reader is further down the page.

  await clock.advance(1000);
  assert.equal(dom.window.document.querySelector("#entry-5").hidden, true);
  await clock.advance(1000);
  assert.deepEqual(listedIds(dom), [2, 5, 1]);
  assert.equal(dom.window.document.querySelector("#entry-5").hidden, true);
  assert.equal(feed.unseen.length, 1);
  assert.equal(feed.unseen[0], dom.window.document.querySelector("#entry-5"));
});

test("the same change delivered twice (or twice in one delta) shows one entry, counted once", async () => {
  const { dom, clock, fetch, feed } = feedWith({
    entries: [entryHTML(1, T(10))],
    deltas: [
      { results: [{ id: 4 }, { id: 4 }], cursor: "c1" },
      { results: [{ id: 4 }], cursor: "c1" },
    ],
    html: { 4: entryHTML(4, T(11)) },
  });

  await clock.advance(2000);
  assert.deepEqual(listedIds(dom), [4, 1]);
  assert.equal(feed.unseen.length, 1);
  const notice = dom.window.document.querySelector("[data-newsfeed-new-updates]");
  assert.equal(notice.textContent, "1 neues Update");
  assert.ok(fetch.urls().includes("/feeds/7/fragments/?ids=4&v=c1"));
});

test("a late answer to an old cursor, after the timeout and a newer poll, is thrown away", async () => {
  const dom = livePage({ entries: [entryHTML(1, T(10))] });
  const clock = new FakeClock();
  let late = null;
  const calls = [];
  // A fetch that ignores the abort signal: the first delta request answers only when told.
  const fetch = (url) => {
    calls.push(url);
    if (calls.length === 1) {
      return new Promise((resolve) => {
        late = resolve;
      });
    }
    return Promise.resolve(
      url.startsWith("/api/")
        ? response(200, { results: [], cursor: "c2" })
        : response(200, { entries: {} }),
    );
  };
  const { feed } = boot(envFor(dom, clock, fetch));

  await clock.advance(1000 + 10000 + 1000); // Times out at 11 s, polls again at 12 s.
  assert.equal(feed.cursor, "c2");
  late(response(200, { results: [{ id: 9 }], cursor: "c1" }));
  await clock.advance(0);
  assert.equal(feed.cursor, "c2");
  assert.deepEqual(listedIds(dom), [1]);
  assert.ok(!calls.some((url) => url.includes("ids=9")));
});

test("a malformed answer is a failure: back-off, and the cursor stays for the retry", async () => {
  const notJSON = {
    status: 200,
    ok: true,
    headers: { get: () => null },
    json: async () => JSON.parse("<html>Bad gateway</html>"),
  };
  const { dom, clock, fetch, feed } = feedWith({
    entries: [entryHTML(1, T(10))],
    deltas: [
      notJSON,
      { results: "<p>x</p>", cursor: "c9" },
      { results: [{ id: "1 or 1=1" }], cursor: "c9" },
      { results: [null], cursor: "c9" },
      { results: [{ id: 2 }], cursor: { evil: true } },
      response(200, [{ id: 2 }]),
      response(200, "c9"),
    ],
  });

  await clock.advance(1000);
  assert.equal(feed.poller.failures, 1);
  await clock.advance(19000); // Failures at 1, 2, 4, 8, 12, 16 and 20 s.
  assert.equal(feed.poller.failures, 7); // Each of the seven answers was a failure.
  assert.equal(feed.cursor, "c0");
  assert.equal(feed.stopped, false);
  assert.deepEqual(listedIds(dom), [1]);
  assert.ok(!fetch.urls().some((url) => url.startsWith("/feeds/")));
});

test("entry fields in JSON never become HTML: only the server's rendered fragments do", async () => {
  const attack = '<img src="x" onerror="globalThis.pwned = 1">';
  const dom = livePage({ entries: [entryHTML(1, T(10))] });
  const clock = new FakeClock();
  const fetch = fakeFetch(clock, (url) =>
    url.startsWith("/api/")
      ? response(200, {
          results: [{ id: 5, headline: attack, body: [{ type: "paragraph", value: attack }] }],
          cursor: "c1",
        })
      : response(200, {
          entries: { 5: entryHTML(5, T(11)), constructor: attack, 6: { html: attack } },
          key_events: "",
          status: attack,
        }),
  );
  boot(envFor(dom, clock, fetch));

  await clock.advance(1000);
  const document = dom.window.document;
  assert.deepEqual(listedIds(dom), [5, 1]);
  assert.equal(document.querySelector("img, [onerror]"), null);
  assert.equal(document.body.innerHTML.includes("onerror"), false);
  // Not a coverage status: neither shown nor put in a class or attribute.
  const badge = document.querySelector("[data-newsfeed-status]");
  assert.equal(badge.textContent, "Live");
  assert.equal(badge.className, "newsfeed-badge newsfeed-badge--live");
  const root = document.querySelector("[data-newsfeed-live]");
  assert.equal(root.getAttribute("data-coverage-status"), "live");
});

test("the live region speaks when the count changes, not at every poll", async () => {
  const { dom, clock } = feedWith({
    entries: [entryHTML(1, T(10))],
    deltas: [
      { results: [{ id: 2 }], cursor: "c1" },
      { results: [], cursor: "c1" },
      { results: [{ id: 1 }], cursor: "c2" },
      { results: [], cursor: "c2" },
    ],
    html: { 2: entryHTML(2, T(11)), 1: entryHTML(1, T(10), { text: "Edited" }) },
  });
  const document = dom.window.document;
  const region = document.querySelector("[aria-live]");
  assert.equal(region.getAttribute("aria-live"), "polite");
  assert.ok(region.contains(document.querySelector("[data-newsfeed-new-updates]")));
  const changes = [];
  const titles = [];
  new dom.window.MutationObserver((records) => changes.push(...records)).observe(region, {
    subtree: true,
    childList: true,
    characterData: true,
  });
  new dom.window.MutationObserver(() => titles.push(document.title)).observe(document.head, {
    subtree: true,
    childList: true,
    characterData: true,
  });

  await clock.advance(1000);
  await flush();
  const afterNew = changes.length;
  assert.ok(afterNew > 0);
  await clock.advance(3000); // An empty delta, an edit of an old entry, another empty delta.
  await flush();
  assert.equal(changes.length, afterNew);
  assert.deepEqual(titles, ["(1) Storm live"]);
});

test("a delta longer than the fragments endpoint takes is asked for in batches", async () => {
  const ids = Array.from({ length: 150 }, (_, index) => index + 2);
  const { dom, clock, fetch, feed } = feedWith({
    entries: [entryHTML(1, T(9))],
    deltas: [{ results: ids.map((id) => ({ id })), cursor: "c1" }],
    html: Object.fromEntries(ids.map((id) => [id, entryHTML(id, T(10, id % 60))])),
  });

  await clock.advance(1000);
  const asked = fetch.urls().filter((url) => url.startsWith("/feeds/"));
  assert.equal(MAX_FRAGMENT_IDS, 100);
  assert.deepEqual(
    asked.map((url) => new URL(url, "https://x").searchParams.get("ids").split(",").length),
    [100, 50],
  );
  assert.equal(listedIds(dom).length, 151);
  assert.equal(feed.cursor, "c1");
});

test("the fragments endpoint's 400 is retried with back-off; only the delta's 400 stops", async () => {
  const dom = livePage({ entries: [entryHTML(1, T(10))] });
  const clock = new FakeClock();
  let refusals = 2;
  const fetch = fakeFetch(clock, (url) => {
    if (url.startsWith("/api/")) {
      return response(200, { results: [{ id: 2 }], cursor: "c1" });
    }
    return refusals-- > 0 ? 400 : response(200, { entries: { 2: entryHTML(2, T(11)) } });
  });
  const { feed } = boot(envFor(dom, clock, fetch));

  await clock.advance(1000);
  assert.equal(feed.stopped, false);
  assert.equal(feed.poller.failures, 1);
  await clock.advance(1000 + 2000);
  assert.equal(feed.stopped, false);
  assert.deepEqual(listedIds(dom), [2, 1]);
  assert.equal(feed.cursor, "c1");
});

test("entries shown at once where the reader looks are announced, once per change", async () => {
  const { dom, clock, feed } = feedWith({
    entries: [entryHTML(1, T(10))],
    deltas: [
      { results: [{ id: 2 }, { id: 3 }], cursor: "c1" },
      { results: [], cursor: "c1" },
      { results: [{ id: 1 }], cursor: "c2" },
      { results: [{ id: 4 }, { id: 5 }], cursor: "c3" },
    ],
    html: {
      2: entryHTML(2, T(11)),
      3: entryHTML(3, T(12)),
      1: entryHTML(1, T(10), { text: "Edited" }),
      4: entryHTML(4, T(13)),
      5: entryHTML(5, T(14)),
    },
  });
  feed.isInView = () => true; // jsdom lays nothing out: say the reader sees the top of the list
  const document = dom.window.document;
  const arrivals = document.querySelector("[data-newsfeed-arrivals]");
  assert.ok(arrivals.closest("[aria-live]"), "inside the live region");
  assert.equal(arrivals.className, "newsfeed-visually-hidden");
  const said = [];
  new dom.window.MutationObserver(() => said.push(arrivals.textContent)).observe(arrivals, {
    childList: true,
    characterData: true,
    subtree: true,
  });

  await clock.advance(1000); // two new entries, in view
  await flush();
  assert.equal(feed.unseen.length, 0);
  assert.deepEqual(said, ["2 neue Updates"]);
  await clock.advance(2000); // nothing new, then an edit of an old entry: silence
  await flush();
  assert.equal(said.length, 1);
  await clock.advance(1000); // two more: the same words are said again
  await flush();
  assert.equal(said.length, 2);
  assert.equal(said[1].trim(), "2 neue Updates");
  assert.notEqual(said[1], said[0]);
});

test("a page with two live feeds follows each with its own script tag's URLs", async () => {
  const feedHTML = (id) => `<article data-newsfeed-live data-feed-id="${id}" data-coverage-status="live"
  data-entry-order="newest_first" data-live-cursor="c${id}">
  <div data-newsfeed-entries>${entryHTML(id * 10, T(10))}</div></article>
<script type="module" src="/static/wagtail_newsfeed/live.js" data-newsfeed-live-script
  data-feed-id="${id}" data-delta-url="/api/feeds/${id}/entries/" data-feed-url="/api/feeds/${id}/"
  data-fragments-url="/feeds/${id}/fragments/" data-poll-interval="1.0"></script>`;
  const dom = new JSDOM(
    `<!doctype html><html><head><title>Two feeds</title></head><body>${feedHTML(7)}${feedHTML(8)}</body></html>`,
    { url: "https://news.example/", pretendToBeVisual: true },
  );
  const clock = new FakeClock();
  const fetch = fakeFetch(clock, () => response(200, { results: [], cursor: "n", has_more: false }));

  const { feeds } = boot(envFor(dom, clock, fetch));
  await clock.advance(1000);

  assert.equal(feeds.length, 2);
  const deltas = fetch.urls().filter((url) => url.includes("/entries/"));
  assert.ok(deltas.some((url) => url.startsWith("/api/feeds/7/entries/?since=c7")), deltas);
  assert.ok(deltas.some((url) => url.startsWith("/api/feeds/8/entries/?since=c8")), deltas);
});

test("a script tag naming no feed starts nothing on a page with two feeds", async () => {
  const dom = livePage({ entries: [entryHTML(1, T(10))] });
  const second = dom.window.document.querySelector("[data-newsfeed-live]").cloneNode(true);
  second.setAttribute("data-feed-id", "8");
  dom.window.document.body.append(second);
  const clock = new FakeClock();
  const fetch = fakeFetch(clock, () => 404);

  const { feeds } = boot(envFor(dom, clock, fetch));
  await clock.advance(3000);

  assert.deepEqual([feeds.length, fetch.urls()], [0, []]);
});

test("booting twice follows each feed once", async () => {
  const { dom, clock, fetch } = feedWith({ entries: [entryHTML(1, T(10))], deltas: [] });

  const again = boot(envFor(dom, clock, fetch));
  await clock.advance(1000);

  assert.equal(again.feeds.length, 0);
  assert.equal(fetch.urls().filter((url) => url.startsWith("/api/feeds/7/entries/")).length, 1);
});

test("a page's one feed and one script tag belong together unless they name different feeds", () => {
  for (const [rootId, scriptId, started] of [
    ["", "7", 1],
    ["7", "", 1],
    [" 7 ", "7", 1],
    ["7", "8", 0],
  ]) {
    const dom = livePage({ entries: [entryHTML(1, T(10))] });
    const document = dom.window.document;
    const root = document.querySelector("[data-newsfeed-live]");
    const script = document.querySelector("script[data-newsfeed-live-script]");
    root.setAttribute("data-feed-id", rootId);
    script.setAttribute("data-feed-id", scriptId);
    const clock = new FakeClock();

    const { feeds } = boot(envFor(dom, clock, fakeFetch(clock, () => 404)));

    assert.equal(feeds.length, started, `${rootId}/${scriptId}`);
    for (const feed of feeds) {
      feed.stop();
    }
  }
});
