"""The scale run's report: what readers saw (``readers.py``'s JSON), what reached the app servers
(their gunicorn access logs) and what Varnish served from its cache (``varnishstat`` sampled every
second), per phase of the timeline, for the run through Varnish and the run without it.

Usage: ``python benchmarks/scale/report.py --max-age 2 --interval 5 DIR [DIR]``, one folder per
run, each holding ``start`` (epoch seconds), ``readers.json``, ``app*.log`` and, behind Varnish,
``varnishstat.log``. Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timeline import MAIN, PHASES  # noqa: E402

#: gunicorn's --access-logformat in scale.sh: '%(t)s "%(m)s %(U)s?%(q)s" %(s)s "%(a)s"'
ACCESS = re.compile(
    r'^\[(?P<t>[^\]]+)\] "(?P<m>\S+) (?P<u>[^?"]*)\?(?P<q>[^"]*)" (?P<s>\d+) "(?P<a>[^"]*)"'
)


def access_log(folder: Path) -> list[dict[str, Any]]:
    """Requests the app servers answered, without Varnish's health probes."""
    rows = []
    for log in sorted(folder.glob("app*.log")):
        for line in log.read_text(errors="replace").splitlines():
            match = ACCESS.match(line)
            if not match or match["a"] == "varnish-probe":
                continue
            when = datetime.strptime(match["t"], "%d/%b/%Y:%H:%M:%S %z").timestamp()
            rows.append({**match.groupdict(), "t": when})
    return rows


def url_class(row: dict[str, Any]) -> str:
    if row["u"].endswith("/entries/") and row["q"].startswith("since="):
        return f"{row['m']} delta poll (…/entries/?since=…)"
    if row["u"].endswith("/entries/") and row["m"] == "POST":
        return "POST entry (editor)"
    return f"{row['m']} {row['u']}"


def varnish_counters(folder: Path) -> list[tuple[float, dict[str, int]]]:
    path = folder / "varnishstat.log"
    if not path.exists():
        return []
    samples = []
    for line in path.read_text().splitlines():
        when, *pairs = line.split()
        counters = dict(pair.split("=") for pair in pairs)
        samples.append((float(when), {name: int(value) for name, value in counters.items()}))
    return samples


