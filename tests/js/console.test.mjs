// live.js in the admin live console: the same poller, pointed at the console's list of entries.
import assert from "node:assert/strict";
import { test } from "node:test";

import { JSDOM } from "jsdom";

import { boot } from "../../wagtail_newsfeed/static/wagtail_newsfeed/live.js";
import { FakeClock, envFor, fakeFetch, response } from "./helpers.mjs";

const list = (version, text) =>
  `<div data-console-version="${version}"><ul class="newsfeed-console__entries">` +
  `<li id="console-entry-1"><button type="button">Pin</button> ${text}</li></ul></div>`;

/** The console page as console.html renders it (the parts live.js uses). */
function consolePage(answer, { interval = "2000" } = {}) {
  const dom = new JSDOM(
    `<!doctype html><body><form data-newsfeed-composer><textarea name="headline"></textarea></form>
    <div data-newsfeed-console-entries data-url="/admin/newsfeed/feeds/7/console/?partial=entries"
      data-poll-interval-ms="${interval}">${list("v1", "First")}</div></body>`,
    { url: "https://news.example/admin/newsfeed/feeds/7/console/", pretendToBeVisual: true },
  );
  const clock = new FakeClock();
  const fetch = fakeFetch(clock, answer);
  const started = boot(envFor(dom, clock, fetch));
  const box = dom.window.document.querySelector("[data-newsfeed-console-entries]");
  return { dom, clock, fetch, started, box };
}

test("the console starts its own poller and no reader feed", () => {
  const { started } = consolePage(() => 204);
  assert.ok(started.console);
  assert.equal(started.feed, undefined);
});

test("asks with the version shown; 204 leaves the list alone, a new version replaces it", async () => {
  const answers = [response(204), response(200, list("v2", "Second")), response(204)];
  const { clock, fetch, box } = consolePage(() => answers.shift());
  const before = box.firstElementChild;

  await clock.advance(2000);
  assert.equal(box.firstElementChild, before);
  await clock.advance(2000);
  assert.equal(
    box.querySelector("[data-console-version]").getAttribute("data-console-version"),
    "v2",
  );
  assert.match(box.textContent, /Second/);
  await clock.advance(2000);
  assert.deepEqual(fetch.urls(), [
    "/admin/newsfeed/feeds/7/console/?partial=entries&version=v1",
    "/admin/newsfeed/feeds/7/console/?partial=entries&version=v1",
    "/admin/newsfeed/feeds/7/console/?partial=entries&version=v2",
  ]);
  assert.deepEqual(fetch.times(), [2000, 4000, 6000]);
  assert.equal(fetch.calls[0].init.headers.Accept, "text/html");
});

test("the same version is not rendered again (a stale answer never replaces the list)", async () => {
  const { clock, box } = consolePage(() => response(200, list("v1", "Stale copy")));
  const before = box.firstElementChild;
  await clock.advance(2000);
  assert.equal(box.firstElementChild, before);
  assert.match(box.textContent, /First/);
});

test("the list is left alone while an editor has focus in it", async () => {
  const { dom, clock, fetch, box } = consolePage(() => response(200, list("v2", "Second")));
  box.querySelector("button").focus();
  assert.equal(dom.window.document.activeElement.tagName, "BUTTON");

  await clock.advance(6000);
  assert.equal(fetch.calls.length, 0);
  box.querySelector("button").blur();
  await clock.advance(2000);
  assert.equal(fetch.calls.length, 1);
  assert.match(box.textContent, /Second/);
});

test("errors and timeouts back off; polling goes on", async () => {
  const answers = [500, "hang", 502, response(204)];
  const { clock, fetch, started } = consolePage(() => answers.shift() ?? response(204));

  // 2 s interval, random() = 0: waits of 2, 4 s after failures; the hang times out after 10 s.
  await clock.advance(30000);
  const times = fetch.times();
  assert.deepEqual(times.slice(0, 4), [2000, 4000, 18000, 26000]);
  assert.equal(started.console.poller.failures, 0);
  assert.equal(started.console.poller.stopped, false);
});

for (const status of [404, 410]) {
  test(`stops on ${status} (the feed was deleted)`, async () => {
    const { clock, fetch, box } = consolePage(() => status);
    await clock.advance(60000);
    assert.equal(fetch.calls.length, 1);
    assert.ok(box.hasAttribute("data-live-stopped"));
    assert.equal(clock.pending, 0);
  });
}

test("the console's pace is never below half a second, whatever the page says", async () => {
  const { clock, fetch } = consolePage(() => 204, { interval: "0" });
  await clock.advance(2000);
  assert.equal(fetch.calls.length, 4);
});
