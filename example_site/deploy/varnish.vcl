vcl 4.1;
# Varnish 7 in front of the wagtail-newsfeed example site: caches what the app marks public, for as
# long as its Cache-Control says, and purges what the app asks it to. Each part is explained in
# docs/deployment.md ("Behind Varnish"). Edit the backends and the ACL for your servers.

import cookie;
import directors;
import std;

# An app server is healthy while 2 of its last 3 probes answered 200 within 2 s. The probe URL is
# cheap (one page's id from Wagtail's pages API), touches no session and is never answered from
# Redis: it reads the database, so an app server whose database is down counts as sick. Its
# User-Agent tells it apart in access logs.
probe app_health {
    .request =
        "GET /api/v2/pages/?limit=1&fields=_,id HTTP/1.1"
        "Host: localhost"
        "User-Agent: varnish-probe"
        "Connection: close";
    .interval = 1s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

backend app1 {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = app_health;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}

backend app2 {
    .host = "127.0.0.1";
    .port = "8002";
    .probe = app_health;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}

# Who may send PURGE: the app servers (Wagtail's HTTPBackend runs in them or in their task worker).
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    app.add_backend(app2);
    # The same servers on a ring, for retries (retry_elsewhere): the round robin cannot be asked
    # for a server other than the one that failed, the ring can (its alternatives for a key are
    # distinct servers). Add every server to both.
    new app_ring = directors.shard();
    app_ring.add_backend(app1);
    app_ring.add_backend(app2);
    app_ring.reconfigure();
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    if (req.restarts == 0) {
        # Only vcl_deliver sets these (see there), never a client.
        unset req.http.x-stale-ok;
        unset req.http.x-fetched;
        unset req.http.x-error-status;
        unset req.http.x-error-retry-after;

        # One spelling of each host name (Varnish has already taken the host from a request line
        # naming it, GET http://host/path): LOCALHOST and localhost. are localhost. The port
        # stays: the API's links carry it.
        if (req.http.host) {
            set req.http.host = std.tolower(regsub(req.http.host, "\.(:[0-9]+)?$", "\1"));
        } elsif (req.proto != "HTTP/1.0") {
            # HTTP/1.1 requires a Host (RFC 9112 3.2). A copy cached without one would be kept
            # under an empty host, which no purge names: a page made private would stay there.
            return (synth(400, "Bad Request"));
        }
        # Any other request line that is not a path (https://host/path, ftp://...) would reach
        # the app as written, be served by its path, and be cached under a name no purge of that
        # path reaches (and miss the path rules below).
        if (req.url !~ "^/" && !(req.method == "OPTIONS" && req.url == "*")) {
            return (synth(400, "Bad Request"));
        }
        # Headers that would let a reader change where the app thinks it is, and so the absolute
        # URLs (API next/previous links) of a copy cached for everyone. X-Forwarded-Proto is
        # kept for a TLS proxy in front (SECURE_PROXY_SSL_HEADER) and is part of the cache key
        # (vcl_hash).
        unset req.http.X-Forwarded-Host;
        unset req.http.X-Forwarded-Server;
        unset req.http.X-Forwarded-Port;
        unset req.http.Forwarded;
        unset req.http.X-Original-URL;
        unset req.http.X-Rewrite-URL;
        # gunicorn trusts these from a proxy on 127.0.0.1 (forwarded_allow_ips): SCRIPT_NAME and
        # PATH_INFO move every URL the app writes under a prefix, and its secure-scheme headers
        # switch it to https, each for a copy cached for everyone. A TLS proxy in front says
        # the scheme with X-Forwarded-Proto alone.
        unset req.http.SCRIPT_NAME;
        unset req.http.PATH_INFO;
        unset req.http.SCRIPT-NAME;
        unset req.http.PATH-INFO;
        unset req.http.X-Script-Name;
        unset req.http.X-Forwarded-Prefix;
        unset req.http.X-Forwarded-Ssl;
        unset req.http.X-Forwarded-Protocol;
        unset req.http.X-Forwarded-Scheme;
        unset req.http.X-Url-Scheme;
        unset req.http.Front-End-Https;

        # A fragment never reaches a server from a browser; in a request line it would make
        # another cached copy of the page that purges do not reach.
        set req.url = regsub(req.url, "#.*$", "");
    }

    # PURGE <url> bans every cached variant of that path on that host: /news/x/ also drops
    # /news/x/?page=2 and /news/?topic=y goes with /news/. The ban tests only obj.* so the ban
    # lurker can apply it in the background. Paths are compared in lower case (x-path is stored
    # so), so /x/caf%C3%A9/ and /x/caf%c3%a9/ go together whichever the app names.
    if (req.method == "PURGE") {
        # Varnish appends the client's address to X-Forwarded-For: a comma means a proxy in
        # front (a TLS terminator on this host) passed the request on, and its client.ip says
        # nothing about who sent it. Wagtail's purges come straight from the app servers.
        if (client.ip !~ purgers || req.http.X-Forwarded-For ~ ",") {
            return (synth(405, "Not allowed"));
        }
        # (Unquoted: a ban made in VCL keeps quotes as part of the value. A request line has no
        # spaces, so neither has the path.)
        unset req.http.x-ban-other;
        set req.http.x-ban-host = std.tolower(regsub(req.http.host, ":[0-9]+$", ""));
        set req.http.x-ban-path = std.tolower(regsub(req.url, "\?.*$", ""));
        # The path's other spelling, with or without its trailing slash: Wagtail's redirects
        # app purges a renamed page's old path without it (/news/old-slug), readers cached
        # /news/old-slug/. Ban expressions have no "or": two bans.
        if (req.http.x-ban-path ~ ".+/$") {
            set req.http.x-ban-other = regsub(req.http.x-ban-path, "/$", "");
        } else if (req.http.x-ban-path != "/") {
            set req.http.x-ban-other = req.http.x-ban-path + "/";
        }
        if (!std.ban("obj.http.x-host == " + req.http.x-ban-host
                + " && obj.http.x-path == " + req.http.x-ban-path)) {
            return (synth(400, std.ban_error()));
        }
        if (req.http.x-ban-other && !std.ban("obj.http.x-host == " + req.http.x-ban-host
                + " && obj.http.x-path == " + req.http.x-ban-other)) {
            return (synth(400, std.ban_error()));
        }
        return (synth(200, "Purged"));
    }

    # Writes, the admin (and its previews), password-protected page forms: always the app's.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|django-admin|_util)/") {
        return (pass);
    }
    # Previews (the headless preview API and frontend) are one editor's draft: never looked up,
    # whatever the app's headers say.
    if (req.url ~ "^/(api/newsfeed/v1/preview|headless/preview)/") {
        return (pass);
    }
    # An HTTP/1.0 request may leave out the Host: its answer is the app's, never cached under an
    # empty host, which no purge names.
    if (!req.http.host) {
        return (pass);
    }
    # Varnish answers one range; a request for several (bytes=0-10,20-30) would be a 416 with
    # nothing in it. A server may ignore Range (RFC 9110 14.2): the whole answer is a 200.
    if (req.http.Range ~ ",") {
        unset req.http.Range;
    }
    # A path that spells an unreserved character or a slash in %xx (/news%2D1/ for /news-1/;
    # the WSGI server decodes %2F too) reaches the same page under another name, which a purge
    # of the page's URL would not reach: the app answers it, uncached.
    if (req.url ~ "^[^?]*%(2[dDeEfF]|3[0-9]|[46][1-9a-fA-F]|[57][0-9aA]|5[fF]|7[eE])") {
        return (pass);
    }

    # Tracking parameters never change the answer: drop them (in any letter case) so they share
    # one cached copy, and sort the rest, so ?page=2&topic=x and ?topic=x&page=2 share one too.
    if (req.url ~ "(?i)[?&](utm_[a-z_]+|gclid|dclid|gbraid|wbraid|fbclid|igshid|msclkid|twclid|ttclid|li_fat_id|yclid|mc_cid|mc_eid|_ga|_gl)=") {
        set req.url = regsuball(req.url,
            "(?i)(?<=[?&])(utm_[a-z_]+|gclid|dclid|gbraid|wbraid|fbclid|igshid|msclkid|twclid|ttclid|li_fat_id|yclid|mc_cid|mc_eid|_ga|_gl)=[^&]*(&|$)",
            "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    # A name given twice (?topic=a&topic=b) is left in its order: Django reads the last value,
    # and sorting the pairs would change which one that is.
    if (req.url !~ "[?&]([^=&]+)=[^&]*&(.*&)?\1(=|&|$)") {
        set req.url = std.querysort(req.url);
    }
    set req.url = regsub(req.url, "\?&*$", "");
    # DRF reads "indent" in Accept (application/json; indent=4): the API's JSON is one shape
    # for everyone, so the app never sees it.
    if (req.url ~ "^/api/newsfeed/" && req.http.Accept ~ "(?i)indent") {
        set req.http.Accept = regsuball(req.http.Accept, "(?i);\s*indent=[^,;]*", "");
    }
    # With Django's LocaleMiddleware every answer varies by Accept-Language, and each browser's
    # spelling of it ("en-GB,en;q=0.9", "en-GB,en;q=0.8") would be a copy of its own, and a miss
    # of its own after every purge. The API's JSON is the same in every language (only its
    # errors, never cached, are translated): it never sees the header. For pages, map the
    # header to the languages the site has, e.g. for a site in English and German:
    #     if (req.http.Accept-Language ~ "(?i)^\s*de\b") {
    #         set req.http.Accept-Language = "de";
    #     } else {
    #         set req.http.Accept-Language = "en";
    #     }
    if (req.url ~ "^/api/newsfeed/") {
        unset req.http.Accept-Language;
    }

    # The API's reads, RSS/Atom, fragments, sitemaps and assets are the same for everyone: no
    # cookies. A page request with Django's session cookie (a logged-in editor, a password
    # given for a restricted page) is the app's alone; any other cookie (analytics, a CSRF
    # token) is dropped, so every anonymous reader shares one copy (the app's Vary: Cookie
    # then sees none). A page that needs a CSRF token sets a new one, and a response with
    # Set-Cookie is never cached.
    if (req.url ~ "^/(api/newsfeed|newsfeed|static|media)/" || req.url ~ "^/(news-)?sitemap\.xml") {
        unset req.http.Cookie;
    } elif (req.http.Cookie) {
        cookie.parse(req.http.Cookie);
        if (cookie.isset("sessionid")) {
            return (pass);
        }
        unset req.http.Cookie;
    }
    if (req.http.Authorization) {
        return (pass);
    }

    # Grace: while an app server is up, an expired copy is served for at most 10 s while a
    # background fetch refreshes it; when all are down, or when the app just answered an error
    # (the restart from vcl_deliver), for as long as beresp.grace keeps it (1 h). req.grace
    # survives a restart, so the restarted lookup must set it again.
    if (req.http.x-stale-ok) {
        set req.grace = 1h;
    } elif (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_hash {
    # The scheme a TLS proxy in front says the reader used: with SECURE_PROXY_SSL_HEADER the
    # app's absolute URLs follow it, so http and https copies are kept apart. Varnish's own
    # rules (URL and Host) follow.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_miss {
    # The restarted lookup found no stale copy either: answer the app's error status (and its
    # Retry-After) without asking the app a third time.
    if (req.http.x-stale-ok) {
        return (synth(std.integer(req.http.x-error-status, 503)));
    }
    set req.http.x-fetched = "1";
}

sub vcl_backend_fetch {
    # The stale copy served after an error is not refreshed by that same request: the app
    # has just failed twice, and the next reader's request will try again.
    if (bereq.is_bgfetch && bereq.http.x-stale-ok) {
        return (abandon);
    }
    unset bereq.http.x-stale-ok;
    unset bereq.http.x-fetched;
    unset bereq.http.x-error-status;
    unset bereq.http.x-error-retry-after;
    unset bereq.http.x-app-error;
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        # A background refresh that fails keeps the stale copy it was refreshing.
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        # A failed GET/HEAD goes once to another app server, unless the app said when to come
        # back (503 with Retry-After): then asking again now would not help.
        if (bereq.method ~ "^(GET|HEAD)$" && bereq.retries == 0
                && !(beresp.status == 503 && beresp.http.Retry-After)) {
            call retry_elsewhere;
        }
        # A fetch that delivers replaces the stale copy (Varnish drops it once the new object
        # is in); an error made in vcl_backend_error does not. Keep the app's status and
        # Retry-After for it, and let vcl_deliver look for the stale copy.
        if (!bereq.uncacheable) {
            set bereq.http.x-app-error = beresp.status;
            if (beresp.http.Retry-After) {
                set bereq.http.x-error-retry-after = beresp.http.Retry-After;
            }
            return (error(beresp.status, beresp.reason));
        }
        return (deliver);
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    # What a PURGE bans by (see vcl_recv); removed again in vcl_deliver.
    set beresp.http.x-host = std.tolower(regsub(bereq.http.host, ":[0-9]+$", ""));
    set beresp.http.x-path = std.tolower(regsub(bereq.url, "\?.*$", ""));
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        # The app said nothing about freshness: don't cache (Varnish would guess 120 s). The
        # hit-for-miss marker keeps concurrent requests for it from queueing on each other.
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.grace = 1h;
    # The app sends text uncompressed: Varnish keeps it gzipped (and unzips it for the rare
    # client that cannot take gzip), so HTML, JSON and feeds cross the network at a fraction.
    if (!beresp.http.Content-Encoding && beresp.http.Content-Type
            ~ "^(text/|application/([a-z.-]+\+)?(json|xml)|application/javascript|image/svg)") {
        set beresp.do_gzip = true;
    }
    # Varnish's built-in rules follow: no caching of private, no-cache, no-store, Set-Cookie or
    # Vary: *; otherwise the TTL comes from s-maxage / max-age.
}

sub vcl_backend_error {
    # No answer at all (refused, reset, timed out): as a 5xx above, one retry on another app
    # server. The app's own 5xx also ends here (x-app-error), already retried.
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    if (bereq.method ~ "^(GET|HEAD)$" && bereq.retries == 0 && !bereq.http.x-app-error) {
        call retry_elsewhere;
    }
    # Never cached, and no hit-for-miss object either: nothing may hide the stale copy
    # vcl_deliver looks for next.
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.uncacheable = true;
    if (bereq.url ~ "^/api/") {
        call api_problem_backend;
    } else {
        call vcl_builtin_backend_error;  # Varnish's HTML page, with Retry-After: 5
    }
    if (bereq.http.x-error-retry-after) {
        set beresp.http.Retry-After = bereq.http.x-error-retry-after;
    }
    return (deliver);
}

# Retries the fetch on a healthy app server other than the one that just failed, if there is
# one. The round robin's "next" server is no such promise: concurrent fetches move it on between
# a fetch and its retry, so the retry often reached the failing server again (a server stopping
# gracefully accepts connections and resets them for seconds, while its probes still pass). The
# ring orders the healthy servers differently for each URL, so the retries of one failing
# server's fetches spread over all the others; if its first choice is the server that failed,
# its second is another. With no other healthy server, no retry: vcl_deliver then looks for a
# stale copy. (bereq.backend, set here, is where the retry goes.)
sub retry_elsewhere {
    set bereq.backend = app_ring.backend(by=URL, healthy=ALL);
    if (bereq.backend == beresp.backend) {
        set bereq.backend = app_ring.backend(by=URL, healthy=ALL, alt=1);
    }
    if (bereq.backend && bereq.backend != beresp.backend) {
        return (retry);
    }
}

sub vcl_synth {
    if (resp.status >= 500 && req.url ~ "^/api/") {
        call api_problem_synth;
    } else {
        call vcl_builtin_synth;  # Varnish's HTML page, with Retry-After: 5
    }
    # An error answered for the app (vcl_miss) keeps the app's Retry-After.
    if (req.http.x-error-retry-after) {
        set resp.http.Retry-After = req.http.x-error-retry-after;
    } elif (resp.status < 500) {
        unset resp.http.Retry-After;
    }
    return (deliver);
}

# The API answers every error as application/problem+json (docs/api.md), Varnish's own too.
sub api_problem_synth {
    set resp.http.Content-Type = "application/problem+json";
    set resp.http.Retry-After = "5";
    synthetic({"{"type": "about:blank", "title": ""} + resp.reason + {"", "status": "}
        + resp.status
        + {", "detail": "The news service cannot answer right now; try again shortly.""} + "}");
}

sub api_problem_backend {
    set beresp.http.Content-Type = "application/problem+json";
    set beresp.http.Retry-After = "5";
    synthetic({"{"type": "about:blank", "title": ""} + beresp.reason + {"", "status": "}
        + beresp.status
        + {", "detail": "The news service cannot answer right now; try again shortly.""} + "}");
}

sub vcl_deliver {
    # The app answered an error to a request that could have been served from the cache:
    # look once more, with the whole grace window, for a stale copy to serve instead. Its
    # status and Retry-After are kept for vcl_miss, in case there is none.
    if (resp.status >= 500 && req.http.x-fetched && req.restarts == 0) {
        set req.http.x-stale-ok = "1";
        set req.http.x-error-status = resp.status;
        if (resp.http.Retry-After) {
            set req.http.x-error-retry-after = resp.http.Retry-After;
        }
        return (restart);
    }
    unset resp.http.x-host;
    unset resp.http.x-path;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
