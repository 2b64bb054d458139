// Follows a live feed through delta sync (`GET feeds/<id>/entries/?since=<cursor>`): new, edited,
// deleted and pinned entries appear without a reload. Polls back off like the site's own
// live.js: exponential with "equal jitter" after failures (a request that hangs times out and is
// one), paused while the tab is hidden, stopped for good when the feed is gone (404, 410) or
// coverage ends. A cursor the API no longer takes (400) is not the end: as docs/api.md asks, the
// follower starts over from the feed and its first page of entries, then follows the new cursor.
import { api } from "./api.js";
import { fillEntries, renderEntry } from "./entries.js";

export class LiveFollower {
  constructor({ feed, cursor, list, pinnedSlot, onFeed, interval = 5, maxInterval = 60, pageSize = 50 }) {
    this.feed = feed;
    this.cursor = cursor;
    this.list = list;
    this.pinnedSlot = pinnedSlot;
    this.onFeed = onFeed;
    this.interval = Math.max(0.5, Number(interval) || 5) * 1000;
    this.maxInterval = Math.max(this.interval, (Number(maxInterval) || 60) * 1000);
    this.oldestFirst = feed.entry_order === "oldest_first";
    this.pageSize = pageSize;
    this.failures = 0;
    this.timer = null;
    this.busy = false;
    this.stopped = false;
    this.startOver = false; // the cursor was refused: read the feed in full on the next poll
    // Aborts the request in flight when the follower stops (the reader left the page).
    this.requests = new AbortController();
    this.onVisibility = () => (document.hidden ? this.clear() : this.schedule(0));
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

  async poll() {
    if (this.busy || this.stopped || document.hidden) return;
    this.busy = true;
    try {
      const more = this.startOver ? await this.reload() : await this.sync();
      this.failures = 0;
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
      this.schedule(this.backoff());
    }
  }

  /** One delta-sync poll; whether more changes wait (`has_more`). */
  async sync() {
    const options = { signal: this.requests.signal };
    const delta = await api.delta(this.feed.id, this.cursor, options);
    if (delta.results.length) {
      this.apply(delta.results);
      // Key events and coverage status live on the feed itself.
      this.showFeed(await api.feed(this.feed.id, options));
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
    this.showFeed(feed);
    this.cursor = page.cursor;
    this.startOver = false;
    return false;
  }

  showFeed(feed) {
    if (this.stopped) return;
    this.feed = feed;
    this.oldestFirst = feed.entry_order === "oldest_first";
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
      } else if (existing && existing.parentElement === this.list) {
        existing.replaceWith(element); // edited in place
      } else {
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
    this.list.append(element);
  }
}
