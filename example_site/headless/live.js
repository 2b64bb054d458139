// Follows a live feed through delta sync (`GET feeds/<id>/entries/?since=<cursor>`): new, edited,
// deleted and pinned entries appear without a reload. The feed itself (status, title, summary, key
// events) is read again after a change of entries and, since the delta says nothing about the
// feed, every `feedEvery`th poll too: a revalidation (`If-None-Match`, a 304 while nothing
// changed) of the same URL every reader asks for. Polls back off like the site's own
// live.js: exponential with "equal jitter" after failures (a request that hangs times out and is
// one), and at least as long as a 429's or 503's Retry-After asks (up to MAX_RETRY_AFTER), paused
// while the tab is hidden (shown again, it still waits a back-off out), stopped for good when the
// feed is gone (404, 410) or coverage ends. The page holds the feed's first page of entries only:
// an entry that sorts past the last one shown belongs to a later page and is left out, unless
// that page was the whole feed (`complete`), as the server's own page does. A cursor the API no
// longer takes (400) is not the end: as docs/api.md asks, the follower starts over from the feed
// and its first page of entries, then follows the new cursor.
import { MAX_RETRY_AFTER, api } from "./api.js";
import { fillEntries, renderEntry } from "./entries.js";

export class LiveFollower {
  constructor({
    feed,
    cursor,
    list,
    pinnedSlot,
    onFeed,
    interval = 5,
    maxInterval = 60,
    pageSize = 50,
    feedEvery = 3,
    complete = true,
  }) {
    this.feed = feed;
    this.cursor = cursor;
    this.list = list;
    this.pinnedSlot = pinnedSlot;
    this.onFeed = onFeed;
    this.interval = Math.max(0.5, Number(interval) || 5) * 1000;
    this.maxInterval = Math.max(this.interval, (Number(maxInterval) || 60) * 1000);
    this.oldestFirst = feed.entry_order === "oldest_first";
    this.shown = JSON.stringify(feed); // the feed as the page shows it
    this.pageSize = pageSize;
    // Whether the list holds every entry of the feed (its first page had no `next`): if not,
    // an entry that sorts past the last one shown is on a later page, not on this one.
    this.complete = complete;
    // Polls between two reads of the feed when no entry changed (its status can end the coverage
    // with no entry changing; so can a new title or summary).
    this.feedEvery = Math.max(1, Math.round(Number(feedEvery)) || 3);
    this.polls = 0;
    this.failures = 0;
    this.notBefore = 0; // when a back-off ends (ms): no poll before then, even if shown again
    this.timer = null;
    this.busy = false;
    this.stopped = false;
    this.startOver = false; // the cursor was refused: read the feed in full on the next poll
    // Aborts the request in flight when the follower stops (the reader left the page).
    this.requests = new AbortController();
    this.onVisibility = () =>
      document.hidden ? this.clear() : this.schedule(Math.max(0, this.notBefore - Date.now()));
  }

  start() {
    document.addEventListener("visibilitychange", this.onVisibility);
    if (this.feed.status === "ended") return this.stop();
    this.schedule(this.interval);
  }

  stop() {
    this.stopped = true;
    this.clear();
    this.requests.abort();
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.list.closest("[data-live]")?.setAttribute("data-live-stopped", "");
  }

