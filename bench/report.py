"""The targets of bench/run.py, its tables and the closing summary of every figure that misses one.

A row ends with "ok", or with what misses: "BELOW" (a share of /healthz under its target), "p50
OVER" or "p99 OVER" (a latency over its target), "OVER" (an admin page's median), "no answer" (not
one response within the run), and any non-2xx responses or timeouts."""

import math
from collections import defaultdict
from dataclasses import dataclass

from bench.pages import CONTENT, FEED, FORM, GEOJSON, SEARCH

CACHED_CONTENT_RATIO = 0.6  # a cached content page: one Redis read, no SQL
UNCACHED_RATIO = 0.25  # a content page rendered (page cache off), and every text search
FORM_RATIO = 0.25  # the application forms, personalised around a cached fragment
PLAIN_GEOJSON_RATIO = 0.5  # the GeoJSON to a client that does not take gzip
P50_MS = 10  # rendered pages and text searches, at 8 connections
P99_MS = 50  # cached tables at 8 connections (the feeds' only target)
SIZE_RATIO = 0.8  # uncached: the large size's share of /healthz over the small size's
ADMIN_MEDIAN_MS = 100
GEOJSON_RENDER_MS = 100  # the GeoJSON of every partner, uncached, one request at a time
GEOJSON_GZIP_KB = 250

PAGE = 30
WIDTH = 120  # of the summary's lines
FIGURES = f"{'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'/healthz':>8}"


@dataclass(frozen=True)
class Miss:
    word: str  # in the row: BELOW, p50 OVER...
    criterion: str  # in the summary: what the target is
    figure: str  # in the summary: what was measured


@dataclass(frozen=True)
class Target:
    ratio: float | None = None
    p50: float | None = None
    p99: float | None = None

    def __str__(self):
        parts = [f">= {self.ratio}"] if self.ratio else []
        parts += [f"p50 < {self.p50}"] if self.p50 else []
        parts += [f"p99 < {self.p99}"] if self.p99 else []
        return ", ".join(parts) or "-"

    def misses(self, result, ratio):
        """A Miss for every figure of `result` that misses this target, and for errors."""
        out = []
        if self.ratio is not None and not ratio >= self.ratio:
            out.append(Miss("BELOW", f"share of /healthz >= {self.ratio}", f"{ratio:.2f}"))
        if not result["requests"]:
            out.append(Miss("no answer", "an answer within the run", ""))
        else:
            for name, limit in (("p50", self.p50), ("p99", self.p99)):
                if limit is not None and not result[name] < limit:
                    out.append(Miss(f"{name} OVER", f"{name} < {limit} ms", f"{result[name]:.0f} ms"))
        for key, label in (("non_2xx", "non-2xx"), ("timeouts", "timeouts")):
            if result.get(key):
                out.append(Miss(f"{result[key]} {label}", f"no {label}", str(result[key])))
        return out


def target(kind, *, cached, plain=False, connections=8):
    """The target of a page of `kind`: in a cached table (plain: without gzip) or an uncached one."""
    ratio = {
        CONTENT: CACHED_CONTENT_RATIO if cached else UNCACHED_RATIO,
        SEARCH: UNCACHED_RATIO,
        FORM: FORM_RATIO,
        GEOJSON: PLAIN_GEOJSON_RATIO if plain else None,
        FEED: None,
    }[kind]
    light = connections <= 8
    rendered = kind == SEARCH or (kind == CONTENT and not cached)
    return Target(ratio, P50_MS if light and rendered else None, P99_MS if light and cached else None)


def ratio_of(result, health):
    return result["rps"] / health["rps"] if health["rps"] else 0.0


def figures(result, ratio):
    return f"{result['rps']:7.0f} {result['p50']:8.2f} {result['p99']:8.2f} {ratio:8.2f}"


def verdict(misses):
    return ", ".join(miss.word for miss in misses) or "ok"


