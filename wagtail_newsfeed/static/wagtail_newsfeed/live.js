/*
 * wagtail-newsfeed live.js: keeps a live feed page, and the editors' live console, up to date
 * without reloading.
 *
 * An ES2020 module with no build step and no dependencies, served as a static file and loaded with
 * <script type="module">. The pages work without it; it only improves them.
 *
 * - Poller: one polling loop (timeout per request, exponential back-off with jitter on failures
 *   and timeouts, pause while the tab is hidden, stop for good only when the feed is gone).
 * - LiveFeed: the reader's live page. Polls the API's delta endpoint with the page's cursor and,
 *   when entries changed, fetches their HTML (rendered by the same templates as the page) from the
 *   fragments endpoint. Configured by data attributes on its <script data-newsfeed-live-script>
 *   (written by {% live_feed_script page %}); its words come from <script
 *   id="newsfeed-live-strings">. See docs/live-feeds.md and docs/templates.md.
 * - ConsoleEntries: the admin console's list of entries, refreshed from ?partial=entries.
 *
 * Every reader in the same state asks for the same URLs (no per-reader cache-busting): a cache in
 * front of the site (Varnish) answers them all with one response.
 *
 * The browser (fetch, timers, document) comes in as `env`, so the tests (tests/js/) drive it with
 * a fake clock and a fake fetch.
 */

/**
 * A response that was not 2xx. `status` decides whether polling backs off or stops;
 * `retryAfter` is the wait in ms the server asked for (`Retry-After` of a 429 or 503), or null.
 */
