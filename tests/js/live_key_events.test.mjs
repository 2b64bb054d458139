// live.js and the key events list: links to the entries the page shows are anchors, to others
// permalinks; an unchanged list is left alone (jsdom, a fake clock and fetch: no server).
import assert from "node:assert/strict";
import { test } from "node:test";

import { T, keyEventsFeed, keyEventsHTML, permalink } from "./feed_page.mjs";
import { entryHTML, listedIds } from "./helpers.mjs";

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

test("an unchanged key events list is left as it is, focus and all", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [entryHTML(2, T(2)), entryHTML(1, T(1))],
    keyEvents: keyEventsHTML([2, 1], [2, 1]),
    deltas: [{ results: [{ id: 2 }], cursor: "c1" }],
    html: { 2: entryHTML(2, T(2), { text: "Edited" }) },
    keyEventsAnswer: keyEventsHTML([2, 1]),
  });
  const nav = document.querySelector(".newsfeed-key-events");
  const link = nav.querySelector('[data-entry-id="1"] a');
  link.focus();

  await clock.advance(1000);

  assert.equal(document.querySelector(".newsfeed-key-events"), nav);
  assert.equal(document.activeElement, link);
});

test("a changed key events list keeps focus on the same event's link", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [entryHTML(2, T(2)), entryHTML(1, T(1))],
    keyEvents: keyEventsHTML([2, 1], [2, 1]),
    deltas: [{ results: [{ id: 3 }], cursor: "c1" }],
    html: { 3: entryHTML(3, T(3)) },
    keyEventsAnswer: keyEventsHTML([3, 2, 1]),
  });
  document.querySelector('.newsfeed-key-events [data-entry-id="1"] a').focus();

  await clock.advance(1000);

  assert.deepEqual(hrefs(document), ["#entry-3", "#entry-2", "#entry-1"]);
  assert.equal(
    document.activeElement,
    document.querySelector('.newsfeed-key-events [data-entry-id="1"] a'),
  );
});

test("a key events list that goes away while it holds focus hands it to the entries", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [entryHTML(2, T(2)), entryHTML(1, T(1))],
    keyEvents: keyEventsHTML([1], [1]),
    deltas: [{ results: [{ id: 1 }], cursor: "c1" }],
    html: { 1: entryHTML(1, T(1)) },
    keyEventsAnswer: "",
  });
  document.querySelector(".newsfeed-key-events a").focus();

  await clock.advance(1000);

  assert.equal(document.querySelector(".newsfeed-key-events"), null);
  assert.equal(document.activeElement, document.querySelector("section.newsfeed-entries"));
});