def counters_at(samples: list[tuple[float, dict[str, int]]], when: float) -> dict[str, int]:
    before = [counters for t, counters in samples if t <= when]
    return before[-1] if before else samples[0][1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


class Run:
    def __init__(self, folder: Path, max_age: float) -> None:
        self.name = "through Varnish" if (folder / "varnishstat.log").exists() else "no Varnish"
        self.start = float((folder / "start").read_text())
        data = json.loads((folder / "readers.json").read_text())
        self.polls, self.posts, self.seen = data["polls"], data["posts"], data["seen"]
        self.origin = access_log(folder)
        self.varnish = varnish_counters(folder)
        self.max_age = max_age

    def window(self, a: float, b: float) -> tuple[float, float]:
        return self.start + a, self.start + b

    def origin_in(self, a: float, b: float) -> list[dict[str, Any]]:
        lo, hi = self.window(a, b)
        return [row for row in self.origin if lo <= row["t"] < hi]

    def hit_ratio(self, a: float, b: float) -> float | None:
        """Reader requests answered from the cache: hits, and requests that waited for another's
        fetch of the same URL (``busy_sleep``; Varnish counts them as neither hit nor miss). Not
        counted: misses, passes and synthetic answers (PURGE requests are those)."""
        if not self.varnish:
            return None
        lo, hi = self.window(a, b)
        first, last = counters_at(self.varnish, lo), counters_at(self.varnish, hi)
        change = {name: last[name] - first[name] for name in last}
        readers = change["client_req"] - change["s_synth"]
        served = change["cache_hit"] + change["busy_sleep"]
        return served / readers if readers else None

    def reader_errors(self, a: float, b: float) -> tuple[int, int, int]:
        """(polls, failed polls, readers who saw a failure) in the window."""
        lo, hi = self.window(a, b)
        polls = [(reader, status) for t, reader, status in self.polls if lo <= t < hi]
        failed = [(reader, status) for reader, status in polls if status not in (200, 304)]
        return len(polls), len(failed), len({reader for reader, _ in failed})

    def write_outcomes(self, a: float, b: float) -> Counter:
        lo, hi = self.window(a, b)
        outcomes: Counter = Counter()
        for post in self.posts:
            if lo <= post["sent"] < hi:
                status = post["status"]
                if status == 201:
                    outcomes["201"] += 1
                elif status == 503 and post["retry_after"]:
                    outcomes["503 + Retry-After"] += 1
                else:
                    outcomes[str(status)] += 1
        return outcomes

    def latencies(self, a: float, b: float) -> tuple[list[float], list[float], int]:
        """Publish-to-visible seconds over every (reader, entry) pair for entries published in
        the window; each reader's own p95; and pairs never seen."""
        lo, hi = self.window(a, b)
        published = {p["id"]: p["done"] for p in self.posts if "id" in p and lo <= p["sent"] < hi}
        every, per_reader, unseen = [], [], 0
        for seen in self.seen:
            mine = []
            for entry, done in published.items():
                when = seen.get(str(entry), seen.get(entry))
                if when is None:
                    unseen += 1
                else:
                    mine.append(max(0.0, when - done))
            every += mine
            if mine:
                per_reader.append(percentile(mine, 0.95))
        return every, per_reader, unseen

    def delta_bound(self, a: float, b: float) -> tuple[int, float]:
        """Origin delta polls in the window, and the goal's bound: one per distinct URL per
        max-age while it is polled, plus one per new entry."""
        by_url = defaultdict(list)
        for row in self.origin_in(a, b):
            if row["q"].startswith("since=") and row["m"] == "GET":
                by_url[row["q"]].append(row["t"])
        lo, hi = self.window(a, b)
        entries = sum(1 for p in self.posts if p.get("status") == 201 and lo <= p["sent"] < hi)
        bound = sum((max(t) - min(t)) / self.max_age + 1 for t in by_url.values()) + entries
        return sum(len(t) for t in by_url.values()), bound


def seconds(values: list[float], fraction: float | None) -> str:
    if not values:
        return "–"
    return f"{(max(values) if fraction is None else percentile(values, fraction)):.1f} s"


def print_report(runs: list[Run], interval: float) -> None:
    a, b = MAIN
    print(f"### The {b - a} s run: 1 feed, readers polling every {interval:g} s\n")
    print("| | " + " | ".join(run.name for run in runs) + " |")
    print("|---|" + "---|" * len(runs))

    def row(label: str, cells: list[str]) -> None:
        print(f"| {label} | " + " | ".join(cells) + " |")

    row("origin requests/s (total)", [f"{len(r.origin_in(a, b)) / (b - a):.1f}" for r in runs])
    row(
        "origin delta polls (goal: ≤ bound)",
        [f"{n} (bound {bound:.0f})" for n, bound in (r.delta_bound(a, b) for r in runs)],
    )
    row("Varnish hit ratio", [f"{h:.2%}" if (h := r.hit_ratio(a, b)) else "–" for r in runs])
    lat = [r.latencies(a, b) for r in runs]
    row("publish-to-visible p50", [seconds(every, 0.5) for every, _, _ in lat])
    row("publish-to-visible p95", [seconds(every, 0.95) for every, _, _ in lat])
    row("publish-to-visible max", [seconds(every, None) for every, _, _ in lat])
    row("worst reader's own p95", [seconds(per, None) for _, per, _ in lat])
    row("(reader, entry) pairs never seen", [str(unseen) for _, _, unseen in lat])

    print("\n### Origin requests per URL (first 60 s)\n")
    for run in runs:
        rows = run.origin_in(a, b)
        classes = Counter(url_class(r) for r in rows)
        top = classes.most_common(8)
        print(f"{run.name}: " + "; ".join(f"{k}: {v / (b - a):.1f}/s" for k, v in top))
        print()

    print("### Errors per phase\n")
    print("| phase | run | reader polls | failed polls (readers) | writes: outcomes | hit ratio |")
    print("|---|---|---|---|---|---|")
    for name, start, end in PHASES:
        for run in runs:
            polls, failed, readers = run.reader_errors(start, end)
            outcomes = sorted(run.write_outcomes(start, end).items())
            writes = ", ".join(f"{k}: {v}" for k, v in outcomes)
            hit = run.hit_ratio(start, end)
            print(
                f"| {name} ({start}–{end} s) | {run.name} | {polls} | {failed} ({readers}) |"
                f" {writes or '–'} | {f'{hit:.2%}' if hit else '–'} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-age", type=float, required=True, help="API_LIVE_CACHE_MAX_AGE")
    parser.add_argument("--interval", type=float, required=True, help="POLL_INTERVAL")
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    print_report([Run(folder, args.max_age) for folder in args.folders], args.interval)
    print("\nGoal: publish-to-visible p95 ≤ API_LIVE_CACHE_MAX_AGE + POLL_INTERVAL + 1 s =")
    print(f"{args.max_age + args.interval + 1:g} s for every reader; hit ratio ≥ 99 %; 0 errors.")


if __name__ == "__main__":
    main()
