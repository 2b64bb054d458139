#!/usr/bin/env bash
# The scale run: 1,000 readers polling one live feed while an editor posts every 2 s, through
# Varnish (the shipped VCL, two app servers behind it) and then without it, on loopback only.
# A private PostgreSQL cluster and Redis are started for the run (the faults stop and restart
# them: see benchmarks/scale/timeline.py); nothing else on the machine is touched.
# Usage: bash benchmarks/scale.sh   (READERS=1000; about 6 minutes; prints Markdown)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"
SCALE="$ROOT/benchmarks/scale"
READERS=${READERS:-1000}
WORK=$(mktemp -d /tmp/newsfeed-scale.XXXXXX)
chmod 755 "$WORK"  # the postgres user reads its cluster inside it
export PYTHONPATH="$ROOT:$ROOT/example_site" DJANGO_SETTINGS_MODULE=benchmarks.scale.settings
export MEDIA_ROOT="$WORK/media" SECRET_KEY="scale-run-$$"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"  # a connection per reader

command -v varnishd >/dev/null || bash scripts/ensure-varnish
command -v varnishd >/dev/null || { echo "varnishd is required" >&2; exit 1; }

free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
wait_for() { for _ in $(seq 1 150); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "timed out: $*" >&2; return 1; }

# The services ----------------------------------------------------------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA="$WORK/pg" PGPORT=$(free_port) REDIS_PORT=$(free_port)
APP1_PORT=$(free_port) APP2_PORT=$(free_port) VARNISH_PORT=$(free_port)
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/newsfeed_scale"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
RUN=""  # the folder of the run in progress: logs go there

start_postgres() {
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -o \
    "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=off -c max_connections=100" start >/dev/null
}
restart_postgres() { as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -m fast -w restart >/dev/null; }
start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
  wait_for redis-cli -p "$REDIS_PORT" ping
}
stop_redis() { redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; }

start_app() { # number port: gunicorn, 2 sync workers, in a process group of its own
  setsid "$BIN/gunicorn" example_site.wsgi:application --chdir example_site --workers 2 \
    --bind "127.0.0.1:$2" --timeout 30 --error-logfile "$RUN/app$1.err" \
    --access-logfile "$RUN/app$1.log" --access-logformat '%(t)s "%(m)s %(U)s?%(q)s" %(s)s "%(a)s"' &
  echo $! >"$WORK/app$1.pid"
  disown $!  # killed on purpose: no job-control notice
  wait_for curl -fs -H "Host: localhost" "http://127.0.0.1:$2/api/newsfeed/v1/feeds/"
}
stop_app() { [ -f "$WORK/app$1.pid" ] && kill -KILL -- "-$(cat "$WORK/app$1.pid")" 2>/dev/null || true; }  # a crash
start_app1() { start_app 1 "$APP1_PORT"; }
stop_app1() { stop_app 1; }

start_varnish() {
  sed -e "s/\.port = \"8001\";/.port = \"$APP1_PORT\";/" -e "s/\.port = \"8002\";/.port = \"$APP2_PORT\";/" \
    example_site/deploy/varnish.vcl >"$WORK/varnish.vcl"
  varnishd -j none -n "$WORK/varnishd" -a "127.0.0.1:$VARNISH_PORT" -f "$WORK/varnish.vcl" \
    -s malloc,256m -P "$WORK/varnishd.pid"
  wait_for curl -fs -H "Host: localhost" "http://127.0.0.1:$VARNISH_PORT/api/newsfeed/v1/feeds/"
  while :; do # the counters report.py computes hit ratios from, every second
    echo "$(date +%s.%N) $(varnishstat -n "$WORK/varnishd" -1 -f MAIN.client_req -f MAIN.cache_hit \
      -f MAIN.cache_miss -f MAIN.busy_sleep -f MAIN.s_pass -f MAIN.s_synth -f MAIN.backend_req | awk '{sub("MAIN.", "", $1); printf "%s=%s ", $1, $2}')"
    sleep 1
  done >"$RUN/varnishstat.log" &
  echo $! >"$WORK/sampler.pid"
}
stop_varnish() {
  kill "$(cat "$WORK/sampler.pid")" 2>/dev/null || true
  kill "$(cat "$WORK/varnishd.pid")" 2>/dev/null || true
}

cleanup() {
  stop_app 1; stop_app 2
  [ -f "$WORK/varnishd.pid" ] && stop_varnish
  stop_redis
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
  echo "Logs: $WORK" >&2
}
trap cleanup EXIT

mkdir -p "$PGDATA" "$MEDIA_ROOT"
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
as_postgres "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
start_postgres
start_redis
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -q -c "CREATE DATABASE newsfeed_scale"
"$BIN/python" example_site/manage.py migrate --noinput -v0
"$BIN/python" benchmarks/seed.py >/dev/null
read -r FEED TOKEN MAX_AGE INTERVAL <<<"$("$BIN/python" - <<'PY'
import django; django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from wagtail_newsfeed.conf import settings
from wagtail_newsfeed.models import LiveFeedPage
editor, _ = get_user_model().objects.get_or_create(username="scale-editor", defaults={"is_superuser": True})
print(LiveFeedPage.objects.get(slug="feed-100").pk, Token.objects.get_or_create(user=editor)[0].key,
      settings.API_LIVE_CACHE_MAX_AGE, settings.POLL_INTERVAL)
PY
)"

# One run ---------------------------------------------------------------------------------------
run() { # name, then the ports readers poll
  local name=$1; shift
  RUN="$WORK/$name"; mkdir -p "$RUN"
  start_app 1 "$APP1_PORT"; start_app 2 "$APP2_PORT"
  [ "$name" = varnish ] && start_varnish
  local cursor start
  cursor=$(curl -fs -H "Host: localhost" "http://127.0.0.1:$APP2_PORT/api/newsfeed/v1/feeds/$FEED/entries/?limit=1" |
    "$BIN/python" -c 'import json, sys; print(json.load(sys.stdin)["cursor"])')
  start=$(($(date +%s) + 3)); echo "$start" >"$RUN/start"
  echo "== $name: $READERS readers from $(date -d "@$start" +%T)" >&2
  "$BIN/python" "$SCALE/readers.py" --ports "$@" --editor-port "$APP2_PORT" --feed "$FEED" \
    --cursor "$cursor" --token "$TOKEN" --readers "$READERS" --interval "$INTERVAL" \
    --start "$start" --end "$((start + $("$BIN/python" -c 'import sys; sys.path.insert(0, "benchmarks/scale"); import timeline; print(timeline.END)')))" \
    --out "$RUN/readers.json" &
  local readers=$!
  while read -r second action; do
    sleep "$(("$start" + second - $(date +%s)))" 2>/dev/null || true
    [ "$action" = end ] || { echo "   $second s: $action" >&2; $action; }
  done < <("$BIN/python" "$SCALE/timeline.py")
  wait "$readers"
  [ "$name" = varnish ] && stop_varnish
  stop_app 1; stop_app 2
  sleep 1
}

FRONTEND_CACHE_URL="http://127.0.0.1:$VARNISH_PORT" run varnish "$VARNISH_PORT"
run direct "$APP1_PORT" "$APP2_PORT"
"$BIN/python" "$SCALE/report.py" --max-age "$MAX_AGE" --interval "$INTERVAL" "$WORK/varnish" "$WORK/direct"