  clear() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  schedule(delay) {
    this.clear();
    if (this.stopped || document.hidden) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.poll();
    }, delay);
  }

  backoff() {
    const delay = Math.min(this.maxInterval, this.interval * 2 ** this.failures);
    return delay / 2 + Math.random() * (delay / 2);
  }

  /** The wait after `error`: the back-off, or longer when the server asked for longer with
   * Retry-After (capped, plus up to one interval of jitter so readers told the same wait do not
   * all return in the same second), as the site's own live.js waits. */
  failureDelay(error) {
    const delay = this.backoff();
    const asked = error?.retryAfter;
    if (asked === null || asked === undefined) return delay;
    return Math.max(delay, Math.min(asked, MAX_RETRY_AFTER) + Math.random() * this.interval);
  }

  async poll() {
    if (this.busy || this.stopped || document.hidden) return;
    this.busy = true;
    try {
      const more = this.startOver ? await this.reload() : await this.sync();
      this.failures = 0;
      this.notBefore = 0;
      this.busy = false;
      if (this.stopped) return;
      if (this.feed.status === "ended") return this.stop();
      this.schedule(more ? 0 : this.interval);
    } catch (error) {
      this.busy = false;
      if (this.stopped) return; // aborted by stop(): nothing left to do
      if ([404, 410].includes(error.status)) return this.stop();
      if (error.status === 400 && !this.startOver) {
        this.startOver = true;
        return this.schedule(0);
      }
      this.failures += 1;
      const delay = this.failureDelay(error);
      this.notBefore = Date.now() + delay;
      this.schedule(delay);
    }
  }

  /** One delta-sync poll; whether more changes wait (`has_more`). */
  async sync() {
    const options = { signal: this.requests.signal };
    const delta = await api.delta(this.feed.id, this.cursor, options);
    this.polls += 1;
    if (delta.results.length) this.apply(delta.results);
    // Key events, coverage status, title and summary live on the feed itself: read it after a
    // change of entries (key events follow them) and every feedEvery polls (the rest do not).
    if (delta.results.length || this.polls % this.feedEvery === 0) {
      // "no-cache": revalidated with the ETag the browser holds (a 304 while nothing changed),
      // never an answer up to max-age old that misses the change just applied.
      this.showFeed(await api.feed(this.feed.id, { ...options, cache: "no-cache" }));
    }
    // Only move the cursor once the changes are on the page: a failure retries them.
    this.cursor = delta.cursor;
    return delta.has_more;
  }

  /** Start over: the feed and its first page of entries in full, and their cursor. */
  async reload() {
    const options = { signal: this.requests.signal };
    const [feed, page] = await Promise.all([
      api.feed(this.feed.id, { ...options, cache: "no-store" }),
      api.entries(this.feed.id, { limit: this.pageSize }, { ...options, cache: "no-store" }),
    ]);
    if (this.stopped) return false;
    fillEntries(this.list, this.pinnedSlot, feed, page.results);
    this.complete = !page.next;
    this.showFeed(feed);
    this.cursor = page.cursor;
    this.startOver = false;
    return false;
  }

  showFeed(feed) {
    if (this.stopped) return;
    const shown = JSON.stringify(feed);
    if (shown === this.shown) return; // unchanged (a 304): leave the header as it is
    this.shown = shown;
    const oldestFirst = feed.entry_order === "oldest_first";
    // The other end of the feed is another first page: start over from it on the next poll.
    if (oldestFirst !== this.oldestFirst) this.startOver = true;
    this.feed = feed;
    this.oldestFirst = oldestFirst;
    this.onFeed?.(feed);
  }

  /** Apply delta results (oldest change first; only the last change of each entry counts). */
  apply(results) {
    const latest = new Map();
    for (const item of results) {
      latest.delete(item.id);
      latest.set(item.id, item);
    }
    for (const item of latest.values()) {
      const existing = document.getElementById(`entry-${item.id}`);
      if (item.deleted) {
        existing?.remove();
        continue;
      }
      const element = renderEntry(item, { fresh: !existing });
      if (item.is_pinned) {
        this.pinnedSlot.querySelectorAll("[data-entry]").forEach((old) => {
          if (old !== existing) old.remove(); // one pinned entry; the old one comes back unpinned
        });
        existing?.remove();
        this.pinnedSlot.append(element);
      } else if (
        existing?.parentElement === this.list &&
        Date.parse(existing.dataset.displayTime) === Date.parse(item.display_time)
      ) {
        existing.replaceWith(element); // edited in place
      } else {
        // New, unpinned, or its display time changed: it goes where the time puts it.
        existing?.remove();
        this.insertInOrder(element, item);
      }
    }
    this.pinnedSlot.hidden = !this.pinnedSlot.querySelector("[data-entry]");
  }

  insertInOrder(element, item) {
    // Compare instants, not strings: offsets differ (a zone's DST, "Z" or "+00:00").
    const key = (node) => [Date.parse(node.dataset.displayTime), Number(node.dataset.entry)];
    const mine = [Date.parse(item.display_time), item.id];
    const before = (a, b) => (a[0] === b[0] ? a[1] > b[1] : a[0] > b[0]); // newer first
    for (const node of this.list.querySelectorAll(":scope > [data-entry]")) {
      const other = key(node);
      const goesFirst = this.oldestFirst ? before(other, mine) : before(mine, other);
      if (goesFirst) {
        node.before(element);
        return;
      }
    }
    // Past the last entry shown: on a later page unless the list is the whole feed.
    if (this.complete) this.list.append(element);
  }
}
