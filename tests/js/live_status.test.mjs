// live.js and the coverage status: a change updates the badge and the header's "Starts …" line
// and is said in the polite live region (jsdom, a fake clock and fetch: no server).
import assert from "node:assert/strict";
import { test } from "node:test";

import { keyEventsFeed } from "./feed_page.mjs";
import { STRINGS, entryHTML } from "./helpers.mjs";

const START = "2026-12-01T09:00:00Z";
const END = "2026-12-01T18:00:00Z";
const WORDS = {
  ...STRINGS,
  coverage: { starts: "Beginnt", started: "Begonnen", ended: "Beendet" },
  statusChanged: "Berichterstattung: {status}",
};
const UPCOMING_META = `<span>Beginnt <time datetime="${START}">1. Dezember</time></span>`;

const spoken = (document) =>
  [...document.querySelectorAll(".newsfeed-new-updates [data-newsfeed-status-note]")].map(
    (note) => note.textContent,
  );
const metaWords = (document) =>
  [...document.querySelectorAll("[data-newsfeed-meta] > span")].map((span) =>
    [span.firstChild.textContent.trim(), span.querySelector("time").getAttribute("datetime")].join(" "),
  );

test("coverage going live updates the header's start time and is announced", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [entryHTML(1, START)],
    status: "upcoming",
    meta: UPCOMING_META,
    strings: WORDS,
    feedAnswer: { status: "live", coverage_start: START, coverage_end: null },
  });
  assert.deepEqual(spoken(document), [""]); // Nothing said on load.

  await clock.advance(20000); // The status is checked about every 20 s.

  assert.equal(document.querySelector("[data-newsfeed-status]").textContent, "Live");
  assert.deepEqual(metaWords(document), [`Begonnen ${START}`]);
  assert.deepEqual(spoken(document), ["Berichterstattung: Live"]);
});

test("coverage that ends says when it ended, from the entries' fragments too", async () => {
  const { clock, document, feed } = keyEventsFeed({
    entries: [entryHTML(1, START)],
    meta: `<span>Begonnen <time datetime="${START}">…</time></span>`,
    strings: WORDS,
    deltas: [{ results: [{ id: 2 }], cursor: "c1" }],
    html: { 2: entryHTML(2, END) },
    feedAnswer: { status: "ended", coverage_start: START, coverage_end: END },
  });

  await clock.advance(1000);

  assert.deepEqual(metaWords(document), [`Begonnen ${START}`, `Beendet ${END}`]);
  assert.deepEqual(spoken(document), ["Berichterstattung: Beendet"]);
  assert.ok(feed.stopped);
});

test("the same status again changes nothing and says nothing", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [entryHTML(1, START)],
    meta: UPCOMING_META,
    status: "upcoming",
    strings: WORDS,
    feedAnswer: { status: "upcoming", coverage_start: START, coverage_end: null },
  });
  const before = document.querySelector("[data-newsfeed-meta]").innerHTML;

  await clock.advance(40000);

  assert.equal(document.querySelector("[data-newsfeed-meta]").innerHTML, before);
  assert.deepEqual(spoken(document), [""]);
});

test("without the words for it, the header is left as it is", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [entryHTML(1, START)],
    status: "upcoming",
    meta: UPCOMING_META,
    feedAnswer: { status: "live", coverage_start: START, coverage_end: null },
  });

  await clock.advance(20000);

  assert.match(document.querySelector("[data-newsfeed-meta]").textContent, /Beginnt/);
});
