// Every block type of the API's `body` (wagtail_newsfeed/blocks.py, typed as `Block` in the
// schema), rendered from its JSON. An unknown type (a newer server) is skipped, not an error.
// Headings follow the server's outline (the newsfeed_heading template tag): a body's section
// headings and box titles are at its base level (an article's h2, under its h1; a live entry's h3,
// under its h2 headline, or h2 if it has none), a heading stored as "h3" one below, never past h6.
import { BASE } from "./api.js";
import { h, picture, richText, safeUrl } from "./dom.js";

const renderers = {
  paragraph: (value) => richText("div", { class: "block-paragraph" }, value),

  heading: (value, base) =>
    h(headingTag(base, value.level), { class: "block-heading" }, value.text),

  image: (value) =>
    h(
      "figure",
      { class: "block-image" },
      picture(value.image, "large", value.alt),
      value.caption || value.credit
        ? h("figcaption", {}, value.caption, value.credit ? h("span", { class: "credit" }, value.credit) : null)
        : null,
    ),

  quote: (value) =>
    h(
      "blockquote",
      { class: "block-quote" },
      h("p", {}, value.text),
      value.attribution ? h("cite", {}, value.attribution) : null,
    ),

  pull_quote: (value) =>
    h(
      "aside",
      { class: "block-pull-quote" },
      h("p", {}, value.text),
      value.attribution ? h("cite", {}, value.attribution) : null,
    ),

  // Provider HTML is not sanitised rich text: link to the media instead of inserting it.
  embed: (value) =>
    h(
      "figure",
      { class: "block-embed" },
      value.url && safeUrl(value.url) ? h("a", { href: value.url, rel: "noopener noreferrer" }, value.url) : null,
      value.caption ? h("figcaption", {}, value.caption) : null,
    ),

  key_points: (value, base) =>
    h(
      "section",
      { class: "block-key-points" },
      value.title ? h(headingTag(base), {}, value.title) : null,
      h("ul", {}, (value.points || []).map((point) => h("li", {}, point))),
    ),

  fact_box: (value, base) =>
    h(
      "aside",
      { class: "block-fact-box" },
      value.title ? h(headingTag(base), {}, value.title) : null,
      richText("div", {}, value.body),
    ),

  table: (value) => {
    const rows = value.rows || [];
    // A merged cell spans the ones it covers, which the API gives as null (readers do not see
    // them): they are left out, as the server's template leaves them out.
    const spans = new Map((value.spans || []).map((span) => [`${span.row},${span.col}`, span]));
    const cell = (text, rowIndex, colIndex) => {
      if (text === null) return null;
      // An empty header cell (a table's corner) is a plain cell, as on the server page: a header
      // that names nothing is an accessibility error.
      const header =
        ((value.first_row_is_header && rowIndex === 0) || (value.first_col_is_header && colIndex === 0)) &&
        String(text).trim() !== "";
      const span = spans.get(`${rowIndex},${colIndex}`);
      const attrs = span ? { rowspan: span.rowspan, colspan: span.colspan } : {};
      return h(header ? "th" : "td", attrs, text);
    };
    const head = value.first_row_is_header && rows.length ? rows[0] : null;
    const bodyRows = head ? rows.slice(1) : rows;
    const offset = head ? 1 : 0;
    return h(
      "table",
      { class: "block-table" },
      value.caption ? h("caption", {}, value.caption) : null,
      head ? h("thead", {}, h("tr", {}, head.map((text, col) => cell(text, 0, col)))) : null,
      h(
        "tbody",
        {},
        bodyRows.map((row, index) =>
          h("tr", {}, row.map((text, col) => cell(text, index + offset, col))),
        ),
      ),
    );
  },

  related_article: (value) =>
    value.page
      ? h(
          "aside",
          { class: "block-related" },
          h("span", { class: "label" }, value.label || "Related"),
          " ",
          h("a", { href: articleHref(value.page.id) }, value.page.title),
        )
      : null, // not public (any more): nothing to show

  document: (value) =>
    value.document
      ? h(
          "p",
          { class: "block-document" },
          h("a", { href: value.document.url }, value.title || value.document.title),
          value.document.file_extension ? ` (${value.document.file_extension.toUpperCase()})` : "",
        )
      : null,

  source_credit: (value) =>
    h(
      "p",
      { class: "block-source-credit" },
      value.source
        ? value.source.url && safeUrl(value.source.url) // a stored javascript: website: the name, not a link
          ? h("a", { href: value.source.url, rel: "noopener noreferrer" }, value.source.name)
          : value.source.name
        : null,
      value.note ? ` ${value.note}` : "",
    ),

  timeline: (value, base) =>
    h(
      "section",
      { class: "block-timeline" },
      value.title ? h(headingTag(base), {}, value.title) : null,
      h(
        "ol",
        {},
        (value.events || []).map((event) =>
          h(
            "li",
            {},
            h("strong", { class: "when" }, event.when),
            " ",
            h("span", { class: "title" }, event.title),
            event.description ? h("p", {}, event.description) : null,
          ),
        ),
      ),
    ),
};

/** The tag of a heading a block asks for (`"h2"`, or `"h3"` below it) in a body whose section
 * headings are at `base` (2 or more), never past h6. */
export function headingTag(base, level = "h2") {
  return `h${Math.min(6, Math.max(2, base) + (level === "h3" ? 1 : 0))}`;
}

export function articleHref(id) {
  return `${BASE}articles/${encodeURIComponent(id)}/`;
}

/** The DOM of a `body` array; `headingLevel` is the level of its section headings (2 in an
 * article, 3 in a live entry, under its h2 headline). */
export function renderBody(blocks, { headingLevel = 2 } = {}) {
  const container = h("div", { class: "body" });
  for (const block of blocks || []) {
    const render = renderers[block && block.type];
    if (!render) continue;
    const element = render(block.value || {}, headingLevel);
    if (element) {
      element.dataset.blockType = block.type;
      container.append(element);
    }
  }
  return container;
}

export const BLOCK_TYPES = Object.keys(renderers);
