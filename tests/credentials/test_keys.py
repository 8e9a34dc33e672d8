"""The issuer keys: the key file and its command, the did:web, and the published DID document and JWKS."""

import base64
import json
import stat
from datetime import UTC, datetime
from io import StringIO
from types import SimpleNamespace

import base58
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from joserfc import jws
from joserfc.jwk import OKPKey

from apps.credentials import keys
from apps.credentials.management.commands import issuer_keys as command

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
TODAY = "2026-12-07"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    """Keys are named after the day they are made: make it the same day in every run."""
    monkeypatch.setattr(command, "timezone", SimpleNamespace(now=lambda: NOW))


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("issuer_keys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read(path):
    return json.loads(path.read_text())


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_bytes(seed):
    """The raw public key of a base64url seed, computed here rather than by the code under test."""
    private = Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(seed + "=" * (-len(seed) % 4)))
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_json(key_id="env-key", private_key=None, **overrides):
    private_key = private_key or b64url(Ed25519PrivateKey.generate().private_bytes_raw())
    entry = {"id": key_id, "created": "2026-12-07T09:30:00Z", "private_key": private_key}
    return json.dumps({"current": key_id, "keys": [entry], **overrides})


def all_keys_of(value):
    """Every object key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {name for item in value.values() for name in all_keys_of(item)}
    if isinstance(value, list):
        return {name for item in value for name in all_keys_of(item)}
    return set()


# The key file and `manage.py issuer_keys`


def test_create_writes_one_key_readable_by_its_owner_only(issuer_keys):
    data = read(issuer_keys)

    assert stat.S_IMODE(issuer_keys.stat().st_mode) == 0o600
    assert (data["current"], [(entry["id"], entry["created"]) for entry in data["keys"]]) == (
        TODAY,
        [(TODAY, "2026-12-07T09:30:00Z")],
    )
    assert sorted(data["keys"][0]) == ["created", "id", "private_key"]
    assert len(base64.urlsafe_b64decode(data["keys"][0]["private_key"] + "=")) == 32
    assert keys.signing_key().id == TODAY


def test_create_says_where_the_file_is_and_to_back_it_up(settings, tmp_path):
    settings.CREDENTIALS_KEYS_FILE = tmp_path / "keys.json"
    settings.SITE_URL = "https://nmt.example.org"

    out, err = run("create")

    assert out.splitlines() == [
        f"Created the issuer key {TODAY} in {tmp_path / 'keys.json'} (mode 0600).",
        "Issuer: did:web:nmt.example.org",
        "Back this file up somewhere safe: a lost key cannot sign again, and the credentials it signed can no "
        "longer be verified once it is gone.",
    ]
    assert err == ""
    assert read(tmp_path / "keys.json")["keys"][0]["private_key"] not in out


def test_create_refuses_to_overwrite_a_key_file(issuer_keys):
    before = issuer_keys.read_text()

    with pytest.raises(CommandError, match="exists already"):
        run("create")

    assert issuer_keys.read_text() == before


def test_create_with_force_replaces_the_key_file(issuer_keys):
    before = read(issuer_keys)["keys"][0]["private_key"]

    run("create", "--force")

    assert read(issuer_keys)["keys"][0]["private_key"] != before
    assert stat.S_IMODE(issuer_keys.stat().st_mode) == 0o600


def test_create_if_missing_leaves_an_existing_file(issuer_keys):
    before = issuer_keys.read_text()

    out, _ = run("create", "--if-missing")

    assert (issuer_keys.read_text(), out) == (before, f"The issuer key file {issuer_keys} exists: left as it is.\n")


def test_create_if_missing_creates_an_absent_file(settings, tmp_path):
    path = tmp_path / "var" / "issuer-keys.json"
    settings.CREDENTIALS_KEYS_FILE = path

    run("create", "--if-missing")

    assert [key.id for key in keys.published_keys()] == [TODAY]


def test_create_if_missing_writes_nothing_when_the_setting_gives_the_keys(settings):
    settings.CREDENTIALS_KEYS = key_json()

    out, _ = run("create", "--if-missing")

    assert out == "The issuer keys come from CREDENTIALS_KEYS: no key file written.\n"
    assert not settings.CREDENTIALS_KEYS_FILE.exists()


def test_create_writes_the_file_given(issuer_keys, tmp_path):
    other = tmp_path / "elsewhere" / "keys.json"

    run("create", "--file", str(other))

    assert (read(other)["current"], stat.S_IMODE(other.stat().st_mode)) == (TODAY, 0o600)
    assert read(other)["keys"] != read(issuer_keys)["keys"]


def test_rotate_adds_a_current_key_and_keeps_the_old_one_published(issuer_keys):
    old = keys.signing_key()

    out, _ = run("rotate")

    data = read(issuer_keys)
    assert (data["current"], [entry["id"] for entry in data["keys"]]) == (f"{TODAY}-2", [TODAY, f"{TODAY}-2"])
    assert stat.S_IMODE(issuer_keys.stat().st_mode) == 0o600
    # The running portal reads the rewritten file again without being told to.
    assert keys.signing_key().id == f"{TODAY}-2"
    assert [key.id for key in keys.published_keys()] == [TODAY, f"{TODAY}-2"]
    old_public = old.public_key.public_bytes_raw()
    assert keys.public_key_for(f"{keys.issuer_did()}#{TODAY}").public_bytes_raw() == old_public
    assert keys.public_key_for(f"{keys.issuer_did()}#{TODAY}-jwk").public_bytes_raw() == old_public
    assert out.splitlines()[:2] == [
        f"Added the issuer key {TODAY}-2 to {issuer_keys}: it signs from now on.",
        f"Still published, so credentials signed with them still verify: {TODAY}.",
    ]


def test_rotate_keeps_what_else_the_file_holds(settings, tmp_path):
    path = tmp_path / "keys.json"
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_text(key_json("2025-01-01", pem.decode(), note="kept"))
    settings.CREDENTIALS_KEYS_FILE = path

    run("rotate")

    data = read(path)
    assert (data["note"], data["keys"][0]["private_key"], data["current"]) == ("kept", pem.decode(), TODAY)


def test_rotate_without_a_key_file_says_how_to_create_one(settings):
    with pytest.raises(CommandError, match=r"manage\.py issuer_keys create"):
        run("rotate")


def test_show_prints_public_keys_only(issuer_keys, settings):
    settings.SITE_URL = "https://nmt.example.org"
    run("rotate")
    data = read(issuer_keys)
    first, second = (public_bytes(entry["private_key"]) for entry in data["keys"])

    out, err = run("show")

    multikey = "z" + base58.b58encode(b"\xed\x01" + first).decode()
    assert out.splitlines() == [
        "Issuer: did:web:nmt.example.org",
        f"Keys from: {issuer_keys}",
        f"{TODAY}, created 2026-12-07T09:30:00+00:00",
        f"  Multikey    did:web:nmt.example.org#{TODAY}  {multikey}",
        f"  JsonWebKey  did:web:nmt.example.org#{TODAY}-jwk  x={b64url(first)}",
        f"{TODAY}-2 (current: signs new credentials), created 2026-12-07T09:30:00+00:00",
        f"  Multikey    did:web:nmt.example.org#{TODAY}-2  z{base58.b58encode(b'\xed\x01' + second).decode()}",
        f"  JsonWebKey  did:web:nmt.example.org#{TODAY}-2-jwk  x={b64url(second)}",
    ]
    assert err == ""
    for entry in data["keys"]:
        assert entry["private_key"] not in out + err


def test_show_warns_of_a_key_file_others_can_read(issuer_keys):
    issuer_keys.chmod(0o644)

    _, err = run("show")

    assert err == f"{issuer_keys} can be read by other users: `chmod 600 {issuer_keys}`.\n"


def test_show_without_keys_says_what_to_configure(settings):
    with pytest.raises(CommandError) as raised:
        run("show")

    assert str(raised.value) == (
        f"No issuer key is configured: create the key file CREDENTIALS_KEYS_FILE ({settings.CREDENTIALS_KEYS_FILE}) "
        "with `manage.py issuer_keys create`, or set CREDENTIALS_KEYS."
    )


# Reading the keys


def test_the_setting_takes_precedence_over_the_key_file(issuer_keys, settings):
    settings.CREDENTIALS_KEYS = key_json("from-the-environment")

    assert [key.id for key in keys.published_keys()] == ["from-the-environment"]
    assert keys.signing_key().id == "from-the-environment"


def test_a_pkcs8_pem_private_key_is_read(settings):
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    settings.CREDENTIALS_KEYS = key_json("pem", pem.decode())

    assert keys.signing_key().public_key.public_bytes_raw() == private.public_key().public_bytes_raw()


def test_signing_key_without_configuration_names_the_setting_and_the_command(settings):
    with pytest.raises(keys.KeyConfigurationError, match=r"CREDENTIALS_KEYS_FILE .* `manage.py issuer_keys create`"):
        keys.signing_key()

    assert (keys.published_keys(), keys.public_key_for(f"{keys.issuer_did()}#{TODAY}")) == ([], None)


SEED = b64url(b"\x01" * 32)
P256_PEM = (
    ec.generate_private_key(ec.SECP256R1())
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode()
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{{'keys': '{SEED}'}}", "the CREDENTIALS_KEYS setting is not valid JSON."),
        (
            '{"current": "a", "keys": []}',
            'the CREDENTIALS_KEYS setting must be an object with a non-empty "keys" list.',
        ),
        (
            key_json("a#b", SEED),
            "Key id 'a#b' in the CREDENTIALS_KEYS setting: use letters, digits, '.', '_', '~' and '-', not ending in "
            "'-jwk'.",
        ),
        (
            key_json("a-jwk", SEED),
            "Key id 'a-jwk' in the CREDENTIALS_KEYS setting: use letters, digits, '.', '_', '~' and '-', not ending "
            "in '-jwk'.",
        ),
        (
            key_json("a", SEED, current="b"),
            '"current" in the CREDENTIALS_KEYS setting must be the id of one of its keys.',
        ),
        (
            key_json("a", SEED[:-2]),
            "Key 'a' in the CREDENTIALS_KEYS setting: private_key must be a base64url Ed25519 seed or a PKCS#8 PEM.",
        ),
        (
            key_json("a", f"{SEED[:20]}!{SEED[21:]}"),
            "Key 'a' in the CREDENTIALS_KEYS setting: private_key must be a base64url Ed25519 seed or a PKCS#8 PEM.",
        ),
        (
            key_json("a", f"{SEED}!"),
            "Key 'a' in the CREDENTIALS_KEYS setting: private_key must be a base64url Ed25519 seed or a PKCS#8 PEM.",
        ),
        (
            key_json("a", P256_PEM),
            "Key 'a' in the CREDENTIALS_KEYS setting is not an Ed25519 key: only Ed25519 is used.",
        ),
        (
            json.dumps({"current": "a", "keys": [{"id": "a", "private_key": SEED}]}),
            "Key 'a' in the CREDENTIALS_KEYS setting: \"created\" must be an ISO 8601 time.",
        ),
        (
            json.dumps({"current": "a", "keys": [json.loads(key_json("a", SEED))["keys"][0]] * 2}),
            "Key id 'a' appears twice in the CREDENTIALS_KEYS setting.",
        ),
    ],
)
def test_a_broken_configuration_is_refused_without_showing_the_key(settings, text, message):
    settings.CREDENTIALS_KEYS = text

    with pytest.raises(keys.KeyConfigurationError) as raised:
        keys.signing_key()

    assert str(raised.value) == message
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__ or raised.value.__context__ is None


def test_a_key_repr_holds_no_private_material(settings):
    settings.CREDENTIALS_KEYS = key_json("a", SEED)
    key = keys.signing_key()

    assert repr(key) == f"IssuerKey(id='a', created={key.created!r})"


@pytest.mark.parametrize(
    ("site_url", "did"),
    [
        ("https://nmt.example.org", "did:web:nmt.example.org"),
        ("https://NMT.Example.org/", "did:web:nmt.example.org"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://nmt.example.org:443", "did:web:nmt.example.org"),
        ("https://example.org/nmt/portal", "did:web:example.org:nmt:portal"),
        ("https://example.org:8443/nmt/", "did:web:example.org%3A8443:nmt"),
    ],
)
def test_issuer_did_is_the_did_web_of_site_url(settings, site_url, did):
    settings.SITE_URL = site_url

    assert keys.issuer_did() == did


def test_verification_methods_are_under_the_did(issuer_keys, settings):
    settings.SITE_URL = "https://nmt.example.org"
    key = keys.signing_key()

    assert (key.verification_method, key.jwk_verification_method) == (
        f"did:web:nmt.example.org#{TODAY}",
        f"did:web:nmt.example.org#{TODAY}-jwk",
    )


@pytest.mark.parametrize(
    "verification_method",
    [f"did:web:other.example.org#{TODAY}", "did:web:nmt.example.org#unknown", "did:web:nmt.example.org", "", None],
)
def test_public_key_for_someone_elses_method_is_none(issuer_keys, settings, verification_method):
    settings.SITE_URL = "https://nmt.example.org"

    assert keys.public_key_for(verification_method) is None


# The published keys


KEY_URLS = pytest.mark.urls("tests.credentials.keys_test_urls")
PUBLIC_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"}


def headers(response, names=("Content-Type", "Access-Control-Allow-Origin", "Cache-Control")):
    return {name: response.headers.get(name) for name in names}


@KEY_URLS
def test_did_document_publishes_every_key_twice(issuer_keys, settings, client):
    settings.SITE_URL = "https://nmt.example.org"
    run("rotate")
    publics = [public_bytes(entry["private_key"]) for entry in read(issuer_keys)["keys"]]
    did = "did:web:nmt.example.org"

    response = client.get("/.well-known/did.json")

    methods = []
    for key_id, public in zip([TODAY, f"{TODAY}-2"], publics, strict=True):
        methods += [
            {
                "id": f"{did}#{key_id}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": "z" + base58.b58encode(b"\xed\x01" + public).decode(),
            },
            {
                "id": f"{did}#{key_id}-jwk",
                "type": "JsonWebKey",
                "controller": did,
                "publicKeyJwk": {
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": b64url(public),
                    "kid": f"{did}#{key_id}-jwk",
                    "use": "sig",
                    "alg": "Ed25519",
                },
            },
        ]
    assert response.status_code == 200
    assert response.json() == {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
            "https://w3id.org/security/jwk/v1",
        ],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
    assert "d" not in all_keys_of(response.json())
    assert headers(response) == {"Content-Type": "application/did+json", **PUBLIC_HEADERS}


@KEY_URLS
def test_jwks_publishes_public_keys_only(issuer_keys, settings, client):
    settings.SITE_URL = "https://nmt.example.org"
    public = public_bytes(read(issuer_keys)["keys"][0]["private_key"])

    response = client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert response.json() == {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64url(public),
                "kid": f"did:web:nmt.example.org#{TODAY}-jwk",
                "use": "sig",
                "alg": "Ed25519",
            }
        ]
    }
    assert "d" not in all_keys_of(response.json())
    assert headers(response) == {"Content-Type": "application/json", **PUBLIC_HEADERS}


@KEY_URLS
def test_a_signature_by_the_signing_key_verifies_with_the_published_jwk(issuer_keys, client):
    published = client.get("/.well-known/jwks.json").json()["keys"][0]
    key = keys.signing_key()
    token = jws.serialize_compact(
        {"alg": keys.JOSE_ALGORITHM, "kid": key.jwk_verification_method},
        b"payload",
        OKPKey.import_key(key.private_key),
        algorithms=["Ed25519"],
    )

    # joserfc refuses a JWK whose `alg` differs from the token's: the published one must match.
    verified = jws.deserialize_compact(token, OKPKey.import_key(published), algorithms=["Ed25519"])

    assert verified.payload == b"payload"


@KEY_URLS
@pytest.mark.parametrize("path", ["/.well-known/did.json", "/.well-known/jwks.json"])
def test_key_endpoints_answer_head_and_refuse_post(issuer_keys, client, path):
    assert (client.head(path).status_code, client.post(path).status_code) == (200, 405)


@KEY_URLS
@pytest.mark.parametrize("path", ["/.well-known/did.json", "/.well-known/jwks.json"])
def test_key_endpoints_without_keys_answer_503(client, path):
    response = client.get(path)

    assert (response.status_code, response.json()) == (503, {"error": "The portal's issuer keys are not available."})
    assert headers(response) == {
        "Content-Type": "application/json",
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "no-store",
    }


@KEY_URLS
def test_key_endpoints_with_a_broken_key_file_answer_503_and_log_why(settings, tmp_path, client, caplog):
    settings.CREDENTIALS_KEYS_FILE = tmp_path / "broken.json"
    settings.CREDENTIALS_KEYS_FILE.write_text("{")

    response = client.get("/.well-known/did.json")

    assert response.status_code == 503
    assert [record.getMessage() for record in caplog.records if record.name == "apps.credentials.views_keys"] == [
        f"The issuer keys cannot be published: {tmp_path / 'broken.json'} is not valid JSON."
    ]
