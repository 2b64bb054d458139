// The reference headless frontend: a tiny router over four pages, each built from the public
// API only (api.js). Routes, under /headless/:
//   ""                  article list, filterable by topic (?topic=<slug>), and live feeds
//   articles/<id>/      one article, every block type rendered from its JSON
//   feeds/<id>/         a live feed following delta sync
//   preview/?token=…&content_type=…   a draft from the admin's headless preview
// Each route is a view with an AbortSignal: going to another page aborts the last one's requests
// and live follower, and an answer that still arrives for it is dropped, never shown.
import { APIError, BASE, api } from "./api.js";
import { articleHref, renderBody } from "./blocks.js";
import { h, picture, richText, time } from "./dom.js";
import { fillEntries } from "./entries.js";
import { LiveFollower } from "./live.js";

const app = document.getElementById("app");
let view = null; // the AbortController of the page on screen

function feedHref(id) {
  return `${BASE}feeds/${encodeURIComponent(id)}/`;
}

function show(...children) {
  app.replaceChildren(...children.flat().filter(Boolean));
}

function showError(error) {
  const message =
    error instanceof APIError
      ? `${error.status}: ${error.message}`
      : "The news service cannot be reached right now.";
  show(h("div", { class: "error", role: "alert", "data-error": error.status || "" }, message));
}

// Article list -------------------------------------------------------------------------------

async function listPage(params, signal) {
  const topic = params.get("topic") || "";
  const [articles, topics, feeds] = await Promise.all([
    api.articles({ topic, cursor: params.get("cursor") || "", limit: 20 }, { signal }),
    api.topics({ signal }),
    api.feeds({ status: "live" }, { signal }),
  ]);
  if (signal.aborted) return;
  document.title = topic ? `News: ${topic}` : "News";
  const filter = h(
    "nav",
    { class: "topics", "aria-label": "Topics" },
    h("a", { href: BASE, "data-link": true, "aria-current": topic ? null : "page" }, "All"),
    topics.results.map((t) =>
      h(
        "a",
        {
          href: `${BASE}?topic=${encodeURIComponent(t.slug)}`,
          "data-link": true,
          "data-topic": t.slug,
          "aria-current": t.slug === topic ? "page" : null,
        },
        t.name,
      ),
    ),
  );
  const live = feeds.results.length
    ? h(
        "section",
        { class: "live-feeds" },
        h("h2", {}, "Live now"),
        h("ul", {}, feeds.results.map((f) => h("li", {}, h("a", { href: feedHref(f.id), "data-link": true }, f.title)))),
      )
    : null;
  const list = h(
    "ul",
    { class: "article-list", "data-articles": true },
    articles.results.map((a) =>
      h(
        "li",
        { class: "card", "data-article": a.id },
        picture(a.lead_image, "thumbnail"),
        h("div", {},
          a.is_breaking ? h("span", { class: "badge breaking" }, "Breaking") : null,
          h("h2", {}, h("a", { href: articleHref(a.id), "data-link": true }, a.title)),
          h("p", { class: "standfirst" }, a.standfirst),
          h("p", { class: "meta" }, time(a.published_at), a.topics.length ? ` · ${a.topics.map((t) => t.name).join(", ")}` : ""),
        ),
      ),
    ),
  );
  const more = articles.next
    ? h("a", { class: "more", href: `${BASE}?${new URLSearchParams({ topic, cursor: new URL(articles.next).searchParams.get("cursor") || "" })}`, "data-link": true }, "Older stories")
    : null;
  show(filter, live, articles.results.length ? list : h("p", { class: "muted" }, "No stories."), more);
}

// Article ------------------------------------------------------------------------------------

export function renderArticle(article) {
  return h(
    "article",
    { class: "article", "data-article-id": article.id },
    h(
      "header",
      {},
      article.is_breaking ? h("span", { class: "badge breaking" }, "Breaking") : null,
      h("h1", {}, article.title),
      article.standfirst ? h("p", { class: "standfirst" }, article.standfirst) : null,
      h(
        "p",
        { class: "meta" },
        article.dateline ? h("strong", {}, `${article.dateline} — `) : null,
        article.authors.length ? `By ${article.authors.map((a) => a.name).join(", ")} · ` : "",
        time(article.published_at || article.first_published_at),
        article.updated_at ? [" · Updated ", time(article.updated_at)] : null,
        article.source ? ` · ${article.source.name}` : "",
      ),
      article.topics.length
        ? h("p", { class: "topics" }, article.topics.map((t) => h("a", { href: `${BASE}?topic=${encodeURIComponent(t.slug)}`, "data-link": true }, t.name)))
        : null,
    ),
    article.lead_image
      ? h(
          "figure",
          { class: "lead" },
          picture(article.lead_image, "large"),
          h("figcaption", {}, article.lead_image_caption, article.lead_image_credit ? h("span", { class: "credit" }, article.lead_image_credit) : null),
        )
      : null,
    renderBody(article.body),
    article.corrections.length
      ? h(
          "section",
          { class: "corrections" },
          h("h2", {}, "Corrections and updates"),
          h("ul", {}, article.corrections.map((c) => h("li", {}, h("strong", {}, `${c.kind}: `), time(c.noted_at), " ", c.text))),
        )
      : null,
    article.related.length
      ? h(
          "section",
          { class: "related" },
          h("h2", {}, "Related"),
          h("ul", {}, article.related.map((r) => h("li", {}, h("a", { href: articleHref(r.id), "data-link": true }, r.title)))),
        )
      : null,
    article.tags.length ? h("p", { class: "tags" }, article.tags.map((t) => h("span", { class: "tag" }, t))) : null,
  );
}

