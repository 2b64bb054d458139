// live.js keeps the reader's place: an entry that holds focus and is edited, moved or deleted by a
// poll leaves focus where the reader was (jsdom, a fake clock and fetch: no server).
import assert from "node:assert/strict";
import { test } from "node:test";

import { T, keyEventsFeed } from "./feed_page.mjs";
import { entryHTML } from "./helpers.mjs";

/** An entry with two links and a button, as a body with links and an embed might have. */
function richEntry(id, time, text = `Entry ${id}`, { pinned = false } = {}) {
  return (
    `<article id="entry-${id}" class="newsfeed-entry" data-entry-id="${id}" data-version="1"` +
    `${pinned ? " data-pinned" : ""}>` +
    `<a class="newsfeed-entry__time" href="/live/storm/?entry=${id}#entry-${id}">` +
    `<time datetime="${time}">${time}</time></a>` +
    `<p>${text} <a href="https://example.org/${id}">source</a></p><button type="button">Play</button>` +
    "</article>"
  );
}

test("an entry edited while a link in it has focus keeps focus on the same link", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [richEntry(2, T(2)), richEntry(1, T(1))],
    deltas: [{ results: [{ id: 2 }], cursor: "c1" }],
    html: { 2: richEntry(2, T(2), "Entry 2, corrected") },
  });
  document.querySelector('#entry-2 a[href="https://example.org/2"]').focus();

  await clock.advance(1000);

  assert.match(document.querySelector("#entry-2").textContent, /corrected/);
  assert.equal(document.activeElement, document.querySelector('#entry-2 a[href="https://example.org/2"]'));
});

test("focus on an element without a link goes to the one in the same place", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [richEntry(2, T(2)), richEntry(1, T(1))],
    deltas: [{ results: [{ id: 2 }], cursor: "c1" }],
    html: { 2: richEntry(2, T(2), "Entry 2, corrected") },
  });
  document.querySelector("#entry-2 button").focus();

  await clock.advance(1000);

  assert.equal(document.activeElement, document.querySelector("#entry-2 button"));
});

test("focus on a link the edit took out goes to the entry itself", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [richEntry(2, T(2)), richEntry(1, T(1))],
    deltas: [{ results: [{ id: 2 }], cursor: "c1" }],
    html: { 2: entryHTML(2, T(2), { text: "No links any more" }) },
  });
  document.querySelector("#entry-2 button").focus();

  await clock.advance(1000);

  const entry = document.querySelector("#entry-2");
  assert.equal(document.activeElement, entry);
  assert.equal(entry.getAttribute("tabindex"), "-1");
});

test("an entry given another time keeps focus where it moved to", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [richEntry(3, T(3)), richEntry(2, T(2)), richEntry(1, T(1))],
    deltas: [{ results: [{ id: 3 }], cursor: "c1" }],
    html: { 3: richEntry(3, T(0)) },
  });
  document.querySelector('#entry-3 a[href="https://example.org/3"]').focus();

  await clock.advance(1000);

  const ids = [...document.querySelectorAll("[data-newsfeed-entries] > [data-entry-id]")].map((e) => e.id);
  assert.deepEqual(ids, ["entry-2", "entry-1", "entry-3"]);
  assert.equal(document.activeElement, document.querySelector('#entry-3 a[href="https://example.org/3"]'));
});

test("an entry deleted while it holds focus hands focus to the entry after it", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [richEntry(3, T(3)), richEntry(2, T(2)), richEntry(1, T(1))],
    deltas: [{ results: [{ id: 2, deleted: true }], cursor: "c1" }],
  });
  document.querySelector("#entry-2 button").focus();

  await clock.advance(1000);

  assert.equal(document.querySelector("#entry-2"), null);
  assert.equal(document.activeElement, document.querySelector("#entry-1"));
  assert.equal(document.activeElement.getAttribute("tabindex"), "-1");
});

test("the last entry deleted while it holds focus hands it to the one before it", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [richEntry(2, T(2)), richEntry(1, T(1))],
    deltas: [{ results: [{ id: 1, deleted: true }], cursor: "c1" }],
  });
  document.querySelector("#entry-1 a").focus();

  await clock.advance(1000);

  assert.equal(document.activeElement, document.querySelector("#entry-2"));
});

test("the only entry deleted while it holds focus hands it to the list of updates", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [richEntry(1, T(1))],
    deltas: [{ results: [{ id: 1, deleted: true }], cursor: "c1" }],
  });
  document.querySelector("#entry-1 a").focus();

  await clock.advance(1000);

  assert.equal(document.activeElement, document.querySelector("section.newsfeed-entries"));
});

test("an entry without focus changes without moving the reader's focus", async () => {
  const { clock, document } = keyEventsFeed({
    entries: [richEntry(2, T(2)), richEntry(1, T(1))],
    deltas: [{ results: [{ id: 2 }, { id: 1, deleted: true }], cursor: "c1" }],
    html: { 2: richEntry(2, T(2), "Entry 2, corrected") },
  });
  const button = document.querySelector("#entry-2 a[href^='https']");
  document.body.focus();

  await clock.advance(1000);

  assert.notEqual(document.activeElement, document.querySelector("#entry-2"));
  assert.ok(document.activeElement === document.body || document.activeElement === null);
  assert.ok(button); // (the old link, now detached)
});

/** A page with an entry waiting behind the "new updates" button, and the reader's motion wish. */
async function revealWith(reducedMotion) {
  const { clock, dom, document, feed } = keyEventsFeed({
    entries: [entryHTML(1, T(1))],
    deltas: [{ results: [{ id: 2 }], cursor: "c1" }],
    html: { 2: entryHTML(2, T(2)) },
  });
  dom.window.matchMedia = (query) => ({
    matches: reducedMotion && query === "(prefers-reduced-motion: reduce)",
    media: query,
  });
  const scrolls = [];
  dom.window.HTMLElement.prototype.scrollIntoView = function scrollIntoView(options) {
    scrolls.push(options);
  };
  feed.readerHasScrolled = () => true; // Scrolled down: the new entry waits.
  await clock.advance(1000);
  document.querySelector("[data-newsfeed-new-updates]").click();
  return scrolls;
}

test("revealing new updates scrolls smoothly", async () => {
  assert.deepEqual(await revealWith(false), [{ behavior: "smooth", block: "start" }]);
});

test("revealing new updates jumps for a reader who asks for reduced motion", async () => {
  assert.deepEqual(await revealWith(true), [{ behavior: "auto", block: "start" }]);
});
