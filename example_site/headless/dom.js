// Building DOM safely: text is always inserted as text; the only HTML inserted is the rich text
// the API has already sanitised (paragraphs, fact boxes, feed summaries), through richText().

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

/** A container holding the API's sanitised rich text HTML. */
export function richText(tag, attrs, html) {
  const element = h(tag, attrs);
  element.innerHTML = typeof html === "string" ? html : "";
  return element;
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
