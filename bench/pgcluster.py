"""A throwaway PostgreSQL cluster for the fault and load scripts, so they can stop and start
the database without touching the machine's shared server."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def _pg_bin():
    versions = sorted(Path("/usr/lib/postgresql").iterdir(), reverse=True)
    return versions[0] / "bin"


def _as_postgres(args, **kwargs):
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class Cluster:
    """`with Cluster(port=25432) as cluster:` gives a running server; `cluster.url(name)`.

    Ports stay below the ephemeral range (32768+), where a client socket in TIME_WAIT, left by a
    load test, could keep the server from binding."""

    def __init__(self, port=25432):
        self.port = port
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="nmt-pg-"))
        self.data = self.root / "data"

    def __enter__(self):
        shutil.chown(self.root, "postgres", "postgres") if os.geteuid() == 0 else None
        _as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"])
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop(check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def start(self):
        _as_postgres(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-o",
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=on",
                "start",
            ]
        )

    def stop(self, *, check=True):
        try:
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])
        except subprocess.CalledProcessError:
            if check:
                raise

    def create_database(self, name):
        _as_postgres([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


def wait_for(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
