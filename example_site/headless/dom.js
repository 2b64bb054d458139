// Building DOM safely: text is always inserted as text; the only HTML inserted is the rich text
// the API has already sanitised (paragraphs, fact boxes, feed summaries), through richText(),
// which keeps only the rich text tags of it all the same.

/** `h("a", {href, class}, "text", child)`: an element; strings become text nodes (escaped). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "href" || name === "src") {
      const safe = safeUrl(value);
      if (safe) element.setAttribute(name, safe);
    } else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Only http(s) and same-site links: a `javascript:` URL in content never becomes a link. */
export function safeUrl(value) {
  try {
    const url = new URL(String(value), document.baseURI);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** The tags rich text can hold (the editor's features); anything else keeps only its text. */
const RICH_TEXT_TAGS = new Set(
  ["P", "BR", "B", "STRONG", "I", "EM", "A", "UL", "OL", "LI", "SUP", "SUB", "H2", "H3", "H4", "HR"],
);
const DROPPED_WITH_TEXT = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "NOSCRIPT"]);

/** A container holding the API's sanitised rich text HTML. The API cleans it (every stored value,
 * however it was written); as a second line of defence it is parsed inert (a <template> runs no
 * script and loads no image) and only the rich text tags, with safe links, are kept. */
export function richText(tag, attrs, html) {
  const element = h(tag, attrs);
  const template = document.createElement("template");
  template.innerHTML = typeof html === "string" ? html : "";
  keepRichText(template.content);
  element.append(template.content);
  return element;
}

function keepRichText(parent) {
  for (const node of [...parent.childNodes]) {
    if (node.nodeType === Node.TEXT_NODE) continue;
    if (node.nodeType !== Node.ELEMENT_NODE || DROPPED_WITH_TEXT.has(node.tagName)) {
      node.remove();
      continue;
    }
    keepRichText(node);
    if (!RICH_TEXT_TAGS.has(node.tagName)) {
      node.replaceWith(...node.childNodes);
      continue;
    }
    const href = node.tagName === "A" ? safeLink(node.getAttribute("href")) : null;
    for (const name of node.getAttributeNames()) node.removeAttribute(name);
    if (href) node.setAttribute("href", href);
  }
}

/** `safeUrl`, plus mailto: and in-page links, as the editor's link feature allows. */
function safeLink(value) {
  if (value === null) return null;
  if (value.startsWith("#")) return value;
  if (/^mailto:/i.test(value.trim())) return value.trim();
  return safeUrl(value);
}

export function formatTime(value, options = { dateStyle: "medium", timeStyle: "short" }) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : new Intl.DateTimeFormat(undefined, options).format(date);
}

export function time(value, options) {
  return value ? h("time", { datetime: value }, formatTime(value, options)) : null;
}

/** The best rendition of an API image JSON for `preferred` (falls back through the others). */
export function picture(image, preferred = "medium", alt) {
  if (!image) return null;
  const renditions = image.renditions || {};
  const rendition =
    renditions[preferred] || renditions.medium || renditions.large || renditions.thumbnail;
  if (!rendition) return null;
  return h("img", {
    src: rendition.url,
    width: rendition.width,
    height: rendition.height,
    alt: alt ?? image.alt ?? "",
    loading: "lazy",
  });
}
