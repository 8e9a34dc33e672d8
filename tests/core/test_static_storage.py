"""Production's static files storage: WhiteNoise's manifest storage, remembering each URL."""

import json

import pytest

from apps.core.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.STATIC_URL = "/static/"
    manifest = {"version": "1.1", "paths": {"css/portal.css": "css/portal.0123456789ab.css"}, "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_urls_are_the_manifest_storage_urls(storage):
    assert storage.url("css/portal.css") == "/static/css/portal.0123456789ab.css"
    assert storage.url("css/portal.css") == "/static/css/portal.0123456789ab.css"


def test_a_url_is_looked_up_once(storage):
    storage.url("css/portal.css")
    storage.hashed_files = {}  # the manifest is not read again

    assert storage.url("css/portal.css") == "/static/css/portal.0123456789ab.css"


def test_a_name_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
