"""The databases of bench/run.py: the scale data (DATABASE_URL) and a second one, named after it
with `_small`, holding ten times fewer rows; and the questions asked of them (bench/probe.py)."""

import json
import subprocess
from contextlib import closing
from urllib.parse import urlsplit, urlunsplit

from bench.admin_timing import reviewer_account_code
from bench.server import BASE_DIR, PYTHON, manage

# seed_scale_data's options for the small size: a tenth of its defaults.
SMALL = {
    "applications": 10_000,
    "partners": 1000,
    "events": 200,
    "registrations": 5000,
    "publications": 200,
    "faqs": 50,
}


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def small_database_url(url):
    """postgres://host/nmt_bench -> postgres://host/nmt_bench_small (the rest unchanged)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database_name(url)}_small"))


def ensure_database(url):
    """Create the database of `url` unless it exists; True if it was created."""
    import psycopg2
    from psycopg2 import sql

    name = database_name(url)
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with closing(psycopg2.connect(server)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True


def ask(env, *args, stdin=None):
    """Run `python -m bench.probe ARGS` in `env` and return its JSON answer."""
    result = subprocess.run(
        [PYTHON, "-m", "bench.probe", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"bench.probe {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def prepare(env, *, seed=None, seed_if_empty=None, log=print):
    """Migrate, load the starter content and the reviewer account; seed the scale data with `seed`
    options (a dict, {} for the defaults), or with `seed_if_empty` when there are no applications.
    Returns the database's facts (bench/probe.py)."""
    manage(env, "migrate", "--no-input")
    manage(env, "load_starter_content")
    facts = ask(env, "facts")
    options = seed if seed is not None else (seed_if_empty if not facts["counts"]["applications"] else None)
    if options is not None:
        log(f"Seeding {database_name(env['DATABASE_URL'])} (this takes a while)")
        flags = [f"--{name}={value}" for name, value in options.items()]
        log(manage(env, "seed_scale_data", "--yes", *flags).stdout.rstrip())
    manage(env, "shell", "-c", reviewer_account_code())
    return ask(env, "facts") if options is not None else facts
