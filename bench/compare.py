"""Two commits side by side: the uncached throughput of every public page on an older commit and on
the working tree, both served at once over the same database and measured in alternation.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmt_bench REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python -m bench.compare BASE [--rounds 3] [--duration 2] [--only TEXT]

On a machine whose speed drifts (a shared host, a CPU quota), two runs of bench/run.py taken
minutes apart cannot be compared. Here each page is measured on both sides within seconds of each
other, the order alternating at each round, and the best run of each side is kept. BASE (a commit,
branch or tag) is checked out in a temporary git worktree and served with this checkout's Python;
the database must be migrated for the newer side (older code ignores an added column). Both sides
run as bench/run.py serves the portal: gunicorn, production settings, PUBLIC_PAGE_CACHE_SECONDS=0,
wrk at 8 connections with gzip. It prints figures; it is not a test.
"""

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench import databases, wrk
from bench.pages import FEED, GEOJSON, public_pages
from bench.server import BASE_DIR, PYTHON, Gunicorn, database_url_from_environment, measured_env

PORTS = {"old": 8310, "new": 8311}


def best_runs(servers, path, rounds, duration):
    """{side: the best wrk result of `rounds` runs}, the sides taking turns to go first."""
    best = {}
    for number in range(rounds):
        for side in list(servers) if number % 2 == 0 else list(servers)[::-1]:
            wrk.drain(servers[side].url)
            result = wrk.run(servers[side].url, path, 8, duration)
            if side not in best or result["rps"] > best[side]["rps"]:
                best[side] = result
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the older commit, branch or tag")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each page on each side")
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--only", default="", help="measure only pages whose name contains this text")
    args = parser.parse_args()
    database_url = database_url_from_environment()
    run_id = time.time_ns()
    env = {
        side: measured_env(database_url, f"compare-{run_id}-{side}", PUBLIC_PAGE_CACHE_SECONDS="0") for side in PORTS
    }
    facts = databases.ask(env["new"], "facts")
    pages = [page for page in public_pages(facts) if page.kind not in (GEOJSON, FEED) and args.only in page.name]
    with tempfile.TemporaryDirectory(prefix="nmt-compare-") as folder:
        tree = Path(folder) / "base"
        worktree = ["git", "worktree", "add", "--detach", "--quiet", str(tree), args.base]
        subprocess.run(worktree, cwd=BASE_DIR, check=True)
        try:
            for side, where in (("old", tree), ("new", BASE_DIR)):
                command = [PYTHON, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"]
                subprocess.run(command, cwd=where, env=env[side], check=True)
            with (
                Gunicorn(env["old"], PORTS["old"], workers=args.workers, cwd=tree) as old,
                Gunicorn(env["new"], PORTS["new"], workers=args.workers) as new,
            ):
                servers = {"old": old, "new": new}
                print(f"{args.base} (old) against the working tree (new), uncached, 8 connections, gzip;")
                print(f"the best of {args.rounds} alternating {args.duration} s runs on each side")
                columns = ("old req/s", "new req/s", "new/old", "old/healthz", "new/healthz")
                print(f"{'page':32} " + " ".join(f"{column:>11}" for column in columns))
                health = best_runs(servers, "/healthz", args.rounds, args.duration)
                print(f"{'/healthz':32} {health['old']['rps']:11.0f} {health['new']['rps']:11.0f}")
                for page in pages:
                    best = best_runs(servers, page.path, args.rounds, args.duration)
                    old_rps, new_rps = best["old"]["rps"], best["new"]["rps"]
                    print(
                        f"{page.name:32} {old_rps:11.0f} {new_rps:11.0f} {new_rps / old_rps if old_rps else 0:11.2f}"
                        f" {old_rps / health['old']['rps']:11.3f} {new_rps / health['new']['rps']:11.3f}",
                        flush=True,
                    )
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=BASE_DIR, check=False)


if __name__ == "__main__":
    main()