class Report:
    """Prints the tables as they are measured and remembers each miss for the summary."""

    def __init__(self):
        self.misses = defaultdict(lambda: defaultdict(list))  # table -> criterion -> ["page figure"]

    def note(self, table, name, misses, prefix=""):
        for miss in misses:
            self.misses[table][prefix + miss.criterion].append(f"{name} {miss.figure}".strip())

    def table(self, title, extra=""):
        """A table of one server's figures: page, req/s, p50, p99, share of /healthz."""
        print(f"\n== {title}")
        print(f"{'page':{PAGE}} {FIGURES} {extra}  target")

    def health(self, result, label="/healthz", extra=""):
        print(f"{label:{PAGE}} {figures(result, 1.0)} {extra}")

    def row(self, table, name, result, health, goal, extra=""):
        ratio = ratio_of(result, health)
        misses = goal.misses(result, ratio)
        self.note(table, name, misses)
        print(f"{name:{PAGE}} {figures(result, ratio)} {extra}  {goal} {verdict(misses)}")

    def uncached_table(self, title, pages, results, labels):
        """The large size and (when measured) the small one side by side, each against its own
        /healthz and with its verdict, then large/small: the large size's share of /healthz over the
        small's (not for the feeds, which carry all the data and grow with it)."""
        large, small = results["large"], results.get("small")
        print(f"\n== {title}")
        print(
            f"targets: content pages and searches >= {UNCACHED_RATIO} of /healthz and p50 < {P50_MS} ms, "
            f"forms >= {FORM_RATIO}, feeds none; large/small >= {SIZE_RATIO}"
        )
        width = len(FIGURES) + 18
        print(f"{'':{PAGE}} {labels[0]:^{width}} {(labels[1] or ''):^{width}}".rstrip())
        small_header = f"{FIGURES}  {'verdict':16} large/small" if small else ""
        print(f"{'page':{PAGE}} {FIGURES}  {'verdict':16} {small_header}".rstrip())
        small_health = figures(small["/healthz"], 1.0) if small else ""
        print(f"{'/healthz':{PAGE}} {figures(large['/healthz'], 1.0)}  {'':16} {small_health}".rstrip())
        for page in pages:
            goal = target(page.kind, cached=False)
            cells = []
            ratios = []
            for size, results_of_size in (("", large), ("small: ", small)):
                if results_of_size is None:
                    cells.append("")
                    continue
                result = results_of_size[page.name]
                ratio = ratio_of(result, results_of_size["/healthz"])
                misses = goal.misses(result, ratio)
                self.note(title, page.name, misses, prefix=size)
                cells.append(f"{figures(result, ratio)}  {verdict(misses):16}")
                ratios.append(ratio)
            size_cell = ""
            if len(ratios) == 2 and page.kind in (CONTENT, SEARCH, FORM):
                size_ratio = ratios[0] / ratios[1] if ratios[1] else math.nan
                below = not size_ratio >= SIZE_RATIO
                if below:
                    self.note(title, page.name, [Miss("", f"large/small >= {SIZE_RATIO}", f"{size_ratio:.2f}")])
                size_cell = f"{size_ratio:11.2f} {'BELOW' if below else 'ok'}"
            print(f"{page.name:{PAGE}} {cells[0]} {cells[1]} {size_cell}".rstrip())

    def admin_row(self, name, median, worst, failures=0):
        misses = []
        if not median < ADMIN_MEDIAN_MS:
            misses.append(Miss("OVER", f"median < {ADMIN_MEDIAN_MS} ms", f"{median:.0f} ms"))
        if failures:
            misses.append(Miss(f"{failures} not HTTP 200", "HTTP 200", f"{failures} not"))
        self.note("Admin", name, misses)
        print(f"{name:{PAGE}} median {median:7.1f} ms  max {worst:7.1f} ms  (< {ADMIN_MEDIAN_MS} ms) {verdict(misses)}")

    def geojson_row(self, name, median, gzipped_bytes):
        misses = []
        if not median < GEOJSON_RENDER_MS:
            misses.append(Miss("OVER", f"uncached median < {GEOJSON_RENDER_MS} ms", f"{median:.0f} ms"))
        if not gzipped_bytes < GEOJSON_GZIP_KB * 1000:
            misses.append(Miss("LARGER", f"gzipped < {GEOJSON_GZIP_KB} KB", f"{gzipped_bytes / 1000:.0f} KB"))
        self.note("GeoJSON", name, misses)
        print(
            f"{name:{PAGE}} median {median:7.1f} ms (< {GEOJSON_RENDER_MS} ms), "
            f"{gzipped_bytes / 1000:.0f} KB gzipped (< {GEOJSON_GZIP_KB} KB) {verdict(misses)}"
        )

    def summary(self):
        """Every miss, by table and target: one line of pages and their figures for each."""
        if not self.misses:
            print("\n== Every figure meets its target")
            return
        print("\n== Missing their targets")
        for table, criteria in self.misses.items():
            print(table)
            for criterion, items in criteria.items():
                lines = [f"  {criterion}: {items[0]}"]
                for item in items[1:]:
                    if len(lines[-1]) + len(item) + 2 > WIDTH:
                        lines[-1] += ";"
                        lines.append(f"      {item}")
                    else:
                        lines[-1] += f"; {item}"
                print("\n".join(lines))
