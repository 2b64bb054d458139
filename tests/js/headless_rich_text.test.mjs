// The reference headless frontend's richText(): the API's rich text, with only rich text tags and
// safe links kept all the same (a second line of defence behind the API's own cleaning).
import assert from "node:assert/strict";
import { test } from "node:test";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><body></body>", { url: "https://front.example/story" });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.Node = dom.window.Node;
const { richText } = await import("../../example_site/headless/dom.js");

test("scripts, handlers and javascript: links never reach the page", () => {
  const element = richText(
    "div",
    { class: "block-paragraph" },
    '<p><img src=x onerror="window.__xss=1"><a href="javascript:alert(1)" onclick="x()">js</a>' +
      "<script>window.__xss=2</script><svg onload=\"x()\"><b>words</b></svg></p>",
  );
  assert.equal(element.innerHTML, "<p><a>js</a><b>words</b></p>");
});

test("clean rich text is kept as the API gave it", () => {
  const html =
    '<p>A <a href="https://example.org/a?b=1&amp;c=2">link</a>, <b>bold</b> and <i>it</i></p>' +
    '<ul><li>One<br>two</li></ul><p><a href="mailto:desk@example.org">mail</a> <a href="#top">up</a></p>';
  assert.equal(richText("div", {}, html).innerHTML, html);
});

test("relative links are made absolute on the frontend's address", () => {
  const element = richText("div", {}, '<p><a href="/news/story/">story</a></p>');
  assert.equal(element.innerHTML, '<p><a href="https://front.example/news/story/">story</a></p>');
});

test("a table's empty header cell is a plain cell, as on the server page", async () => {
  const { renderBody } = await import("../../example_site/headless/blocks.js");
  const body = renderBody([
    {
      type: "table",
      value: {
        rows: [["", "2025", "2026"], ["Votes", "10", "20"]],
        first_row_is_header: true,
        first_col_is_header: true,
        caption: "",
        spans: [],
      },
    },
  ]);
  const cells = [...body.querySelectorAll("th, td")].map((cell) => `${cell.localName}:${cell.textContent}`);
  assert.deepEqual(cells, ["td:", "th:2025", "th:2026", "th:Votes", "td:10", "td:20"]);
});

test("a source or embed URL that is not http(s) is shown without a link", async () => {
  const { renderBody } = await import("../../example_site/headless/blocks.js");
  const body = renderBody([
    { type: "source_credit", value: { source: { name: "Wire", slug: "wire", url: "javascript:alert(1)" }, note: "" } },
    { type: "source_credit", value: { source: { name: "Agency", slug: "agency", url: null }, note: "" } },
    { type: "embed", value: { url: " JaVa\tScRiPt:alert(1)", html: "", caption: "Clip" } },
    { type: "source_credit", value: { source: { name: "Desk", slug: "desk", url: "https://desk.example/" }, note: "" } },
  ]);
  assert.deepEqual(
    [...body.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("href")]),
    [["Desk", "https://desk.example/"]],
  );
  assert.match(body.textContent, /Wire/);
  assert.match(body.textContent, /Agency/);
});

test("a live entry's body headings sit below its headline, or at h2 without one", async () => {
  const { renderEntry } = await import("../../example_site/headless/entries.js");
  const body = [{ type: "heading", value: { text: "Section", level: "h2" } }];
  const tags = (entry) => [...renderEntry(entry).querySelectorAll("h2, h3, h4")].map((e) => e.localName);
  const entry = { id: 1, display_time: "2026-01-01T09:00:00Z", version: 1, authors: [], body };
  assert.deepEqual(tags({ ...entry, headline: "Storm" }), ["h2", "h3"]);
  assert.deepEqual(tags({ ...entry, headline: "" }), ["h2"]);
});
