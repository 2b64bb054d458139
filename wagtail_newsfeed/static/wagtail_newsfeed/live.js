/*
 * wagtail-newsfeed live.js: keeps a live feed page up to date without reloading.
 *
 * Plain JavaScript, no build step, no dependencies. The page works without it; this script only
 * improves it. It polls the API's delta endpoint with the page's cursor, and when entries changed
 * it fetches their HTML (rendered by the same templates as the page) from the fragments endpoint.
 * Configuration comes from data attributes on its own <script> tag (rendered by
 * {% live_feed_script page %}) and on [data-newsfeed-live]. See docs/live-feeds.md.
 */
(function () {
  "use strict";

  var script = document.currentScript;

  function LiveFeed(root, config) {
    this.root = root;
    this.deltaUrl = config.deltaUrl;
    this.feedUrl = config.feedUrl;
    this.fragmentsUrl = config.fragmentsUrl;
    this.interval = Math.max(0.5, parseFloat(config.pollInterval) || 5) * 1000;
    this.maxInterval = Math.max(this.interval, (parseFloat(config.pollMaxInterval) || 60) * 1000);
    // Check the coverage status (which changes without any entry changing) about every 20 s.
    this.statusEvery = Math.max(2, Math.round(20000 / this.interval));
    this.cursor = root.getAttribute("data-live-cursor");
    this.oldestFirst = root.getAttribute("data-entry-order") === "oldest_first";
    this.paginated = root.hasAttribute("data-paginated");
    this.list = root.querySelector("[data-newsfeed-entries]");
    this.baseTitle = document.title;
    this.unseen = [];
    this.displaced = {};
    this.failures = 0;
    this.polls = 0;
    this.timer = null;
    this.busy = false;
    this.stopped = false;
    this.timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
    this.dayTimeFormat = new Intl.DateTimeFormat(undefined, {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
    });
    this.fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" });
  }

  LiveFeed.prototype.start = function () {
    var self = this;
    this.localiseTimes(this.root);
    this.notice = this.buildNotice();
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        self.clearTimer();
      } else if (!self.stopped) {
        self.schedule(0);
      }
    });
    window.addEventListener("scroll", function () { self.onScroll(); }, { passive: true });
    this.setStatus(this.root.getAttribute("data-coverage-status"));
    if (!this.stopped) {
      this.schedule(this.interval);
    }
  };

  // Polling ---------------------------------------------------------------------------------

  LiveFeed.prototype.clearTimer = function () {
    if (this.timer !== null) {
      window.clearTimeout(this.timer);
      this.timer = null;
    }
  };

  LiveFeed.prototype.schedule = function (delay) {
    var self = this;
    this.clearTimer();
    if (this.stopped || document.hidden) {
      return;
    }
    this.timer = window.setTimeout(function () {
      self.timer = null;
      self.poll();
    }, delay);
  };

  LiveFeed.prototype.backoff = function () {
    // Exponential backoff with "equal jitter", so that thousands of readers whose polls failed
    // together (a deploy, a blip) do not all come back in the same second.
    var delay = Math.min(this.maxInterval, this.interval * Math.pow(2, this.failures));
    return delay / 2 + Math.random() * (delay / 2);
  };

  LiveFeed.prototype.getJSON = function (url) {
    return window.fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) {
        var error = new Error("HTTP " + response.status);
        error.status = response.status;
        throw error;
      }
      return response.json();
    });
  };

  LiveFeed.prototype.poll = function () {
    var self = this;
    if (this.busy || this.stopped || document.hidden) {
      return;
    }
    this.busy = true;
    var url = this.deltaUrl + "?since=" + encodeURIComponent(this.cursor);
    this.getJSON(url)
      .then(function (delta) {
        return self.apply(delta.results || []).then(function () {
          // Only move the cursor once the changes are on the page: a failure retries them.
          self.cursor = delta.cursor;
          self.polls += 1;
          if (self.polls % self.statusEvery === 0) {
            return self.checkStatus().then(function () { return delta; });
          }
          return delta;
        });
      })
      .then(function (delta) {
        self.busy = false;
        self.failures = 0;
        self.schedule(delta.has_more ? 0 : self.interval);
      })
      .catch(function (error) {
        self.busy = false;
        if (error && (error.status === 400 || error.status === 404 || error.status === 410)) {
          // The cursor or the feed is gone (feed unpublished, keys rotated): stay static.
          self.stop();
          return;
        }
        self.failures += 1;
        self.schedule(self.backoff());
      });
  };

  LiveFeed.prototype.checkStatus = function () {
    var self = this;
    return this.getJSON(this.feedUrl).then(function (feed) {
      self.setStatus(feed.status);
    });
  };

  LiveFeed.prototype.stop = function () {
    this.stopped = true;
    this.clearTimer();
    this.root.setAttribute("data-live-stopped", "");
  };

  LiveFeed.prototype.setStatus = function (status) {
    if (!status) {
      return;
    }
    this.root.setAttribute("data-coverage-status", status);
    var badge = this.root.querySelector("[data-newsfeed-status]");
    if (badge) {
      badge.className = "newsfeed-badge newsfeed-badge--" + status;
      badge.textContent = { live: "Live", upcoming: "Upcoming", ended: "Ended" }[status] || status;
    }
    if (status === "ended") {
      this.stop();
    }
  };

  // Applying changes ------------------------------------------------------------------------

  LiveFeed.prototype.apply = function (results) {
    var self = this;
    if (!results.length) {
      return Promise.resolve();
    }
    var latest = {};
    var order = [];
    results.forEach(function (item) {
      if (!(item.id in latest)) {
        order.push(item.id);
      }
      latest[item.id] = item;
    });
    var wanted = order.filter(function (id) { return !latest[id].deleted; });
    var url = this.fragmentsUrl + "?ids=" + wanted.join(",") + "&v=" + encodeURIComponent(this.cursor);
    return this.getJSON(url).then(function (fragments) {
      var html = fragments.entries || {};
      self.displaced = {};
      order.forEach(function (id) {
        if (latest[id].deleted || !(String(id) in html)) {
          self.removeEntry(id);
        } else {
          self.placeEntry(id, html[String(id)]);
        }
      });
      self.replaceKeyEvents(fragments.key_events || "");
      self.setStatus(fragments.status);
      self.updateNotice();
      self.root.dispatchEvent(new CustomEvent("newsfeed:updated", {
        bubbles: true, detail: { ids: order }
      }));
    });
  };

  LiveFeed.prototype.fromHTML = function (html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var element = holder.firstElementChild;
    if (element) {
      this.localiseTimes(element);
    }
    return element;
  };

  LiveFeed.prototype.placeEntry = function (id, html) {
    var element = this.fromHTML(html);
    if (!element) {
      return;
    }
    var existing = document.getElementById("entry-" + id);
    var pinned = element.hasAttribute("data-pinned");
    if (existing && existing.hasAttribute("data-pinned") === pinned) {
      // Edited in place: same spot, same visibility (a not yet revealed entry stays unrevealed).
      element.hidden = existing.hidden;
      this.swapUnseen(existing, element);
      existing.replaceWith(element);
      return;
    }
    if (existing) {
      this.dropUnseen(existing);
      this.removeElement(existing);
    }
    if (pinned) {
      this.placePinned(element);
    } else {
      this.insertInOrder(element, !existing && !this.displaced[String(id)]);
    }
  };

  LiveFeed.prototype.placePinned = function (element) {
    if (this.paginated) {
      return; // Older pages do not show the pinned entry.
    }
    var section = this.root.querySelector("[data-newsfeed-pinned]");
    if (!section) {
      section = document.createElement("section");
      section.className = "newsfeed-pinned";
      section.setAttribute("aria-label", "Pinned");
      section.setAttribute("data-newsfeed-pinned", "");
      var entries = this.list.closest("section") || this.list;
      entries.parentNode.insertBefore(section, entries);
    }
    // A feed has one pinned entry; the one it replaces arrives in this same delta, unpinned,
    // and goes back among the other entries (not as a new one).
    var displaced = this.displaced;
    Array.prototype.forEach.call(section.querySelectorAll("[data-entry-id]"), function (old) {
      displaced[old.getAttribute("data-entry-id")] = true;
      old.remove();
    });
    section.appendChild(element);
  };

  LiveFeed.prototype.sortKey = function (element) {
    var time = element.querySelector("time[datetime]");
    return [time ? Date.parse(time.getAttribute("datetime")) : 0,
      parseInt(element.getAttribute("data-entry-id"), 10)];
  };

  LiveFeed.prototype.comesBefore = function (a, b) {
    // Does key a come before key b in this feed's reading order?
    var newer = a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
    return this.oldestFirst ? !newer : newer;
  };

  LiveFeed.prototype.insertInOrder = function (element, isNew) {
    if (isNew && this.paginated) {
      return; // New entries belong on the first page, not on "older entries" pages.
    }
    var key = this.sortKey(element);
    var items = this.list.querySelectorAll(":scope > [data-entry-id]");
    var before = null;
    for (var i = 0; i < items.length; i += 1) {
      if (this.comesBefore(key, this.sortKey(items[i]))) {
        before = items[i];
        break;
      }
    }
    if (!before && this.root.querySelector("[data-newsfeed-older]")) {
      return; // It belongs on a later page of the pagination.
    }
    var empty = this.list.querySelector("[data-newsfeed-empty]");
    if (empty) {
      empty.remove();
    }
    if (isNew && !this.oldestFirst && this.readerHasScrolled()) {
      element.hidden = true; // Revealed by the "N new updates" button: the page does not jump.
    }
    this.list.insertBefore(element, before);
    if (isNew && (element.hidden || !this.isInView(element))) {
      this.unseen.push(element);
    }
  };

  LiveFeed.prototype.removeEntry = function (id) {
    var existing = document.getElementById("entry-" + id);
    if (existing) {
      this.dropUnseen(existing);
      this.removeElement(existing);
    }
  };

  LiveFeed.prototype.removeElement = function (element) {
    var section = element.closest("[data-newsfeed-pinned]");
    element.remove();
    if (section && !section.querySelector("[data-entry-id]")) {
      section.remove();
    }
  };

  LiveFeed.prototype.replaceKeyEvents = function (html) {
    var list = this.root.querySelector("[data-newsfeed-key-events]");
    var current = list ? list.closest("nav") || list : null;
    var next = html ? this.fromHTML(html) : null;
    if (current && next) {
      current.replaceWith(next);
    } else if (current) {
      current.remove();
    } else if (next) {
      var anchor = this.root.querySelector("[data-newsfeed-pinned]") ||
        this.list.closest("section") || this.list;
      anchor.parentNode.insertBefore(next, anchor);
    }
  };

  // "N new updates" ---------------------------------------------------------------------------

  LiveFeed.prototype.readerHasScrolled = function () {
    return this.list.getBoundingClientRect().top < 0;
  };

  LiveFeed.prototype.isInView = function (element) {
    var box = element.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  };

  LiveFeed.prototype.swapUnseen = function (old, replacement) {
    var index = this.unseen.indexOf(old);
    if (index !== -1) {
      this.unseen[index] = replacement;
    }
  };

  LiveFeed.prototype.dropUnseen = function (element) {
    var index = this.unseen.indexOf(element);
    if (index !== -1) {
      this.unseen.splice(index, 1);
    }
  };

  LiveFeed.prototype.buildNotice = function () {
    var self = this;
    var holder = document.createElement("div");
    holder.className = "newsfeed-new-updates";
    holder.setAttribute("aria-live", "polite");
    holder.style.cssText = "position:sticky;top:0.75rem;z-index:10;text-align:center;height:0;";
    var button = document.createElement("button");
    button.type = "button";
    button.hidden = true;
    button.setAttribute("data-newsfeed-new-updates", "");
    button.style.cssText = "cursor:pointer;border:0;border-radius:999px;padding:0.5rem 1rem;" +
      "font:inherit;font-weight:600;background:#c8102e;color:#fff;" +
      "box-shadow:0 2px 8px rgba(0,0,0,0.25);";
    button.addEventListener("click", function () { self.revealUnseen(true); });
    holder.appendChild(button);
    this.list.parentNode.insertBefore(holder, this.list);
    return button;
  };

  LiveFeed.prototype.revealUnseen = function (scroll) {
    var first = null;
    var self = this;
    this.unseen.forEach(function (element) {
      element.hidden = false;
      if (!first || self.comesBefore(self.sortKey(element), self.sortKey(first))) {
        first = element;
      }
    });
    this.unseen = [];
    this.updateNotice();
    if (scroll && first) {
      var target = this.oldestFirst ? first : (this.list.closest("section") || this.list);
      target.scrollIntoView({ behavior: "smooth", block: "start" });
      first.setAttribute("tabindex", "-1");
      first.focus({ preventScroll: true });
    }
  };

  LiveFeed.prototype.onScroll = function () {
    var self = this;
    if (!this.unseen.length || this.scrollQueued) {
      return;
    }
    this.scrollQueued = true;
    window.requestAnimationFrame(function () {
      self.scrollQueued = false;
      if (!self.oldestFirst && !self.readerHasScrolled()) {
        self.revealUnseen(false); // Back at the top: show them where they belong.
      } else if (self.oldestFirst) {
        self.unseen = self.unseen.filter(function (element) { return !self.isInView(element); });
        self.updateNotice();
      }
    });
  };

  LiveFeed.prototype.updateNotice = function () {
    var count = this.unseen.length;
    this.notice.hidden = count === 0;
    this.notice.textContent = count === 1 ? "1 new update" : count + " new updates";
    document.title = count ? "(" + count + ") " + this.baseTitle : this.baseTitle;
  };

  // Times in the reader's locale and time zone ---------------------------------------------------

  LiveFeed.prototype.localiseTimes = function (container) {
    var self = this;
    var now = new Date();
    Array.prototype.forEach.call(container.querySelectorAll("time[datetime]"), function (time) {
      var date = new Date(time.getAttribute("datetime"));
      if (isNaN(date.getTime())) {
        return;
      }
      time.title = self.fullFormat.format(date);
      if (time.closest(".newsfeed-live__header")) {
        time.textContent = self.fullFormat.format(date);
      } else if (date.toDateString() === now.toDateString()) {
        time.textContent = self.timeFormat.format(date);
      } else {
        time.textContent = self.dayTimeFormat.format(date);
      }
    });
  };

  function start() {
    var root = document.querySelector("[data-newsfeed-live]");
    if (!root || !script || !window.fetch || !root.querySelector("[data-newsfeed-entries]")) {
      return;
    }
    var feed = new LiveFeed(root, {
      deltaUrl: script.getAttribute("data-delta-url"),
      feedUrl: script.getAttribute("data-feed-url"),
      fragmentsUrl: script.getAttribute("data-fragments-url"),
      pollInterval: script.getAttribute("data-poll-interval"),
      pollMaxInterval: script.getAttribute("data-poll-max-interval")
    });
    root.newsfeedLive = feed;
    feed.start();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
