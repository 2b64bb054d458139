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
      entry.headline ? h("h3", {}, entry.headline) : null,
    ),
    renderBody(entry.body),
    entry.authors?.length
      ? h("p", { class: "byline" }, entry.authors.map((a) => a.name).join(", "))
      : null,
  );
}
