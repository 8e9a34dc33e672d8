"""bench/: the parts of the benchmark that need no server (wrk's report, the Lua script, the small
database's name, the search terms, the targets)."""

import random

from bench import wrk
from bench.databases import small_database_url
from bench.pages import CONTENT, FEED, GEOJSON, SEARCH
from bench.probe import make_terms
from bench.report import Report, Target, target

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:8300/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.12ms    3.01ms  40.22ms   80.00%
    Req/Sec   440.10     50.00   520.00     70.00%
  Latency Distribution
     50%    8.50ms
     75%   10.00ms
     90%   12.00ms
     99%    1.20s
  881 requests in 1.00s, 4.10MB read
  Socket errors: connect 0, read 0, write 0, timeout 3
  Non-2xx or 3xx responses: 2
Requests/sec:    879.50
Transfer/sec:      4.09MB
"""


def test_wrk_report_is_read_in_milliseconds_with_requests_and_errors():
    assert wrk.parse(WRK_OUTPUT) == {
        "rps": 879.5,
        "p50": 8.5,
        "p99": 1200.0,
        "requests": 881,
        "non_2xx": 2,
        "timeouts": 3,
    }


def test_lua_script_holds_every_term_url_encoded_after_the_path():
    script = wrk.lua_script("/registry/?q=", ["dana okafor", "malmö", "o'neill & co"])
    assert 'local path = "/registry/?q="' in script
    assert "\ndana+okafor\nmalm%C3%B6\no%27neill+%26+co\n" in script
    assert "wrk.format(nil, path .. term)" in script


def test_small_database_is_named_after_the_large_one():
    assert small_database_url("postgres://postgres@127.0.0.1:5432/nmt_bench") == (
        "postgres://postgres@127.0.0.1:5432/nmt_bench_small"
    )
    assert small_database_url("postgres://u:p@db/x?sslmode=require") == "postgres://u:p@db/x_small?sslmode=require"


def test_terms_are_distinct_words_of_one_row_each():
    rows = [("Dana Whitfield", "Houston"), ("Kenji O'Neill", "Cape Town"), ("Harbor Family Services 12", "Cork")]
    terms = make_terms(rows, 40, parts_of_words=True, rng=random.Random(1))
    assert len(terms) == len(set(terms)) > 10
    row_words = [" ".join(row).lower() for row in rows]
    # Every word (or the first letters of one) comes from a single row, so that row is found.
    assert all(any(all(word in text for word in term.split()) for text in row_words) for term in terms)


def test_whole_word_terms_leave_out_stopwords_and_short_words():
    terms = make_terms(
        [("How does the NMT approach regulation in case 12?",)], 50, parts_of_words=False, rng=random.Random(1)
    )
    words = {word for term in terms for word in term.split()}
    assert words == {"nmt", "approach", "regulation", "case", "12"}


def test_targets_by_kind_and_mode():
    assert target(CONTENT, cached=True) == Target(0.6, None, 50)
    assert target(CONTENT, cached=False) == target(SEARCH, cached=False) == Target(0.25, 10, None)
    assert target(SEARCH, cached=True) == Target(0.25, 10, 50)
    assert target(SEARCH, cached=True, connections=64) == Target(0.25, None, None)
    assert target(GEOJSON, cached=True, plain=True) == Target(0.5, None, 50)
    assert target(GEOJSON, cached=True) == Target(None, None, 50)
    assert target(FEED, cached=False) == Target(None, None, None)


def test_misses_name_each_figure_that_misses():
    result = {"rps": 100.0, "p50": 12.0, "p99": 30.0, "requests": 1000, "non_2xx": 0, "timeouts": 1}
    assert [miss.word for miss in Target(0.25, 10, 50).misses(result, 0.1)] == ["BELOW", "p50 OVER", "1 timeouts"]
    assert Target(0.05, 20, 50).misses({**result, "timeouts": 0}, 0.1) == []


def test_a_run_without_a_single_answer_has_no_latency():
    result = wrk.parse("  0 requests in 1.00s, 0.00B read\n     50%    0.00us\nRequests/sec:      0.00\n")
    assert result["requests"] == 0
    assert result["p50"] != result["p50"]  # NaN
    assert [miss.word for miss in Target(0.25, 10, 50).misses(result, 0.0)] == ["BELOW", "no answer"]


def test_summary_lists_each_miss_under_its_table_and_target(capsys):
    report = Report()
    health = {"rps": 1000.0, "p50": 5.0, "p99": 20.0, "requests": 10000}
    slow = {"rps": 100.0, "p50": 40.0, "p99": 90.0, "requests": 1000, "non_2xx": 0, "timeouts": 0}
    report.row("Uncached", "registry, late page", slow, health, target(CONTENT, cached=False))
    report.row("Uncached", "home", {**slow, "rps": 900.0, "p50": 6.0}, health, target(CONTENT, cached=False))
    report.admin_row("dashboard", 150.0, 300.0)
    report.summary()
    out = capsys.readouterr().out
    assert "registry, late page" in out.splitlines()[0]
    assert out.endswith(
        "== Missing their targets\n"
        "Uncached\n"
        "  share of /healthz >= 0.25: registry, late page 0.10\n"
        "  p50 < 10 ms: registry, late page 40 ms\n"
        "Admin\n"
        "  median < 100 ms: dashboard 150 ms\n"
    )


def test_the_geojson_row_holds_render_time_and_gzipped_size_to_their_targets(capsys):
    report = Report()
    report.geojson_row("GeoJSON (all partners)", 63.0, 190_000)
    report.geojson_row("GeoJSON (all partners)", 140.0, 260_000)
    report.summary()
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("median    63.0 ms (< 100 ms), 190 KB gzipped (< 250 KB) ok")
    assert out[1].endswith("median   140.0 ms (< 100 ms), 260 KB gzipped (< 250 KB) OVER, LARGER")
    assert out[-3:] == [
        "GeoJSON",
        "  uncached median < 100 ms: GeoJSON (all partners) 140 ms",
        "  gzipped < 250 KB: GeoJSON (all partners) 260 KB",
    ]
