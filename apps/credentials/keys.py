"""The portal's issuer keys for signing Open Badges 3.0 credentials: Ed25519 keys from configuration
only (CREDENTIALS_KEYS, else the CREDENTIALS_KEYS_FILE key file), published under its did:web.

The key file (written by `manage.py issuer_keys`):

    {
      "current": "2026-12-07",
      "keys": [
        {"id": "2026-12-07", "created": "2026-12-07T09:30:00Z", "private_key": "<base64url seed>"}
      ]
    }

`private_key` is the raw 32-byte Ed25519 seed in unpadded base64url, or a PKCS#8 PEM ("-----BEGIN
PRIVATE KEY-----", as `openssl genpkey -algorithm ed25519` writes). `current` signs; every key listed
stays published, so credentials signed before a rotation still verify. Key ids are fragment-safe
(letters, digits, `.`, `_`, `~`, `-`) and never end in `-jwk`, the suffix of a key's JWK method.
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .multikey import public_key_multibase

KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
JWK_SUFFIX = "-jwk"
CREATE_COMMAND = "manage.py issuer_keys create"
# The JWK's `alg`, which must be the JWS `alg` the portal signs with: JOSE libraries refuse a key
# designed for another algorithm. "Ed25519" is RFC 9864's fully specified name for EdDSA over
# Ed25519, which deprecates the polymorphic "EdDSA".
JOSE_ALGORITHM = "Ed25519"

# DID Core 1.0 (the W3C Recommendation), with the contexts of the two verification method types of
# Controlled Identifiers 1.0: the ones VC Data Integrity lists among those verifiers hold locally.
DID_CONTEXT = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/jwk/v1",
]


class KeyConfigurationError(ImproperlyConfigured):
    """The issuer keys are missing or unreadable. Messages name settings, paths and key ids, never
    key material."""


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text):
    # Strict: urlsafe_b64decode would drop characters outside the alphabet and accept a typo.
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def issuer_did():
    """The portal's did:web, from SITE_URL: the host, a port as `%3A<port>`, a path as `:` segments
    (did:web method specification). https://nmt.example.org/portal is did:web:nmt.example.org:portal."""
    url = urlsplit(settings.SITE_URL)
    if not url.hostname:
        raise ImproperlyConfigured(f"SITE_URL ({settings.SITE_URL!r}) has no host for the issuer's did:web.")
    did = "did:web:" + url.hostname.encode("idna").decode("ascii")
    if url.port and not (url.scheme == "https" and url.port == 443):
        did += f"%3A{url.port}"
    for segment in url.path.split("/"):
        if segment:
            did += ":" + quote(segment, safe="-._~!$&'()*+,;=@")
    return did


@dataclass(frozen=True)
class IssuerKey:
    """One Ed25519 issuer key. Its private half never appears in a repr."""

    id: str
    created: datetime
    private_key: Ed25519PrivateKey = field(repr=False, compare=False)

    @property
    def public_key(self):
        return self.private_key.public_key()

    @property
    def public_key_bytes(self):
        return self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def public_key_multibase(self):
        return public_key_multibase(self.public_key_bytes)

    @property
    def verification_method(self):
        """The key's Multikey verification method, which Data Integrity proofs name."""
        return f"{issuer_did()}#{self.id}"

    @property
    def jwk_verification_method(self):
        """The same key's JsonWebKey verification method: a JOSE `kid` that dereferences to a JWK."""
        return f"{issuer_did()}#{self.id}{JWK_SUFFIX}"

    def jwk(self):
        """The public JWK (RFC 8037), `kid` being its JsonWebKey verification method. Never `d`."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64url(self.public_key_bytes),
            "kid": self.jwk_verification_method,
            "use": "sig",
            "alg": JOSE_ALGORITHM,
        }

    def verification_methods(self):
        """The key's two entries in the DID document: as Multikey, and as JsonWebKey for JOSE verifiers."""
        controller = issuer_did()
        return [
            {
                "id": self.verification_method,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": self.public_key_multibase,
            },
            {
                "id": self.jwk_verification_method,
                "type": "JsonWebKey",
                "controller": controller,
                "publicKeyJwk": self.jwk(),
            },
        ]


@dataclass(frozen=True)
class Keyring:
    """The parsed configuration: every key, in the order given, and the one that signs."""

    keys: tuple
    current: IssuerKey
    source: str  # "the CREDENTIALS_KEYS setting" or the file's path, for messages


