"""Settings that come from the environment for running on several servers: the database behind
PgBouncer and the object store (each read in a clean process, as a server starts)."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
READ = (
    "import json, nmt_portal.settings as s; d = s.DATABASES['default']; print(json.dumps({"
    "'cursors': d.get('DISABLE_SERVER_SIDE_CURSORS'), 'age': d['CONN_MAX_AGE'],"
    "'private': s.STORAGES['private']['BACKEND'], 'default': s.STORAGES['default']['BACKEND'],"
    "'bucket': s.STORAGES['private'].get('OPTIONS', {}).get('bucket_name'),"
    "'endpoint': s.STORAGES['private'].get('OPTIONS', {}).get('endpoint_url')}))"
)


def _settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "S3_", "DATABASE_"))}
    result = subprocess.run(  # noqa: S603 - this interpreter and a fixed program
        [sys.executable, "-c", READ],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_DEBUG": "true", "DATABASE_URL": "postgres://portal@db.example.org:6432/nmt", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_by_default_server_side_cursors_are_on_and_files_stay_on_disk():
    assert _settings() == {
        "cursors": False,
        "age": 60,
        "private": "apps.core.storage.PrivateFileSystemStorage",
        "default": "django.core.files.storage.FileSystemStorage",
        "bucket": None,
        "endpoint": None,
    }


def test_behind_pgbouncer_and_on_object_storage():
    assert _settings(
        DATABASE_DISABLE_SERVER_SIDE_CURSORS="true",
        DATABASE_CONN_MAX_AGE="0",
        S3_ENDPOINT_URL="https://s3.example.org",
        S3_PRIVATE_BUCKET="nmt-private",
        S3_PUBLIC_BUCKET="nmt-public",
    ) == {
        "cursors": True,
        "age": 0,
        "private": "apps.core.storage.PrivateS3Storage",
        "default": "apps.core.storage.PublicS3Storage",
        "bucket": "nmt-private",
        "endpoint": "https://s3.example.org",
    }