async function articlePage(id, signal) {
  const article = await api.article(id, { signal });
  if (signal.aborted) return;
  document.title = article.seo.title || article.title;
  show(renderArticle(article));
}

// Live feed ----------------------------------------------------------------------------------

function feedHeader(feed) {
  return h(
    "header",
    { class: "feed-header", "data-feed-header": true },
    h("span", { class: `badge status-${feed.status}`, "data-status": feed.status }, feed.status),
    h("h1", {}, feed.title),
    feed.summary ? richText("div", { class: "summary" }, feed.summary) : null,
    feed.key_events.length
      ? h(
          "section",
          { class: "key-events" },
          h("h2", {}, "Key events"),
          h("ul", {}, feed.key_events.map((e) => h("li", {}, h("a", { href: `#entry-${e.id}` }, time(e.display_time, { hour: "2-digit", minute: "2-digit" }), " ", e.headline)))),
        )
      : null,
  );
}

export function renderFeed(feed, entries = []) {
  const pinnedSlot = h("section", { class: "pinned-slot", "data-pinned": true });
  const list = h("div", { class: "entries", "data-entries": true });
  fillEntries(list, pinnedSlot, feed, entries);
  const root = h("div", { class: "live-feed", "data-live": true, "data-feed-id": feed.id }, feedHeader(feed), pinnedSlot, list);
  return { root, list, pinnedSlot };
}

const FEED_PAGE_SIZE = 50;

async function feedPage(id, params, signal) {
  const [feed, page] = await Promise.all([
    api.feed(id, { signal }),
    api.entries(id, { limit: FEED_PAGE_SIZE }, { signal }),
  ]);
  if (signal.aborted) return;
  document.title = feed.title;
  const { root, list, pinnedSlot } = renderFeed(feed, page.results);
  show(root);
  const follower = new LiveFollower({
    feed,
    cursor: page.cursor,
    list,
    pinnedSlot,
    pageSize: FEED_PAGE_SIZE,
    complete: !page.next, // no later page: an entry may go after the last one shown
    interval: params.get("poll") || 5,
    onFeed: (fresh) => {
      if (signal.aborted) return;
      document.title = fresh.title;
      root.querySelector("[data-feed-header]").replaceWith(feedHeader(fresh));
    },
  });
  signal.addEventListener("abort", () => follower.stop());
  follower.start();
}

// Preview ------------------------------------------------------------------------------------

async function previewPage(params, signal) {
  const token = params.get("token");
  const contentType = params.get("content_type") || "";
  if (!token) {
    show(h("div", { class: "error", role: "alert" }, "This preview link has no token."));
    return;
  }
  const page = await api.preview(token, contentType, { signal });
  if (signal.aborted) return;
  const banner = h("div", { class: "preview-banner", role: "status", "data-preview": true }, "Preview — not published. This link expires in a few minutes.");
  document.title = `Preview: ${page.title}`;
  if (contentType === "wagtail_newsfeed.livefeedpage" || "entry_order" in page) {
    // A preview shows the state that was previewed; it does not follow the feed.
    show(banner, renderFeed(page, page.pinned ? [page.pinned] : []).root);
  } else {
    show(banner, renderArticle(page));
  }
}

// Router -------------------------------------------------------------------------------------

async function route() {
  view?.abort(); // the last page's requests and live follower
  view = new AbortController();
  const { signal } = view;
  const url = new URL(window.location.href);
  const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : "";
  let match;
  try {
    if (path === "" || path === "index.html") await listPage(url.searchParams, signal);
    else if ((match = path.match(/^articles\/(\d+)\/?$/))) await articlePage(match[1], signal);
    else if ((match = path.match(/^feeds\/(\d+)\/?$/))) await feedPage(match[1], url.searchParams, signal);
    else if (/^preview\/?$/.test(path)) await previewPage(url.searchParams, signal);
    else showError(new APIError(404, { detail: "No such page." }));
  } catch (error) {
    if (!signal.aborted) showError(error);
  }
  if (signal.aborted) return; // the reader went on to another page: it owns the screen now
  app.dataset.ready = path.split("/")[0] || "list";
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-link]");
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey || link.origin !== location.origin) return;
  event.preventDefault();
  history.pushState(null, "", link.href);
  route();
  window.scrollTo(0, 0);
});
window.addEventListener("popstate", route);
route();
