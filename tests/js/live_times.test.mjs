// live.js writes entry times in the reader's time zone and the page's language: the date that
// screen readers hear beside each time must be that same day, not the server's. The time zone is
// fixed here (this file runs in a process of its own) far from the server's, so the day differs.
process.env.TZ = "Pacific/Auckland";

import assert from "node:assert/strict";
import { test } from "node:test";

import { boot } from "../../wagtail_newsfeed/static/wagtail_newsfeed/live.js";
import { FakeClock, envFor, fakeFetch, livePage, response } from "./helpers.mjs";

/** An entry as includes/live_entry.html renders it on a server in New York. */
function entryAsRendered(id, datetime, time, date) {
  return (
    `<article id="entry-${id}" class="newsfeed-entry" data-entry-id="${id}" data-version="1">` +
    `<header class="newsfeed-entry__header"><a class="newsfeed-entry__time" href="#entry-${id}">` +
    `<time datetime="${datetime}">${time}</time>` +
    `<span class="newsfeed-visually-hidden" data-newsfeed-date> ${date}</span></a></header>` +
    `<p>Entry ${id}</p></article>`
  );
}

function bootPage(lang, entries) {
  const dom = livePage({ lang, entries });
  const clock = new FakeClock();
  const fetch = fakeFetch(clock, () => response(200, { results: [], has_more: false }));
  boot(envFor(dom, clock, fetch));
  return dom.window.document;
}

test("the date screen readers hear is the reader's day, in the page's language", () => {
  // 18:23 on 3 June 2025 in New York is 10:23 on 4 June in Auckland.
  const document = bootPage("en-GB", [
    entryAsRendered(1, "2025-06-03T18:23:00-04:00", "18:23", "3 June 2025"),
  ]);
  const link = document.querySelector(".newsfeed-entry__time");

  assert.match(link.querySelector("time").textContent, /^4 Jun(,| at)? 10:23$/);
  assert.equal(link.querySelector("[data-newsfeed-date]").textContent, " 4 June 2025");
  assert.doesNotMatch(link.textContent, /3 June/);
});

test("the spoken date follows the page's language too", () => {
  const document = bootPage("de", [
    entryAsRendered(2, "2025-06-03T18:23:00-04:00", "18:23", "3 June 2025"),
  ]);
  assert.equal(document.querySelector("[data-newsfeed-date]").textContent, " 4. Juni 2025");
});

test("an unreadable time leaves the server's words alone", () => {
  const document = bootPage("en-GB", [entryAsRendered(3, "not a time", "18:23", "3 June 2025")]);
  assert.equal(document.querySelector("time").textContent, "18:23");
  assert.equal(document.querySelector("[data-newsfeed-date]").textContent, " 3 June 2025");
});
