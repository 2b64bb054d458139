// The reference headless frontend: a tiny router over four pages, each built from the public
// API only (api.js). Routes, under /headless/:
//   ""                  article list, filterable by topic (?topic=<slug>), and live feeds
//   articles/<id>/      one article, every block type rendered from its JSON
//   feeds/<id>/         a live feed following delta sync
//   preview/?token=…&content_type=…   a draft from the admin's headless preview
import { APIError, BASE, api } from "./api.js";
import { articleHref, renderBody } from "./blocks.js";
import { h, picture, richText, time } from "./dom.js";
import { renderEntry } from "./entries.js";
import { LiveFollower } from "./live.js";

const app = document.getElementById("app");
let follower = null;

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

async function listPage(params) {
  const topic = params.get("topic") || "";
  const [articles, topics, feeds] = await Promise.all([
    api.articles({ topic, cursor: params.get("cursor") || "", limit: 20 }),
    api.topics(),
    api.feeds({ status: "live" }),
  ]);
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

async function articlePage(id) {
  const article = await api.article(id);
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
  const pinnedSlot = h("section", { class: "pinned-slot", "data-pinned": true, hidden: !feed.pinned });
  if (feed.pinned) pinnedSlot.append(renderEntry(feed.pinned));
  const list = h(
    "div",
    { class: "entries", "data-entries": true },
    entries.filter((e) => !e.is_pinned).map((e) => renderEntry(e)),
  );
  const root = h("div", { class: "live-feed", "data-live": true, "data-feed-id": feed.id }, feedHeader(feed), pinnedSlot, list);
  return { root, list, pinnedSlot };
}

async function feedPage(id, params) {
  const [feed, page] = await Promise.all([api.feed(id), api.entries(id, { limit: 50 })]);
  document.title = feed.title;
  const { root, list, pinnedSlot } = renderFeed(feed, page.results);
  show(root);
  follower = new LiveFollower({
    feed,
    cursor: page.cursor,
    list,
    pinnedSlot,
    interval: params.get("poll") || 5,
    onFeed: (fresh) => root.querySelector("[data-feed-header]").replaceWith(feedHeader(fresh)),
  });
  follower.start();
}

// Preview ------------------------------------------------------------------------------------

async function previewPage(params) {
  const token = params.get("token");
  const contentType = params.get("content_type") || "";
  if (!token) {
    show(h("div", { class: "error", role: "alert" }, "This preview link has no token."));
    return;
  }
  const page = await api.preview(token, contentType);
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
  follower?.stop();
  follower = null;
  const url = new URL(window.location.href);
  const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : "";
  let match;
  try {
    if (path === "" || path === "index.html") await listPage(url.searchParams);
    else if ((match = path.match(/^articles\/(\d+)\/?$/))) await articlePage(match[1]);
    else if ((match = path.match(/^feeds\/(\d+)\/?$/))) await feedPage(match[1], url.searchParams);
    else if (/^preview\/?$/.test(path)) await previewPage(url.searchParams);
    else showError(new APIError(404, { detail: "No such page." }));
  } catch (error) {
    showError(error);
  }
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
