"""The eddsa-rdfc-2022 cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.3): the
Ed25519 `DataIntegrityProof` that Open Badges 3.0 credentials embed."""

import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from pyld.jsonld import JsonLdError

from apps.credentials.jsonld import LossyDocumentError, UnknownContextError, canonize
from apps.credentials.multikey import multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ED25519_SIGNATURE_LENGTH = 64

# The lexical space of xsd:dateTime (XML Schema 1.1 Part 2, §3.3.7), which `created` must be in.
XSD_DATE_TIME = re.compile(
    r"-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|(24:00:00(\.0+)?))"
    r"(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
)


@dataclass(frozen=True)
class VerificationResult:
    """What verify_proof found: `reason` says in plain words why a proof failed ("" if verified)."""

    verified: bool
    verification_method: str | None = None
    reason: str = ""


class _Unverified(Exception):
    """Why a proof does not verify; verify_proof turns it into a failed VerificationResult."""


def create_proof(document, *, private_key, verification_method, created, proof_purpose="assertionMethod"):
    """A copy of `document` carrying an eddsa-rdfc-2022 proof signed with `private_key` (an
    Ed25519PrivateKey); `document` itself is not modified.

    `created` is an XML Schema dateTime string ("2026-12-07T00:00:00Z"). The proof goes in a
    one-item list, as the Open Badges 3.0 schema types `proof` as an array. Raises ValueError for
    a document without `@context` or already carrying a proof (proof sets and chains are not
    supported) and for a malformed `created`, and the errors of canonize() for a document that
    cannot be canonicalised safely."""
    if "@context" not in document:
        raise ValueError("The document has no @context.")
    if "proof" in document:
        raise ValueError("The document already has a proof.")
    if not _is_xsd_date_time(created):
        raise ValueError(f"`created` must be an XML Schema dateTime, not {created!r}.")
    proof = {
        "type": PROOF_TYPE,
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": proof_purpose,
    }
    proof["proofValue"] = multibase_encode(private_key.sign(hash_data(document, proof)))
    return {**document, "proof": [proof]}


def verify_proof(document, *, public_key_for, proof_purpose="assertionMethod"):
    """Whether `document` carries a valid eddsa-rdfc-2022 proof for `proof_purpose` (§3.3.2).

    `public_key_for(verification_method)` returns the Ed25519PublicKey to trust for that
    verification method, or None; it must only return keys of the credential's issuer. Bad
    input never raises: it gives a failed result saying why. A vendored file that fails its
    digest check does raise VendoredFileChangedError, as that is a fault of this deployment."""
    verification_method = None
    try:
        proof = _the_proof(document)
        _check_proof_options(proof, proof_purpose)
        verification_method = proof["verificationMethod"]
        signature = _signature(proof)
        unsecured_document = {key: value for key, value in document.items() if key != "proof"}
        proof_options = {key: value for key, value in proof.items() if key != "proofValue"}
        if "@context" in proof_options:
            unsecured_document["@context"] = _proof_context(document, proof_options)
        public_key = public_key_for(verification_method)
        if public_key is None:
            raise _Unverified(f"The verification method {verification_method} is not a key this verifier knows.")
        try:
            public_key.verify(signature, _hash_data_for_verification(unsecured_document, proof_options))
        except InvalidSignature:
            raise _Unverified(
                "The signature does not match: the credential was changed after it was signed, "
                "or it was signed with another key."
            ) from None
    except _Unverified as failure:
        return VerificationResult(verified=False, verification_method=verification_method, reason=str(failure))
    return VerificationResult(verified=True, verification_method=verification_method)


def hash_data(document, proof_options):
    """The bytes eddsa-rdfc-2022 signs (§3.3.4): SHA-256 of the canonical proof configuration
    (the proof options under the document's `@context`, §3.3.5), then SHA-256 of the canonical
    document without its proof (§3.3.3)."""
    proof_config = {**proof_options, "@context": document["@context"]}
    return _sha256(canonize(proof_config)) + _sha256(canonize(document))


def _the_proof(document):
    """The single proof object of `document`."""
    if not isinstance(document, dict):
        raise _Unverified("The credential is not a JSON object.")
    if "@context" not in document:
        raise _Unverified("The credential has no @context.")
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) > 1:
            raise _Unverified(f"The credential has {len(proof)} proofs; only a single proof is supported.")
        proof = proof[0] if proof else None
    if proof is None:
        raise _Unverified("The credential has no proof.")
    if not isinstance(proof, dict):
        raise _Unverified("The credential's proof is not a JSON object.")
    return proof


def _check_proof_options(proof, proof_purpose):
    """Refuse a proof that is not an eddsa-rdfc-2022 DataIntegrityProof for `proof_purpose`."""
    if proof.get("type") != PROOF_TYPE:
        raise _Unverified(f"The proof is of type {proof.get('type')!r}; only {PROOF_TYPE} is supported.")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise _Unverified(
            f"The proof uses the cryptosuite {proof.get('cryptosuite')!r}; only {CRYPTOSUITE} is supported."
        )
    if not isinstance(proof.get("verificationMethod"), str):
        raise _Unverified("The proof names no verification method.")
    if proof.get("proofPurpose") != proof_purpose:
        raise _Unverified(f"The proof's purpose is {proof.get('proofPurpose')!r}, not {proof_purpose!r}.")
    if "created" in proof and not _is_xsd_date_time(proof["created"]):
        raise _Unverified(f"The proof's creation time {proof['created']!r} is not an XML Schema dateTime.")


def _signature(proof):
    """The Ed25519 signature encoded in the proof's `proofValue`."""
    try:
        signature = multibase_decode(proof.get("proofValue"))
    except ValueError:
        raise _Unverified("The proof value is not a base58btc multibase string.") from None
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise _Unverified("The proof value is not an Ed25519 signature.")
    return signature


def _proof_context(document, proof_options):
    """The proof's own `@context`, which must be the start of the document's (§3.3.2 step 4)."""
    proof_context = _as_list(proof_options["@context"])
    if _as_list(document["@context"])[: len(proof_context)] != proof_context:
        raise _Unverified("The proof's @context is not the start of the credential's @context.")
    return proof_options["@context"]


def _hash_data_for_verification(unsecured_document, proof_options):
    """hash_data(), with the ways a received document cannot be canonicalised told in words."""
    try:
        return hash_data(unsecured_document, proof_options)
    except UnknownContextError as error:
        raise _Unverified(
            f"The credential uses the JSON-LD context {error.url}, which this verifier does not hold "
            "(it never fetches contexts)."
        ) from None
    except LossyDocumentError as error:
        raise _Unverified(f"The credential has content its signature could not cover: {error}") from None
    except (JsonLdError, ValueError) as error:  # PyLD raises ValueError for some bad IRIs
        raise _Unverified(f"The credential is not valid JSON-LD: {_innermost(error).args[0]}") from None


def _innermost(error):
    """The first error in the chain PyLD wrapped `error` around: the one that says what is wrong."""
    while isinstance(error.__cause__, JsonLdError):
        error = error.__cause__
    return error


def _is_xsd_date_time(value):
    return isinstance(value, str) and XSD_DATE_TIME.fullmatch(value) is not None


def _as_list(value):
    """`value` as a list, JSON-LD style: a single value is a list of one."""
    return value if isinstance(value, list) else [value]


def _sha256(text):
    """SHA-256 of `text` in UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).digest()
