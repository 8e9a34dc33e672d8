"""The processes of the cluster drill (bench/cluster.py), each in its own process group: SeaweedFS
with an S3 gateway, the drill database, nginx; and the small helpers they share."""

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.admin_timing import reviewer_account_code
from bench.server import BASE_DIR, PYTHON
from bench.submissions import create_cv_only_program

PRIVATE_BUCKET, PUBLIC_BUCKET = "nmt-drill-private", "nmt-drill-public"
WEED = Path(PYTHON).parent / "weed"


def wait_for(predicate, timeout, interval=0.1):
    """Poll `predicate` until it is true (returns True) or `timeout` seconds pass (returns False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def free_ports(count):
    """`count` distinct free loopback ports (held together while chosen, so none repeats)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def answers(url, timeout=1):
    """True if `url` answers HTTP 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, http.client.HTTPException):
        return False


# PROCESSES


@dataclass
class Service:
    """A process of the cluster in its own process group, so a kill takes its children too (a
    gunicorn master and its workers). `ready()` says when it serves."""

    name: str
    args: list
    log: Path
    env: dict | None = None
    ready: object = None
    process: subprocess.Popen | None = None

    def start(self, timeout=90):
        self.process = subprocess.Popen(
            self.args,
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while self.ready is not None and not self.ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not become ready in {timeout} s:\n{self.log_tail()}")
            time.sleep(0.2)

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL to the whole process group: the machine dies, nothing finishes."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if not self.running:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, chars=3000):
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def manage(env, *args):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def manage_json(env, code):
    """Run `code` in `manage.py shell` and return the JSON it prints last."""
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


# THE STORE: SeaweedFS with an S3 gateway


@dataclass
class Store:
    endpoint: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def buckets_created(self):
        """Create both buckets; True once the store takes them (its filer starts after its port)."""
        try:
            client = self.client()
            existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
            for bucket in {PRIVATE_BUCKET, PUBLIC_BUCKET} - existing:
                client.create_bucket(Bucket=bucket)
            return True
        except Exception:  # not up yet: any error means "try again"
            return False

    def env(self):
        return {
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_REGION": self.region,
            "S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
            "S3_PUBLIC_BUCKET": PUBLIC_BUCKET,
        }


def port_flag(name):
    """ "master" -> "master.port", "master.grpc" -> "master.port.grpc" (weed's flag names)."""
    role, _, grpc = name.partition(".")
    return f"{role}.port{'.' + grpc if grpc else ''}"


def weed_service(root):
    """`weed server` with master, volume, filer and S3 gateway on free loopback ports."""
    names = ["master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc", "s3", "s3.grpc"]
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    store = Store(f"http://127.0.0.1:{ports['s3']}", f"drill{secrets.token_hex(4)}", secrets.token_urlsafe(24))
    identity = {
        "identities": [
            {
                "name": "drill",
                "credentials": [{"accessKey": store.access_key, "secretKey": store.secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (root / "s3.json").write_text(json.dumps(identity))
    (root / "weed").mkdir()
    args = [
        str(WEED),
        "server",
        f"-dir={root / 'weed'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        *[f"-{port_flag(name)}={port}" for name, port in ports.items()],
        "-filer",
        f"-filer.localSocket={root / 'filer.sock'}",
        "-s3",
        f"-s3.localSocket={root / 's3.sock'}",
        f"-s3.config={root / 's3.json'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.volumeSizeLimitMB=256",
        "-volume.preStopSeconds=0",
    ]
    service = Service("SeaweedFS", args, root / "weed.log", ready=store.buckets_created)
    return service, store, list(ports.values())


def remove_weed_sockets(ports):
    """weed leaves /tmp/seaweedfs-<role>-<port>.sock behind for its gRPC ports."""
    for port in ports:
        for path in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
            path.unlink(missing_ok=True)


# THE DATABASE


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def recreate_database(url):
    """Drop the drill database if it exists and create it empty."""
    import psycopg2
    from psycopg2 import sql

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with contextlib.closing(psycopg2.connect(server)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            name = sql.Identifier(database_name(url))
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))


def sql_value(url, query, params=()):
    import psycopg2

    with contextlib.closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def prepare_database(env):
    """Migrate, sync the roles, load the starter content, collect static files; then the program
    the drill applies to (a CV only) and the reviewer. Returns the program's id."""
    recreate_database(env["DATABASE_URL"])
    for command in (
        ["migrate", "--no-input"],
        ["sync_roles"],
        ["load_starter_content"],
        ["collectstatic", "--no-input"],
    ):
        manage(env, *command)
    manage(env, "shell", "-c", reviewer_account_code())
    return create_cv_only_program(env)


# NGINX


NGINX_CONF = """\
daemon off;
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}

http {{
    log_format drill '$request_method $request_uri $status "$upstream_addr" "$upstream_status" $request_time';
    access_log {root}/access.log drill;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;

    upstream portal {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=5s;
        keepalive 16;
    }}

    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 90m;
        client_body_buffer_size 128k;   # larger bodies go to a temporary file, all read before gunicorn
        client_header_timeout 10s;
        client_body_timeout 30s;
        keepalive_timeout 30s;
        send_timeout 30s;

        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_request_buffering on;
        proxy_buffering on;
        proxy_connect_timeout 5s;
        proxy_read_timeout 60s;
        proxy_set_header Host $http_host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_next_upstream error timeout http_502;
        proxy_next_upstream_tries 2;

        # The submissions carry the form's submission_key (unique in the database): a POST resent
        # to the other server after the first died makes no second application, it finds the first
        # and answers its confirmation. Only these are retried; other POSTs are not (a journey
        # section's upload, an inquiry, an admin action): their client gets 502 and decides.
        location ~ ^/apply/(individual|site)/(check/)?$ {{
            proxy_pass http://portal;
            proxy_next_upstream error timeout http_502 non_idempotent;
        }}

        location / {{
            proxy_pass http://portal;
        }}
    }}
}}
"""


def nginx_service(root, port, upstream_ports):
    root.mkdir()
    root.chmod(0o755)  # nginx's workers (nobody) write request bodies under it
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port, a=upstream_ports[0], b=upstream_ports[1]))
    args = [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")]
    return Service("nginx", args, root / "stderr.log", ready=lambda: answers(f"http://127.0.0.1:{port}/healthz"))
