"""Start a SeaweedFS for S3_ENDPOINT_URL when it is a loopback address nobody answers on, with the
S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY identity (no anonymous access), and create S3_PRIVATE_BUCKET
and S3_PUBLIC_BUCKET. For CI and the two-server drill; the test suite starts its own (tests/s3.py).

Its data and log stay in var/seaweedfs/<port>/; stop it with `kill $(cat var/seaweedfs/<port>/pid)`.
The master, volume and filer take the three ports after the S3 port, their gRPC ports 10000 above.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

BASE_DIR = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60


def main():
    endpoint = os.environ.get("S3_ENDPOINT_URL", "")
    address = urlsplit(endpoint)
    if address.hostname not in {"127.0.0.1", "localhost"} or not address.port:
        return  # not a store of this machine: nothing to start
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
        region_name=os.environ.get("S3_REGION", "us-east-1"),
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    buckets = [b for b in (os.environ.get("S3_PRIVATE_BUCKET"), os.environ.get("S3_PUBLIC_BUCKET")) if b]
    if not _answers(client):
        print(f"Starting SeaweedFS on {endpoint}")
        _start(address.port)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            existing = {b["Name"] for b in client.list_buckets().get("Buckets", ())}
            for bucket in buckets:
                if bucket not in existing:
                    client.create_bucket(Bucket=bucket)
                client.put_object(Bucket=bucket, Key="probe", Body=b"probe")
                client.delete_object(Bucket=bucket, Key="probe")
            return
        except Exception as error:  # refused, then 500s until the filer and a volume are up
            if time.monotonic() > deadline:
                sys.exit(f"SeaweedFS did not answer on {endpoint} within {START_TIMEOUT} s: {error}")
            time.sleep(0.2)


def _answers(client):
    try:
        client.list_buckets()
    except Exception:
        return False
    return True


def _start(port):
    """`weed server` with S3 on `port`, master, volume and filer on the next three ports."""
    folder = BASE_DIR / "var" / "seaweedfs" / str(port)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    identities = {
        "identities": [
            {
                "name": "nmt",
                "credentials": [
                    {"accessKey": os.environ["S3_ACCESS_KEY_ID"], "secretKey": os.environ["S3_SECRET_ACCESS_KEY"]}
                ],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    config = folder / "s3.json"
    config.write_text(json.dumps(identities))
    config.chmod(0o600)
    weed = Path(sys.executable).with_name("weed")
    command = [
        str(weed),
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={folder / 'data'}",
        f"-master.port={port + 1}",
        "-master.volumeSizeLimitMB=256",
        "-master.electionTimeout=1s",
        f"-volume.port={port + 2}",
        "-filer",
        f"-filer.port={port + 3}",
        f"-filer.localSocket={folder / 'filer.sock'}",
        "-s3",
        f"-s3.port={port}",
        f"-s3.localSocket={folder / 's3.sock'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
    ]
    with (folder / "weed.log").open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - the venv's weed, fixed arguments
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    (folder / "pid").write_text(f"{process.pid}\n")


if __name__ == "__main__":
    main()
