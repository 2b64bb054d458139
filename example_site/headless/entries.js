// One live entry (the API's Entry JSON) as an <article>.
import { renderBody } from "./blocks.js";
import { h, time } from "./dom.js";

export function renderEntry(entry, { fresh = false } = {}) {
  return h(
    "article",
    {
      id: `entry-${entry.id}`,
      class: ["entry", entry.is_key_event && "key-event", entry.is_pinned && "pinned", fresh && "fresh"]
        .filter(Boolean)
        .join(" "),
      "data-entry": entry.id,
      "data-display-time": entry.display_time,
      "data-version": entry.version,
    },
    h(
      "header",
      {},
      time(entry.display_time, { hour: "2-digit", minute: "2-digit" }),
      entry.is_pinned ? h("span", { class: "badge" }, "Pinned") : null,
      entry.is_key_event ? h("span", { class: "badge key" }, "Key event") : null,
      entry.headline ? h("h2", {}, entry.headline) : null,
    ),
    // Under the h2 headline, or at h2 without one (no h3 straight after the h1), as on the server.
    renderBody(entry.body, { headingLevel: entry.headline ? 3 : 2 }),
    entry.authors?.length
      ? h("p", { class: "byline" }, entry.authors.map((a) => a.name).join(", "))
      : null,
  );
}

/** Fill a live page's entry list and pinned slot from a feed and a page of its entries (first
 * render, and again from scratch when delta sync has to start over). */
export function fillEntries(list, pinnedSlot, feed, entries) {
  list.replaceChildren(...entries.filter((e) => !e.is_pinned).map((e) => renderEntry(e)));
  pinnedSlot.replaceChildren(...(feed.pinned ? [renderEntry(feed.pinned)] : []));
  pinnedSlot.hidden = !feed.pinned;
}
