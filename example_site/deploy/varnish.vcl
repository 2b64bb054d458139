vcl 4.1;
# Varnish 7 in front of the wagtail-newsfeed example site: caches what the app marks public, for as
# long as its Cache-Control says, and purges what the app asks it to. Each part is explained in
# docs/deployment.md ("Behind Varnish"). Edit the backends and the ACL for your servers.

import cookie;
import directors;
import std;

# An app server is healthy while 2 of its last 3 probes answered 200 within 2 s. The probe URL is
# cheap (a cached API list) and touches no session; its User-Agent tells it apart in access logs.
probe app_health {
    .request =
        "GET /api/newsfeed/v1/topics/?limit=1 HTTP/1.1"
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
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    if (req.restarts == 0) {
        unset req.http.x-stale-ok;  # only vcl_synth sets it, never a client
    }

    # PURGE <url> bans every cached variant of that path on that host: /news/x/ also drops
    # /news/x/?page=2 and /news/?topic=y goes with /news/. The ban tests only obj.* so the ban
    # lurker can apply it in the background.
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        # (Unquoted: a ban made in VCL keeps quotes as part of the value. A request line has no
        # spaces, so neither has the path.)
        if (std.ban("obj.http.x-host == " + std.tolower(regsub(req.http.host, ":[0-9]+$", ""))
                + " && obj.http.x-path == " + regsub(req.url, "\?.*$", ""))) {
            return (synth(200, "Purged"));
        }
        return (synth(400, std.ban_error()));
    }

    # Writes, the admin (and its previews), password-protected page forms: always the app's.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|django-admin|_util)/") {
        return (pass);
    }

    # Tracking parameters never change the answer: drop them so they share one cached copy.
    if (req.url ~ "[?&](utm_[a-z_]+|gclid|dclid|fbclid|msclkid|mc_cid|mc_eid|_ga|_gl)=") {
        set req.url = regsuball(req.url,
            "(?<=[?&])(utm_[a-z_]+|gclid|dclid|fbclid|msclkid|mc_cid|mc_eid|_ga|_gl)=[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
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
    # background fetch refreshes it; when all are down (or a fetch just failed, see vcl_synth),
    # for as long as beresp.grace keeps it.
    if (std.healthy(req.backend_hint) && !req.http.x-stale-ok) {
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_backend_response {
    # A failed GET/HEAD goes to the next app server (round robin) before anyone sees it.
    if (beresp.status >= 500 && bereq.method ~ "^(GET|HEAD)$" && bereq.retries < 2) {
        return (retry);
    }
    if (beresp.status >= 500 && !bereq.uncacheable && !bereq.http.x-stale-ok) {
        # A background refresh that fails keeps the stale copy; a foreground one is restarted
        # by vcl_synth to look for any stale copy before the error reaches the reader.
        return (abandon);
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    # What a PURGE bans by (see vcl_recv); removed again in vcl_deliver.
    set beresp.http.x-host = std.tolower(regsub(bereq.http.host, ":[0-9]+$", ""));
    set beresp.http.x-path = regsub(bereq.url, "\?.*$", "");
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        # The app said nothing about freshness: don't cache (Varnish would guess 120 s). The
        # hit-for-miss marker keeps concurrent requests for it from queueing on each other.
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.grace = 1h;
    # Varnish's built-in rules follow: no caching of private, no-cache, no-store, Set-Cookie or
    # Vary: *; otherwise the TTL comes from s-maxage / max-age.
}

sub vcl_backend_error {
    if (bereq.method ~ "^(GET|HEAD)$" && bereq.retries < 2) {
        return (retry);
    }
    if (!bereq.uncacheable && !bereq.http.x-stale-ok) {
        return (abandon);
    }
    set beresp.http.Retry-After = "5";
}

sub vcl_synth {
    # A fetch failed on every app server: once, look again for a stale copy to serve.
    if (resp.status == 503 && req.restarts == 0 && req.method ~ "^(GET|HEAD)$") {
        set req.http.x-stale-ok = "1";
        return (restart);
    }
    if (resp.status == 503) {
        set resp.http.Retry-After = "5";
    }
}

sub vcl_deliver {
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
