// live.js is promised as an ES2020 module served with no build step: acorn, held to ES2020, must
// parse it, so newer syntax cannot slip in and break the older browsers we promise to serve.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { parse } from "acorn";

const LIVE_JS = new URL("../../wagtail_newsfeed/static/wagtail_newsfeed/live.js", import.meta.url);
const ES2020 = { ecmaVersion: 2020, sourceType: "module" };

test("live.js parses as an ES2020 module", () => {
  const program = parse(readFileSync(LIVE_JS, "utf8"), ES2020);
  assert.equal(program.sourceType, "module");
  assert.ok(program.body.length > 0);
});

test("the ES2020 parser refuses logical assignment (ES2021)", () => {
  assert.throws(() => parse("let a, b; a ??= b;", ES2020), SyntaxError);
  parse("let a, b; a ??= b;", { ...ES2020, ecmaVersion: 2021 }); // the snippet itself is valid
});

test("the ES2020 parser refuses class static blocks (ES2022)", () => {
  const snippet = "class A { static { this.x = 1; } }";
  assert.throws(() => parse(snippet, ES2020), SyntaxError);
  parse(snippet, { ...ES2020, ecmaVersion: 2022 });
});

test("the ES2020 parser refuses top-level await (ES2022) but accepts ?. and ?? (ES2020)", () => {
  assert.throws(() => parse("await Promise.resolve(1);", ES2020), SyntaxError);
  parse("const a = {}; const b = a?.c ?? 1;", ES2020);
});
