"""Ed25519 public keys as Multikey (`publicKeyMultibase`, "z6Mk…"): the multicodec prefix 0xed01
before the 32 key bytes, base58btc-encoded with the multibase prefix "z" (W3C Controlled
Identifiers 1.0, Multikey)."""

import base58

ED25519_PUBLIC_PREFIX = b"\xed\x01"
MULTIBASE_BASE58BTC = "z"


def multibase_encode(data):
    """`data` as base58btc multibase ("z…")."""
    return MULTIBASE_BASE58BTC + base58.b58encode(data).decode("ascii")


def multibase_decode(value):
    """The bytes of a base58btc multibase string; ValueError for any other encoding."""
    if not isinstance(value, str) or not value.startswith(MULTIBASE_BASE58BTC):
        raise ValueError("Not a base58btc multibase value.")
    return base58.b58decode(value[1:])


def public_key_multibase(public_key_bytes):
    """The Multikey form of a raw 32-byte Ed25519 public key."""
    if len(public_key_bytes) != 32:
        raise ValueError("An Ed25519 public key is 32 bytes.")
    return multibase_encode(ED25519_PUBLIC_PREFIX + public_key_bytes)


def public_key_from_multibase(value):
    """The raw 32-byte Ed25519 public key of a Multikey value; ValueError if it is not one."""
    data = multibase_decode(value)
    if not data.startswith(ED25519_PUBLIC_PREFIX) or len(data) != 34:
        raise ValueError("Not an Ed25519 Multikey.")
    return data[2:]
