"""Start the portal as production runs it (gunicorn, DEBUG off, manifest static files) on loopback."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_env(database_url, **extra):
    """Environment of a production process serving plain http on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "nmt_portal.settings",
            "DJANGO_SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "EMAIL_URL": extra.pop("EMAIL_URL", "dummymail://"),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def database_url_from_environment():
    """DATABASE_URL, which must name a PostgreSQL database; the benchmark exits without one."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (and REDIS_URL) for the benchmark.")
    return database_url


def measured_env(database_url, namespace, **extra):
    """`production_env` of a server under measurement: REDIS_URL from the environment, a cache key
    prefix of its own (nothing one server stores is read by another), and no rate limits (they would
    refuse most of the load's requests)."""
    return production_env(
        database_url,
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8"),
        CACHE_KEY_PREFIX=namespace,
        RATELIMIT_ENABLE="false",
        **extra,
    )


def manage(env, *args, check=True):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=check, capture_output=True, text=True
    )


class Gunicorn:
    def __init__(self, env, port, workers=2, threads=1, log_path=None, cwd=BASE_DIR):
        """`cwd`: the checkout to serve (bench/compare.py serves an older commit's worktree)."""
        self.env, self.port, self.workers, self.threads, self.cwd = env, port, workers, threads, cwd
        self.log_path = Path(log_path or f"/tmp/nmt-gunicorn-{port}.log")
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "nmt_portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log_path.open("w"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {self.log_tail()}") from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def log_tail(self, chars=2000):
        return self.log_path.read_text(errors="replace")[-chars:]
