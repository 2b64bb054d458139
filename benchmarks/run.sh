#!/usr/bin/env bash
# Throughput of the hot paths against the framework's ceiling, on this machine, in one run.
# gunicorn (2 workers, sync) on loopback, PostgreSQL, persistent DB connections; wrk as load.
# Usage: bash benchmarks/run.sh   (prints a Markdown table; see benchmarks/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"
DB=newsfeed_bench
PORT=${PORT:-8765}
DURATION=${DURATION:-10s}
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_SETTINGS_MODULE=benchmarks.settings
export PYTHONPATH="$ROOT:$ROOT/example_site"
export MEDIA_ROOT="$(mktemp -d)"
# The cache every process shares, as in production (docs/deployment.md).
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/15}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
"$BIN/pip" install --quiet gunicorn

psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
"$BIN/python" example_site/manage.py migrate --noinput -v0 --settings=benchmarks.settings
"$BIN/python" benchmarks/seed.py

read -r F100 F10K CURSOR100 CURSOR10K CURSOR_ONE <<<"$("$BIN/python" - <<'PY'
import django; django.setup()
from wagtail_newsfeed import delta
from wagtail_newsfeed.models import LiveFeedPage
small = LiveFeedPage.objects.get(slug="feed-100"); big = LiveFeedPage.objects.get(slug="feed-10000")
print(small.pk, big.pk, delta.encode_cursor(small, 100), delta.encode_cursor(big, 10000),
      delta.encode_cursor(small, 99))
PY
)"

"$BIN/gunicorn" example_site.wsgi:application --chdir example_site --env DJANGO_SETTINGS_MODULE=benchmarks.settings \
  --workers 2 --bind "127.0.0.1:$PORT" --log-level warning &
GPID=$!
trap 'kill $GPID 2>/dev/null || true; psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/bench/ceiling/" >/dev/null && break; sleep 0.2; done

BASE="http://127.0.0.1:$PORT"
etag() { curl -fsI "$1" | tr -d '\r' | awk 'tolower($1)=="etag:"{sub(/^[^ ]+ /,""); print}'; }
rps() { # url [header]
  local out
  if [ -n "${2:-}" ]; then out=$(wrk -t2 -c16 -d"$DURATION" -H "$2" "$1"); else out=$(wrk -t2 -c16 -d"$DURATION" "$1"); fi
  echo "$out" | awk '/Requests\/sec/{print $2}'
}

DELTA100="$BASE/api/newsfeed/v1/feeds/$F100/entries/?since=$CURSOR100"
DELTA10K="$BASE/api/newsfeed/v1/feeds/$F10K/entries/?since=$CURSOR10K"
ARTICLES="$BASE/api/newsfeed/v1/articles/?limit=20"
WAGTAIL="$BASE/api/v2/pages/?type=wagtail_newsfeed.NewsArticlePage&limit=20&fields=standfirst,published_at"
UNCACHED="$BASE/bench/articles-uncached/?limit=20"
DELTA_ONE="$BASE/api/newsfeed/v1/feeds/$F100/entries/?since=$CURSOR_ONE"
INDEX="$BASE/bench-news/"
ARTICLE="$BASE/bench-news/bench-50/"
RSS="$BASE/newsfeed/feeds/latest.rss"
for url in "$DELTA100" "$DELTA10K" "$ARTICLES" "$WAGTAIL" "$BASE/bench-news/feed-100/" "$BASE/bench-news/feed-10000/" \
  "$UNCACHED" "$DELTA_ONE" "$INDEX" "$ARTICLE" "$RSS"; do
  curl -fs -o /dev/null "$url" || { echo "warm-up failed: $url" >&2; exit 1; }
done

ceiling=$(rps "$BASE/bench/ceiling/")
row() { printf '| %s | %s | %.2f× |\n' "$1" "$2" "$(echo "$2 / $ceiling" | bc -l)"; }
echo "| request | req/s | × ceiling |"
echo "|---|---|---|"
row "plain JsonResponse (ceiling)" "$ceiling"
row "delta poll, no news, feed of 100" "$(rps "$DELTA100")"
row "delta poll, no news, feed of 10,000" "$(rps "$DELTA10K")"
row "delta poll, no news, 304 (If-None-Match)" "$(rps "$DELTA10K" "If-None-Match: $(etag "$DELTA10K")")"
row "article list, 20 items (newsfeed API)" "$(rps "$ARTICLES")"
row "article list, 20 items (Wagtail pages API)" "$(rps "$WAGTAIL")"
row "live page HTML, 100 entries" "$(rps "$BASE/bench-news/feed-100/")"
row "live page HTML, 10,000 entries" "$(rps "$BASE/bench-news/feed-10000/")"
# What a cache miss costs (an origin render after a purge): every request renders.
row "news index HTML" "$(rps "$INDEX")"
row "article page HTML" "$(rps "$ARTICLE")"
row "RSS, latest" "$(rps "$RSS")"
row "article list, 20 items, response cache off" "$(rps "$UNCACHED")"
row "delta poll carrying one change" "$(rps "$DELTA_ONE")"