def generate_key(key_id, created):
    """A new key entry for the key file: a fresh seed, encoded as the file stores it."""
    seed = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return {"id": key_id, "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "private_key": _b64url(seed)}


def _private_key(value, key_id, source):
    # Errors from decoding are not chained: nothing of the value should reach a traceback.
    problem = f"Key {key_id!r} in {source}: private_key must be a base64url Ed25519 seed or a PKCS#8 PEM."
    if not isinstance(value, str):
        raise KeyConfigurationError(problem)
    if value.lstrip().startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(value.encode("ascii"), password=None)
        except (ValueError, TypeError, UnicodeError):
            raise KeyConfigurationError(problem) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyConfigurationError(f"Key {key_id!r} in {source} is not an Ed25519 key: only Ed25519 is used.")
        return key
    try:
        seed = _b64url_decode(value.strip())
    except (binascii.Error, ValueError):
        raise KeyConfigurationError(problem) from None
    if len(seed) != 32:
        raise KeyConfigurationError(problem)
    return Ed25519PrivateKey.from_private_bytes(seed)


def parse_keys(text, source):
    """The `Keyring` of a key file's JSON text; KeyConfigurationError naming what is wrong."""
    try:
        data = json.loads(text)
    except ValueError:
        raise KeyConfigurationError(f"{source} is not valid JSON.") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list) or not data["keys"]:
        raise KeyConfigurationError(f'{source} must be an object with a non-empty "keys" list.')
    keys = []
    for entry in data["keys"]:
        if not isinstance(entry, dict):
            raise KeyConfigurationError(f'Every entry of "keys" in {source} must be an object.')
        key_id = entry.get("id")
        if not isinstance(key_id, str) or not KEY_ID.match(key_id) or key_id.endswith(JWK_SUFFIX):
            raise KeyConfigurationError(
                f"Key id {key_id!r} in {source}: use letters, digits, '.', '_', '~' and '-', not ending in "
                f"{JWK_SUFFIX!r}."
            )
        if any(key.id == key_id for key in keys):
            raise KeyConfigurationError(f"Key id {key_id!r} appears twice in {source}.")
        try:
            created = datetime.fromisoformat(entry.get("created"))
        except (TypeError, ValueError):
            raise KeyConfigurationError(f'Key {key_id!r} in {source}: "created" must be an ISO 8601 time.') from None
        keys.append(
            IssuerKey(id=key_id, created=created, private_key=_private_key(entry.get("private_key"), key_id, source))
        )
    current = next((key for key in keys if key.id == data.get("current")), None)
    if current is None:
        raise KeyConfigurationError(f'"current" in {source} must be the id of one of its keys.')
    return Keyring(keys=tuple(keys), current=current, source=source)


# The last keyring read, with what it was read from: the setting's text, or the file's path and
# stat. A file rewritten by `issuer_keys rotate` is read again on its next use, without a restart.
_cached = None


def _source():
    if settings.CREDENTIALS_KEYS:
        return ("setting", settings.CREDENTIALS_KEYS)
    path = Path(settings.CREDENTIALS_KEYS_FILE)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ("missing", str(path))
    return ("file", str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def keyring():
    """The configured `Keyring`, or None when no key is configured."""
    global _cached
    source = _source()
    if _cached is not None and _cached[0] == source:
        return _cached[1]
    if source[0] == "setting":
        found = parse_keys(source[1], "the CREDENTIALS_KEYS setting")
    elif source[0] == "file":
        try:
            text = Path(source[1]).read_text(encoding="utf-8")
        except OSError as error:
            raise KeyConfigurationError(f"The key file {source[1]} cannot be read: {error.strerror}.") from None
        found = parse_keys(text, source[1])
    else:
        found = None
    _cached = (source, found)
    return found


def clear_cache():
    """Forget the keys read, for tests that change the configuration under the same file name."""
    global _cached
    _cached = None


def signing_key():
    """The current key, which signs new credentials; KeyConfigurationError when none is configured."""
    found = keyring()
    if found is None:
        raise KeyConfigurationError(
            f"No issuer key is configured: create the key file CREDENTIALS_KEYS_FILE "
            f"({settings.CREDENTIALS_KEYS_FILE}) with `{CREATE_COMMAND}`, or set CREDENTIALS_KEYS."
        )
    return found.current


def published_keys():
    """Every configured key, current and rotated (empty when none is configured)."""
    found = keyring()
    return list(found.keys) if found else []


def public_key_for(verification_method):
    """The Ed25519PublicKey of one of our verification methods (as Multikey or as JsonWebKey), else None."""
    did, _, fragment = str(verification_method).partition("#")
    if not fragment or did != issuer_did():
        return None
    key_id = fragment.removesuffix(JWK_SUFFIX)
    return next((key.public_key for key in published_keys() if key.id == key_id), None)


def did_document():
    """The DID document of the issuer's did:web: every published key, each as Multikey and as
    JsonWebKey, all of them assertion methods (what credential proofs need)."""
    methods = [method for key in published_keys() for method in key.verification_methods()]
    return {
        "@context": DID_CONTEXT,
        "id": issuer_did(),
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def jwks():
    """The JWK Set (RFC 7517) of every published key, public parts only."""
    return {"keys": [key.jwk() for key in published_keys()]}