export class HttpError extends Error {
  constructor(status, retryAfter = null) {
    super(`HTTP ${status}`);
    this.name = "HttpError";
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/**
 * A `Retry-After` header's wait in ms: delta-seconds or an HTTP date (RFC 9110), null when
 * absent or unreadable. `now` is the current time in ms, for a date.
 */
export function parseRetryAfter(value, now) {
  const text = (value || "").trim();
  if (/^[0-9]+$/.test(text)) {
    return Number(text) * 1000;
  }
  // An HTTP date starts with the day's name ("Wed, 21 Oct 2015 07:28:00 GMT"): "-5" is no date.
  const at = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A request that took longer than the poller's timeout: a failure like any other. */
export class TimeoutError extends Error {
  constructor(url) {
    super(`Timed out: ${url}`);
    this.name = "TimeoutError";
  }
}

/** The browser's globals, or a test's stand-ins for any of them. */
export function browserEnv(overrides = {}) {
  const g = globalThis;
  return {
    window: g.window,
    document: g.document,
    fetch: g.fetch ? g.fetch.bind(g) : undefined,
    now: Date.now,
    setTimeout: g.setTimeout.bind(g),
    clearTimeout: g.clearTimeout.bind(g),
    random: Math.random,
    ...overrides,
  };
}

/**
 * Fetch `url` and read its body, giving up after `timeout` ms: the request is aborted and the
 * promise rejects with a TimeoutError (even if the fetch ignores the abort signal). The timeout
 * covers reading the body too, so a response that stalls halfway cannot hang the poller.
 * 204 and 304 (a cache revalidated what the browser has) carry no body: `body` is null.
 */
export function request(env, url, { timeout, accept = "application/json", read = "json" } = {}) {
  const controller = typeof AbortController === "function" ? new AbortController() : null;
  let timer = null;
  const expired = new Promise((resolve, reject) => {
    timer = env.setTimeout(() => {
      if (controller) {
        controller.abort();
      }
      reject(new TimeoutError(url));
    }, timeout);
  });
  const work = (async () => {
    const response = await env.fetch(url, {
      credentials: "same-origin",
      headers: { Accept: accept },
      signal: controller ? controller.signal : undefined,
    });
    if (response.status === 204 || response.status === 304) {
      return { status: response.status, body: null };
    }
    if (!response.ok) {
      const header = response.headers ? response.headers.get("Retry-After") : null;
      throw new HttpError(response.status, parseRetryAfter(header, now(env)));
    }
    const body = read === "text" ? await response.text() : await response.json();
    return { status: response.status, body };
  })();
  return Promise.race([work, expired]).finally(() => env.clearTimeout(timer));
}

/** The current time in ms from `env` (a test's clock), or the browser's. */
function now(env) {
  return env.now ? env.now() : Date.now();
}

/** The longest `Retry-After` honoured, so a mistaken header cannot end polling for hours. */
export const MAX_RETRY_AFTER = 10 * 60 * 1000;

/**
 * One polling loop. `step()` does one poll and resolves to the delay before the next (or
 * undefined for the normal interval); if it throws, the loop backs off (at least as long as a
 * `Retry-After` asks, up to MAX_RETRY_AFTER), unless the error's HTTP status is in `stopOn` (the
 * feed is gone), which ends polling for good. A wait is kept across a hidden tab: shown again,
 * the page polls at once unless a back-off is still running, and then when it ends.
 */
export class Poller {
  constructor({ step, interval, maxInterval, stopOn = [404, 410], env, onStop = null }) {
    this.step = step;
    this.interval = interval;
    this.maxInterval = Math.max(interval, maxInterval || interval);
    this.stopOn = stopOn;
    this.env = env;
    this.onStop = onStop;
    this.failures = 0;
    this.timer = null;
    this.busy = false;
    this.stopped = false;
    this.notBefore = 0; // When a back-off ends (ms): no poll before then, visible again or not.
  }

  get hidden() {
    return Boolean(this.env.document && this.env.document.hidden);
  }

  /** Wait `delay` ms (the interval by default), then poll; replaces any wait already set. */
  schedule(delay = this.interval) {
    this.clearTimer();
    if (this.stopped || this.hidden) {
      return;
    }
    this.timer = this.env.setTimeout(() => {
      this.timer = null;
      this.poll();
    }, delay);
  }

  clearTimer() {
    if (this.timer !== null) {
      this.env.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /**
   * The wait after `failures` failures in a row: the interval doubled each time up to the
   * maximum, with "equal jitter" (half of it fixed, half random), so that thousands of readers
   * whose polls failed together (a deploy, a blip) do not all come back in the same second.
   */
  backoff(failures = this.failures) {
    const delay = Math.min(this.maxInterval, this.interval * 2 ** failures);
    return delay / 2 + this.env.random() * (delay / 2);
  }

  /** The wait after a failure: the back-off, or longer when the server asked for longer (with
   * up to one interval of jitter, so readers told the same `Retry-After` do not return at once). */
  failureDelay(error) {
    const delay = this.backoff();
    const asked = error instanceof HttpError ? error.retryAfter : null;
    if (asked === null || asked === undefined) {
      return delay;
    }
    return Math.max(delay, Math.min(asked, MAX_RETRY_AFTER) + this.env.random() * this.interval);
  }

  async poll() {
    if (this.busy || this.stopped || this.hidden) {
      return;
    }
    this.busy = true;
    let next;
    try {
      next = await this.step();
    } catch (error) {
      this.busy = false;
      if (error instanceof HttpError && this.stopOn.includes(error.status)) {
        this.stop();
        return;
      }
      this.failures += 1;
      const delay = this.failureDelay(error);
      this.notBefore = now(this.env) + delay;
      this.schedule(delay);
      return;
    }
    this.busy = false;
    this.failures = 0;
    this.notBefore = 0;
    this.schedule(next === undefined || next === null ? this.interval : next);
  }

  stop() {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.clearTimer();
    if (this.onStop) {
      this.onStop();
    }
  }

  /** Poll while the tab is visible; catch up as soon as it is shown again. */
  watchVisibility() {
    const document = this.env.document;
    if (!document) {
      return;
    }
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) {
        this.clearTimer();
      } else if (!this.stopped) {
        this.schedule(Math.max(0, this.notBefore - now(this.env)));
      }
    });
  }
}

/** `base` with `params` appended to its query string, in the order given (stable URLs). */
export function withQuery(base, params) {
  const query = Object.entries(params)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join("&");
  return base + (base.includes("?") ? "&" : "?") + query;
}

/** Seconds from a data attribute as ms, at least `min` seconds, `fallback` seconds if unset. */
function seconds(value, fallback, min = 0.5) {
  const number = parseFloat(value);
  return Math.max(min, Number.isFinite(number) ? number : fallback) * 1000;
}

/** The words live.js shows, in the reader's language, from the page: none are built in. */
export function readStrings(document) {
  const element = document.getElementById("newsfeed-live-strings");
  try {
    return (element && JSON.parse(element.textContent)) || {};
  } catch (error) {
    return {};
  }
}

/**
 * "{count} new updates" for `count` in the form the page's language needs (Polish has three,
 * Arabic six). `plural` is what the template tag rendered: the distinct `forms` and a `table`
 * of digits, the form of each count below 200, chosen there by the language's own gettext
 * formula; those formulas look only at n, n % 10 and n % 100 (comparing n with numbers under
 * 100), so any larger count reads like 100 + n % 100. A plain string serves every count; with
 * neither, the count stands alone.
 */
export function countText(plural, count) {
  let template = typeof plural === "string" ? plural : "+{count}";
  if (plural && Array.isArray(plural.forms) && typeof plural.table === "string") {
    const form = plural.forms[plural.table[count < 200 ? count : 100 + (count % 100)]];
    template = typeof form === "string" ? form : template;
  }
  return template.replace("{count}", String(count));
}

/**
 * The language the page is written in (`<html lang>`), so that times read like the page's own
 * dates; the browser's language where the page names none the browser knows.
 */
export function pageLocale(document) {
  const lang = document.documentElement.getAttribute("lang");
  try {
    return lang && Intl.DateTimeFormat.supportedLocalesOf([lang]).length ? [lang] : undefined;
  } catch {
    return undefined; // not a language tag
  }
}

/** The most entry ids one fragments request carries (views/live_fragments.py MAX_IDS). */
export const MAX_FRAGMENT_IDS = 100;

/** The reader's live page. */
export class LiveFeed {
  constructor(root, config, env = browserEnv()) {
    this.env = env;
    this.window = env.window;
    this.document = env.document;
    this.root = root;
    this.deltaUrl = config.deltaUrl;
    this.feedUrl = config.feedUrl;
    this.fragmentsUrl = config.fragmentsUrl;
    const interval = seconds(config.pollInterval, 5);
    this.interval = interval;
    this.timeout = seconds(config.pollTimeout, 10, 1);
    // Check the coverage status (which changes without any entry changing) about every 20 s.
    this.statusEvery = Math.max(2, Math.round(20000 / interval));
    this.cursor = root.getAttribute("data-live-cursor");
    this.oldestFirst = root.getAttribute("data-entry-order") === "oldest_first";
    this.list = root.querySelector("[data-newsfeed-entries]");
    // A page after the first (?before=, or a permalink's ?entry= to an entry off page 1).
    this.paginated =
      root.hasAttribute("data-paginated") ||
      Boolean(this.list && this.list.hasAttribute("data-paginated"));
    this.baseTitle = this.document.title;
    this.unseen = [];
    this.arrived = 0;
    this.displaced = {};
    this.polls = 0;
    this.scrollQueued = false;
    this.strings = config.strings || {};
    const locale = pageLocale(this.document);
    this.timeFormat = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
    this.dayTimeFormat = new Intl.DateTimeFormat(locale, {
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    this.fullFormat = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short" });
    this.dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "long" });
    this.poller = new Poller({
      step: () => this.step(),
      interval,
      maxInterval: seconds(config.pollMaxInterval, 60),
      // 400: the cursor is no longer valid (keys rotated); 404/410: the feed is gone.
      stopOn: [400, 404, 410],
      env,
      onStop: () => this.root.setAttribute("data-live-stopped", ""),
    });
  }

  get stopped() {
    return this.poller.stopped;
  }

  start() {
    this.localiseTimes(this.root);
    this.notice = this.buildNotice();
    this.poller.watchVisibility();
    if (this.window) {
      this.window.addEventListener("scroll", () => this.onScroll(), { passive: true });
    }
    this.setStatus(this.root.getAttribute("data-coverage-status"));
    this.poller.schedule(this.interval);
  }

  stop() {
    this.poller.stop();
  }

  getJSON(url) {
    return request(this.env, url, { timeout: this.timeout }).then((answer) => answer.body || {});
  }

  /** The URL of the changes since `cursor`: the same for every reader at the same cursor. */
  deltaUrlFor(cursor) {
    return withQuery(this.deltaUrl, { since: cursor });
  }

  /** One poll; resolves to the delay before the next (0 while the server has more). */
  async step() {
    const delta = await this.getJSON(this.deltaUrlFor(this.cursor));
    // The fragments are asked for at the cursor the delta leads to: an entry changed again
    // after an older reader's fetch is asked for under a new URL, never served from a cached
    // answer that was current before this delta.
    await this.apply(changesIn(delta), delta.cursor || this.cursor);
    // Only move the cursor once the changes are on the page: a failure retries them.
    if (delta.cursor) {
      this.cursor = delta.cursor;
    }
    this.polls += 1;
    if (this.polls % this.statusEvery === 0) {
      await this.checkStatus();
    }
    return delta.has_more ? 0 : this.interval;
  }

  async checkStatus() {
    const feed = await this.getJSON(this.feedUrl);
    this.setStatus(feed.status, feed);
  }

  /**
   * Show the coverage `status`. A change (not the page's own status at start) also rewrites
   * the header's times from `times` (the feed's or the fragments' coverage_start and
   * coverage_end) and is said in the polite live region.
   */
  setStatus(status, times = null) {
    if (typeof status !== "string" || !/^[a-z_]+$/.test(status)) {
      return; // Not a coverage status ("live", "ended"...): nothing to show.
    }
    const changed = times !== null && this.root.getAttribute("data-coverage-status") !== status;
    this.root.setAttribute("data-coverage-status", status);
    const label = (this.strings.status || {})[status] || status;
    const badge = this.root.querySelector("[data-newsfeed-status]");
    if (badge) {
      badge.className = `newsfeed-badge newsfeed-badge--${status}`;
      badge.textContent = label;
    }
    if (changed) {
      this.updateCoverageTimes(status, times);
      this.announceStatus(label);
    }
    if (status === "ended") {
      this.stop();
    }
  }

  /**
   * The header's "Starts …" / "Started …" and "Ended …" line for `status`, as the page
   * template writes it, from ISO times. Left as it is without the words for it (an override
   * of the strings) or without times.
   */
  updateCoverageTimes(status, times) {
    const meta = this.root.querySelector("[data-newsfeed-meta]");
    const words = this.strings.coverage || {};
    const start = typeof times.coverage_start === "string" ? times.coverage_start : null;
    const end = typeof times.coverage_end === "string" ? times.coverage_end : null;
    const parts = [];
    if (start) {
      parts.push([status === "upcoming" ? words.starts : words.started, start]);
    }
    if (end && status === "ended") {
      parts.push([words.ended, end]);
    }
    const unreadable = ([word, time]) => !word || Number.isNaN(Date.parse(time));
    if (!meta || !parts.length || parts.some(unreadable)) {
      return;
    }
    meta.replaceChildren(
      ...parts.map(([word, time]) => {
        const span = this.document.createElement("span");
        const element = this.document.createElement("time");
        element.setAttribute("datetime", time);
        span.append(`${word} `, element);
        return span;
      }),
    );
    this.localiseTimes(meta);
  }

  /** Say the new coverage status in the polite live region ("Coverage status: Ended"). */
  announceStatus(label) {
    if (!this.statusNote) {
      return;
    }
    const template =
      typeof this.strings.statusChanged === "string" ? this.strings.statusChanged : "{status}";
    this.statusNote.textContent = template.replace("{status}", label);
  }

  // Applying changes ----------------------------------------------------------------------------

  /** The fragments URL for these ids at this cursor: the same for every reader in that state. */
  fragmentsUrlFor(ids, cursor) {
    return withQuery(this.fragmentsUrl, { ids: ids.join(","), v: cursor });
  }

  async apply(results, cursor = this.cursor) {
    if (!results.length) {
      return;
    }
    const latest = new Map();
    for (const item of results) {
      latest.delete(item.id); // The last change of an entry decides where it goes.
      latest.set(item.id, item);
    }
    const order = [...latest.keys()];
    const wanted = order.filter((id) => !latest.get(id).deleted);
    const fragments = await this.getFragments(wanted, cursor);
    const html = fragments.entries;
    this.displaced = {};
    this.arrived = 0;
    for (const id of order) {
      // Only the server's own HTML for this id (never a property every object has).
      const own = Object.prototype.hasOwnProperty.call(html, String(id));
      if (latest.get(id).deleted || !own || typeof html[String(id)] !== "string") {
        this.removeEntry(id);
      } else {
        this.placeEntry(id, html[String(id)]);
      }
    }
    this.replaceKeyEvents(fragments.key_events || "");
    this.setStatus(fragments.status, fragments);
    this.updateNotice();
    this.announceArrivals();
    const CustomEventClass = (this.window && this.window.CustomEvent) || globalThis.CustomEvent;
    this.root.dispatchEvent(
      new CustomEventClass("newsfeed:updated", { bubbles: true, detail: { ids: order } }),
    );
  }

  /**
   * The entries' HTML, at most MAX_FRAGMENT_IDS ids a request (a delta page may be longer when
   * the site raises API_PAGE_SIZE), with the key events and status of the last answer. The
   * fragments endpoint refusing a request (400) is a failure to retry, not a reason to stop:
   * only the delta's 400 says the cursor is gone.
   */
  async getFragments(ids, cursor = this.cursor) {
    // No prototype: an id can never name an inherited property.
    const merged = { entries: Object.create(null), key_events: "", status: undefined };
    let start = 0;
    do {
      const batch = ids.slice(start, start + MAX_FRAGMENT_IDS);
      let answer;
      try {
        answer = await this.getJSON(this.fragmentsUrlFor(batch, cursor));
      } catch (error) {
        throw error instanceof HttpError && error.status === 400
          ? new Error("Entry fragments refused (HTTP 400)")
          : error;
      }
      Object.assign(merged.entries, answer.entries || {});
      merged.key_events = answer.key_events || "";
      merged.status = answer.status;
      merged.coverage_start = answer.coverage_start;
      merged.coverage_end = answer.coverage_end;
      start += MAX_FRAGMENT_IDS;
    } while (start < ids.length);
    return merged;
  }

  fromHTML(html) {
    const holder = this.document.createElement("div");
    holder.innerHTML = html.trim();
    const element = holder.firstElementChild;
    if (element) {
      this.localiseTimes(element);
    }
    return element;
  }

  entryElement(id) {
    return this.root.querySelector(`#entry-${CSS_ESCAPE(String(id))}`);
  }

  placeEntry(id, html) {
    const element = this.fromHTML(html);
    if (!element) {
      return;
    }
    const existing = this.entryElement(id);
    const pinned = element.hasAttribute("data-pinned");
    const unseen = Boolean(existing) && this.unseen.includes(existing);
    const place = existing ? focusPlace(this.document, existing) : null;
    if (
      existing &&
      existing.hasAttribute("data-pinned") === pinned &&
      (pinned || sameKey(this.sortKey(existing), this.sortKey(element)))
    ) {
      // Edited in place: same spot, same visibility (a not yet revealed entry stays unrevealed).
      element.hidden = existing.hidden;
      this.swapUnseen(existing, element);
      existing.replaceWith(element);
      restoreFocus(place, element);
      return;
    }
    const neighbour = place ? this.neighbourOf(existing) : null;
    if (existing) {
      // Pinned, unpinned or given another time: it moves. Not yet revealed, it stays new.
      this.dropUnseen(existing);
      this.removeElement(existing);
    }
    if (pinned) {
      this.placePinned(element);
    } else {
      this.insertInOrder(element, unseen || (!existing && !this.displaced[String(id)]));
    }
    if (place && element.isConnected && !element.hidden) {
      restoreFocus(place, element); // The reader follows the entry to where it went.
    } else if (place) {
      focusQuietly(neighbour); // It went to another page of the feed.
    }
  }

  /**
   * Where focus goes when the entry that holds it leaves the page: the next entry, else the one
   * before it, else the list of updates; never lost to the top of the document.
   */
  neighbourOf(element) {
    const shown = (node) => node && node.hasAttribute("data-entry-id") && !node.hidden;
    let next = element.nextElementSibling;
    while (next && !shown(next)) {
      next = next.nextElementSibling;
    }
    let previous = element.previousElementSibling;
    while (previous && !shown(previous)) {
      previous = previous.previousElementSibling;
    }
    const first = [...this.list.querySelectorAll(":scope > [data-entry-id]")].find(
      (entry) => entry !== element && shown(entry),
    );
    return next || previous || first || this.list.closest("section") || this.list;
  }

  placePinned(element) {
    if (this.paginated) {
      return; // Older pages do not show the pinned entry.
    }
    let section = this.root.querySelector("[data-newsfeed-pinned]");
    if (!section) {
      section = this.document.createElement("section");
      section.className = "newsfeed-pinned";
      if (this.strings.pinned) {
        section.setAttribute("aria-label", this.strings.pinned);
      }
      section.setAttribute("data-newsfeed-pinned", "");
      const entries = this.list.closest("section") || this.list;
      entries.parentNode.insertBefore(section, entries);
    }
    // A feed has one pinned entry; the one it replaces arrives in this same delta, unpinned,
    // and goes back among the other entries (not as a new one).
    for (const old of section.querySelectorAll("[data-entry-id]")) {
      this.displaced[old.getAttribute("data-entry-id")] = true;
      old.remove();
    }
    section.appendChild(element);
  }

  sortKey(element) {
    const time = element.querySelector("time[datetime]");
    return [
      time ? Date.parse(time.getAttribute("datetime")) : 0,
      parseInt(element.getAttribute("data-entry-id"), 10),
    ];
  }

  /** Does key a come before key b in this feed's reading order? */
  comesBefore(a, b) {
    const newer = a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
    return this.oldestFirst ? !newer : newer;
  }

  insertInOrder(element, isNew) {
    if (isNew && this.paginated) {
      return; // New entries belong on the first page, not on "older entries" pages.
    }
    const key = this.sortKey(element);
    let before = null;
    for (const item of this.list.querySelectorAll(":scope > [data-entry-id]")) {
      if (this.comesBefore(key, this.sortKey(item))) {
        before = item;
        break;
      }
    }
    if (!before && this.root.querySelector("[data-newsfeed-older]")) {
      return; // It belongs on a later page of the pagination.
    }
    const empty = this.list.querySelector("[data-newsfeed-empty]");
    if (empty) {
      empty.remove();
    }
    if (isNew && !this.oldestFirst && this.readerHasScrolled()) {
      element.hidden = true; // Revealed by the "N new updates" button: the page does not jump.
    }
    this.list.insertBefore(element, before);
    if (isNew && (element.hidden || !this.isInView(element))) {
      this.unseen.push(element);
    } else if (isNew) {
      this.arrived += 1; // Shown where the reader is looking: said by announceArrivals.
    }
  }

  removeEntry(id) {
    const existing = this.entryElement(id);
    if (existing) {
      const neighbour = focusPlace(this.document, existing) ? this.neighbourOf(existing) : null;
      this.dropUnseen(existing);
      this.removeElement(existing);
      focusQuietly(neighbour);
    }
  }

  removeElement(element) {
    const section = element.closest("[data-newsfeed-pinned]");
    element.remove();
    if (section && !section.querySelector("[data-entry-id]")) {
      section.remove();
    }
  }

  replaceKeyEvents(html) {
    const list = this.root.querySelector("[data-newsfeed-key-events]");
    const current = list ? list.closest("nav") || list : null;
    const next = html ? this.fromHTML(html) : null;
    if (next) {
      this.linkKeyEvents(next);
    }
    // Every change brings the list again: the same markup is left alone (a reader on one of
    // its links keeps it); a changed list keeps focus on the same event's link.
    const place = current ? focusPlace(this.document, current) : null;
    if (current && next && current.outerHTML === next.outerHTML) {
      return;
    }
    if (current && next) {
      current.replaceWith(next);
      restoreFocus(place, next);
    } else if (current) {
      current.remove();
      if (place) {
        focusQuietly(this.list.closest("section") || this.list);
      }
    } else if (next) {
      const anchor =
        this.root.querySelector("[data-newsfeed-pinned]") ||
        this.list.closest("section") ||
        this.list;
      anchor.parentNode.insertBefore(next, anchor);
    }
  }

  /**
   * Key events link to an entry this page shows by its anchor, to any other by its permalink
   * (data-newsfeed-permalink: the page of entries holding it). The server's list, not knowing
   * the reader's page, links to permalinks.
   */
  linkKeyEvents(container) {
    for (const link of container.querySelectorAll("[data-entry-id] a[data-newsfeed-permalink]")) {
      const id = link.closest("[data-entry-id]").getAttribute("data-entry-id");
      const href = this.entryElement(id)
        ? `#entry-${id}`
        : link.getAttribute("data-newsfeed-permalink");
      if (link.getAttribute("href") !== href) {
        link.setAttribute("href", href);
      }
    }
  }

  // "N new updates" -----------------------------------------------------------------------------

  readerHasScrolled() {
    return this.list.getBoundingClientRect().top < 0;
  }

  isInView(element) {
    const box = element.getBoundingClientRect();
    const height = (this.window && this.window.innerHeight) || 0;
    return box.bottom > 0 && box.top < height;
  }

  swapUnseen(old, replacement) {
    const index = this.unseen.indexOf(old);
    if (index !== -1) {
      this.unseen[index] = replacement;
    }
  }

  dropUnseen(element) {
    const index = this.unseen.indexOf(element);
    if (index !== -1) {
      this.unseen.splice(index, 1);
    }
  }

  /** The "N new updates" button; styled by newsfeed.css (--newsfeed-new-updates-* properties). */
  buildNotice() {
    const holder = this.document.createElement("div");
    holder.className = "newsfeed-new-updates";
    holder.setAttribute("aria-live", "polite");
    const button = this.document.createElement("button");
    button.type = "button";
    button.hidden = true;
    button.className = "newsfeed-new-updates__button";
    button.setAttribute("data-newsfeed-new-updates", "");
    button.addEventListener("click", () => this.revealUnseen(true));
    holder.appendChild(button);
    // New entries shown at once (the reader is at the top) are seen but not heard: this
    // visually hidden text in the same live region says how many arrived.
    this.arrivals = this.document.createElement("span");
    this.arrivals.className = "newsfeed-visually-hidden";
    this.arrivals.setAttribute("data-newsfeed-arrivals", "");
    holder.appendChild(this.arrivals);
    // And a change of the coverage status ("Coverage status: Live"), in words of its own so
    // that arrivals said in the same poll do not cut it off.
    this.statusNote = this.document.createElement("span");
    this.statusNote.className = "newsfeed-visually-hidden";
    this.statusNote.setAttribute("data-newsfeed-status-note", "");
    holder.appendChild(this.statusNote);
    this.list.parentNode.insertBefore(holder, this.list);
    return button;
  }

  revealUnseen(scroll) {
    let first = null;
    for (const element of this.unseen) {
      element.hidden = false;
      if (!first || this.comesBefore(this.sortKey(element), this.sortKey(first))) {
        first = element;
      }
    }
    this.unseen = [];
    this.updateNotice();
    if (scroll && first) {
      const target = this.oldestFirst ? first : this.list.closest("section") || this.list;
      if (target.scrollIntoView) {
        target.scrollIntoView({ behavior: this.scrollBehaviour(), block: "start" });
      }
      first.setAttribute("tabindex", "-1");
      first.focus({ preventScroll: true });
    }
  }

  /** "smooth", unless the reader asked their system for less motion (then a jump). */
  scrollBehaviour() {
    const media = this.window && this.window.matchMedia;
    const reduce = media && media.call(this.window, "(prefers-reduced-motion: reduce)").matches;
    return reduce ? "auto" : "smooth";
  }

  onScroll() {
    if (!this.unseen.length || this.scrollQueued) {
      return;
    }
    this.scrollQueued = true;
    const later = (this.window && this.window.requestAnimationFrame) || ((fn) => fn());
    later.call(this.window, () => {
      this.scrollQueued = false;
      if (!this.oldestFirst && !this.readerHasScrolled()) {
        this.revealUnseen(false); // Back at the top: show them where they belong.
      } else if (this.oldestFirst) {
        this.unseen = this.unseen.filter((element) => !this.isInView(element));
        this.updateNotice();
      }
    });
  }

  /** Say how many new entries this change showed in view ("2 new updates"), once per change. */
  announceArrivals() {
    if (!this.arrivals || !this.arrived) {
      return;
    }
    const text = countText(this.strings.newUpdates, this.arrived);
    // A live region speaks when its text changes: the same words again get a no-break space.
    this.arrivals.textContent = this.arrivals.textContent === text ? `${text}\u00a0` : text;
  }

  updateNotice() {
    if (!this.notice) {
      return;
    }
    const count = this.unseen.length;
    this.notice.hidden = count === 0;
    const text = countText(this.strings.newUpdates, count);
    // The notice is a live region: it speaks when the count changes, not at every poll.
    if (this.notice.textContent !== text) {
      this.notice.textContent = text;
    }
    const title = count ? `(${count}) ${this.baseTitle}` : this.baseTitle;
    if (this.document.title !== title) {
      this.document.title = title;
    }
  }

  // Times in the page's language and the reader's time zone ------------------------------------

  localiseTimes(container) {
    const now = new Date();
    for (const time of container.querySelectorAll("time[datetime]")) {
      const date = new Date(time.getAttribute("datetime"));
      if (Number.isNaN(date.getTime())) {
        continue;
      }
      time.title = this.fullFormat.format(date);
      if (time.closest(".newsfeed-live__header")) {
        time.textContent = this.fullFormat.format(date);
      } else if (date.toDateString() === now.toDateString()) {
        time.textContent = this.timeFormat.format(date);
      } else {
        time.textContent = this.dayTimeFormat.format(date);
      }
      // The full date screen readers hear beside the time (includes/live_entry.html): the
      // same day as the time now shows, which in the reader's zone may not be the server's.
      const spoken = time.nextElementSibling;
      if (spoken && spoken.hasAttribute("data-newsfeed-date")) {
        spoken.textContent = ` ${this.dateFormat.format(date)}`;
      }
    }
  }
}

/**
 * The changes of a delta response, checked: a body that is not a delta (a proxy's error page
 * as JSON, a truncated answer) throws, so the poll backs off and the cursor does not move past
 * changes that were never shown.
 */
export function changesIn(delta) {
  const isObject = typeof delta === "object" && delta !== null && !Array.isArray(delta);
  const results = isObject && delta.results !== undefined ? delta.results : [];
  const valid =
    isObject &&
    Array.isArray(results) &&
    results.every((item) => item && /^[1-9][0-9]*$/.test(String(item.id))) &&
    (delta.cursor === undefined || delta.cursor === null || typeof delta.cursor === "string");
  if (!valid) {
    throw new TypeError("Not a delta of live entries");
  }
  return results;
}

/** What can take focus in an entry: its place among them says where the reader was. */
const FOCUSABLE =
  "a[href], area[href], button, input, select, textarea, iframe, summary, audio[controls], " +
  "video[controls], [contenteditable], [tabindex]";

/**
 * Where focus is inside `element`, before it is replaced or removed: the focused element's
 * link target and place among the element's focusable elements (or the element itself), or
 * null when focus is elsewhere.
 */
export function focusPlace(document, element) {
  const active = document && document.activeElement;
  if (!active || !element.contains(active)) {
    return null;
  }
  return {
    self: active === element,
    href: active.getAttribute("href"),
    tag: active.tagName,
    index: [...element.querySelectorAll(FOCUSABLE)].indexOf(active),
  };
}

/**
 * Focus in `replacement` what matches `place`: the element with the same link target, else the
 * element of the same kind in the same place, else the replacement itself. A screen reader or
 * keyboard user whose entry was corrected under them stays where they were.
 */
export function restoreFocus(place, replacement) {
  if (!place || !replacement) {
    return;
  }
  const candidates = [...replacement.querySelectorAll(FOCUSABLE)];
  let target = null;
  if (!place.self && place.href !== null) {
    target = candidates.find((candidate) => candidate.getAttribute("href") === place.href);
  }
  if (!target && !place.self && place.index >= 0) {
    const same = candidates[place.index];
    target = same && same.tagName === place.tag ? same : null;
  }
  focusQuietly(target || replacement);
}

/** Focus `element` without scrolling, making it focusable first if it is not. */
function focusQuietly(element) {
  if (!element) {
    return;
  }
  if (!element.matches(FOCUSABLE) || element.matches("a:not([href])")) {
    element.setAttribute("tabindex", "-1");
  }
  element.focus({ preventScroll: true });
}

function sameKey(a, b) {
  return Object.is(a[0], b[0]) && Object.is(a[1], b[1]);
}

/** Entry ids are digits; anything else is escaped rather than trusted in a selector. */
function CSS_ESCAPE(value) {
  return /^[0-9]+$/.test(value) ? value : value.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`);
}

/**
 * The admin console's list of entries: every interval it asks `?partial=entries&version=<shown>`;
 * the console answers 204 when nothing changed and the list's HTML otherwise. The list is left
 * alone while an editor has focus in it (a menu open, a button about to be pressed).
 */
export class ConsoleEntries {
  constructor(box, config, env = browserEnv()) {
    this.env = env;
    this.box = box;
    this.url = config.url;
    this.timeout = seconds(config.pollTimeout, 10, 1);
    this.poller = new Poller({
      step: () => this.step(),
      interval: seconds(config.pollInterval, 5),
      maxInterval: seconds(config.pollMaxInterval, 60),
      stopOn: [404, 410],
      env,
      onStop: () => this.box.setAttribute("data-live-stopped", ""),
    });
  }

  start() {
    this.poller.watchVisibility();
    this.poller.schedule();
  }

  current() {
    const list = this.box.querySelector("[data-console-version]");
    return list ? list.getAttribute("data-console-version") : "";
  }

  /** The URL for the version shown: the same for every console showing it. */
  urlFor(version) {
    return withQuery(this.url, { version: version || "" });
  }

  async step() {
    const document = this.env.document;
    if (document && this.box.contains(document.activeElement)) {
      return undefined; // Try again at the next interval.
    }
    const answer = await request(this.env, this.urlFor(this.current()), {
      timeout: this.timeout,
      accept: "text/html",
      read: "text",
    });
    if (answer.status === 204 || !answer.body) {
      return undefined; // Nothing changed since the version shown, so nothing was rendered.
    }
    const holder = this.box.ownerDocument.createElement("div");
    holder.innerHTML = answer.body;
    const fresh = holder.querySelector("[data-console-version]");
    if (fresh && fresh.getAttribute("data-console-version") !== this.current()) {
      this.box.replaceChildren(...holder.childNodes);
    }
    return undefined;
  }
}

/**
 * The script tag that configures `root`: the one naming its feed (data-feed-id), or on a page
 * with one feed and one tag, that tag unless the two name different feeds. A page may show
 * several feeds; each gets its own tag.
 */
function scriptFor(root, scripts, roots) {
  const feedId = (element) => (element.getAttribute("data-feed-id") || "").trim();
  const id = feedId(root);
  const named = id && scripts.find((script) => feedId(script) === id);
  if (named) {
    return named;
  }
  const [only] = scripts;
  return roots.length === 1 && scripts.length === 1 && !(id && feedId(only)) ? only : null;
}

/** Start whatever the page has: its live feeds, the console's list, or neither. */
export function boot(env = browserEnv()) {
  const document = env.document;
  if (!document || !env.fetch) {
    return {};
  }
  const started = { feeds: [] };
  const roots = [...document.querySelectorAll("[data-newsfeed-live]")];
  const scripts = [...document.querySelectorAll("script[data-newsfeed-live-script]")];
  const strings = readStrings(document);
  for (const root of roots) {
    const script = scriptFor(root, scripts, roots);
    // A module evaluated twice (two spellings of its URL) must not follow a feed twice.
    const running = root.newsfeedLive && !root.newsfeedLive.stopped;
    if (!script || running || !root.querySelector("[data-newsfeed-entries]")) {
      continue;
    }
    const feed = new LiveFeed(
      root,
      {
        deltaUrl: script.getAttribute("data-delta-url"),
        feedUrl: script.getAttribute("data-feed-url"),
        fragmentsUrl: script.getAttribute("data-fragments-url"),
        pollInterval: script.getAttribute("data-poll-interval"),
        pollMaxInterval: script.getAttribute("data-poll-max-interval"),
        pollTimeout: script.getAttribute("data-poll-timeout"),
        strings,
      },
      env,
    );
    root.newsfeedLive = feed;
    feed.start();
    started.feeds.push(feed);
  }
  started.feed = started.feeds[0];
  const box = document.querySelector("[data-newsfeed-console-entries]");
  if (box && box.getAttribute("data-url")) {
    const list = new ConsoleEntries(
      box,
      {
        url: box.getAttribute("data-url"),
        // The console renders its pace in ms (never under 2 s); the reader's script in seconds.
        pollInterval: parseFloat(box.getAttribute("data-poll-interval-ms")) / 1000,
        pollMaxInterval: box.getAttribute("data-poll-max-interval"),
      },
      env,
    );
    box.newsfeedLive = list;
    list.start();
    started.console = list;
  }
  return started;
}

// In a browser, start on load (a module runs after the document is parsed); imported by the tests
// (no global document), it only exports.
if (typeof document !== "undefined" && typeof window !== "undefined" && !window.__newsfeedNoBoot) {
  boot();
}
