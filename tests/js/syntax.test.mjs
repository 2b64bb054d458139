// live.js is promised as an ES2020 module served with no build step: acorn, held to ES2020, must
// parse it, so newer syntax cannot slip in and break the older browsers we promise to serve.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
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

// The reference headless frontend is promised as plain ES modules with no build step that use
// only the public API: every file parses as a module, imports only its sibling files (a bare
// specifier would need a bundler), and only api.js calls fetch, under the API's root.
const HEADLESS = new URL("../../example_site/headless/", import.meta.url);

function nodesOf(node, type, found = []) {
  if (node && typeof node.type === "string" && node.type === type) found.push(node);
  for (const value of Object.values(node ?? {})) {
    if (value && typeof value === "object") {
      for (const child of Array.isArray(value) ? value : [value]) nodesOf(child, type, found);
    }
  }
  return found;
}

test("the headless frontend is ES modules importing only each other, fetching only the API", () => {
  const files = readdirSync(HEADLESS).filter((name) => name.endsWith(".js"));
  assert.ok(files.includes("api.js") && files.length >= 5, files.join(", "));
  for (const name of files) {
    const source = readFileSync(new URL(name, HEADLESS), "utf8");
    const program = parse(source, { ecmaVersion: "latest", sourceType: "module" });
    for (const declaration of nodesOf(program, "ImportDeclaration")) {
      assert.match(declaration.source.value, /^\.\/[a-z]+\.js$/, `${name} imports ${declaration.source.value}`);
      assert.ok(files.includes(declaration.source.value.slice(2)), declaration.source.value);
    }
    const fetches = nodesOf(program, "CallExpression").filter((call) => call.callee.name === "fetch");
    assert.equal(fetches.length, name === "api.js" ? 1 : 0, `${name} calls fetch`);
  }
  assert.match(readFileSync(new URL("api.js", HEADLESS), "utf8"), /"\/api\/newsfeed\/v1\/"/);
});
