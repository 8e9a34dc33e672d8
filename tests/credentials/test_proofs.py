"""The eddsa-rdfc-2022 cryptosuite, the vendored-context loader and the Open Badges 3.0 schema check."""

import copy
import hashlib
import json
import re
import shutil
import socket
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from apps.credentials import jsonld
from apps.credentials.multikey import multibase_encode, public_key_multibase
from apps.credentials.proofs import create_proof, hash_data, verify_proof

VECTORS = Path(__file__).resolve().parent / "vectors"
VECTOR = json.loads((VECTORS / "vector.json").read_text())
VC_V2 = "https://www.w3.org/ns/credentials/v2"
EVIL_CONTEXT = "https://example.org/evil-context"
ISSUER_KEY_ID = "https://example.edu/issuers/565049#key-1"
CREATED = "2026-03-01T12:00:00Z"
FORGED_STATEMENT = '<https://example.org/a> <https://schema.org/name> "Forged" .\n<https://example.org/b'


def read_vector_json(name):
    return json.loads((VECTORS / name).read_text())


def vector_private_key():
    """The guide's private key: its first 32 bytes are the Ed25519 seed, the rest the public key."""
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(VECTOR["privateKeyHex"])[:32])


def keys_for(public_keys):
    """A public_key_for that knows exactly `public_keys` (verification method → key)."""
    return public_keys.get


def sign(document, private_key):
    return create_proof(document, private_key=private_key, verification_method=ISSUER_KEY_ID, created=CREATED)


@pytest.fixture
def no_network(monkeypatch):
    """Fail any attempt to open a connection, so a test shows that nothing was fetched."""

    def refuse(*args, **kwargs):
        raise AssertionError("The test tried to open a network connection.")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def private_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def signed(private_key):
    return sign(read_vector_json("credential.json"), private_key)


# The 1EdTech test vector, reproduced byte for byte


def test_vector_key_pair_is_the_guides():
    public_key = vector_private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    assert public_key.hex() == VECTOR["publicKeyHex"]
    assert public_key_multibase(public_key) == VECTOR["publicKeyMultibase"]


def test_vector_canonical_document_is_document_canon_txt():
    canonical = jsonld.canonize(read_vector_json("credential.json"))

    assert canonical.encode() == (VECTORS / "document-canon.txt").read_bytes()
    assert hashlib.sha256(canonical.encode()).hexdigest() == VECTOR["documentHashHex"]


def test_vector_canonical_proof_config_is_proof_canon_txt():
    proof_config = {**VECTOR["proofOptions"], "@context": read_vector_json("credential.json")["@context"]}

    canonical = jsonld.canonize(proof_config)

    assert canonical.encode() == (VECTORS / "proof-canon.txt").read_bytes()
    assert hashlib.sha256(canonical.encode()).hexdigest() == VECTOR["proofHashHex"]


def test_vector_data_to_sign_is_the_guides():
    assert hash_data(read_vector_json("credential.json"), VECTOR["proofOptions"]).hex() == VECTOR["dataToSignHex"]


def test_vector_signature_and_proof_value_are_the_guides():
    options = VECTOR["proofOptions"]

    signed = create_proof(
        read_vector_json("credential.json"),
        private_key=vector_private_key(),
        verification_method=options["verificationMethod"],
        created=options["created"],
    )

    assert signed["proof"] == [{**options, "proofValue": VECTOR["proofValue"]}]
    assert signed == {**read_vector_json("signed-credential.json"), "proof": signed["proof"]}
    assert vector_private_key().sign(bytes.fromhex(VECTOR["dataToSignHex"])).hex() == VECTOR["signatureHex"]


def test_verify_accepts_the_guides_signed_credential():
    method = VECTOR["proofOptions"]["verificationMethod"]
    public_key_for = keys_for({method: vector_private_key().public_key()})

    result = verify_proof(read_vector_json("signed-credential.json"), public_key_for=public_key_for)

    assert (result.verified, result.verification_method, result.reason) == (True, method, "")


# Signing and verifying


def test_create_proof_leaves_the_document_unchanged(private_key):
    credential = read_vector_json("credential.json")

    sign(credential, private_key)

    assert credential == read_vector_json("credential.json")


def test_create_proof_refuses_a_malformed_created(private_key):
    with pytest.raises(ValueError, match="must be an XML Schema dateTime"):
        create_proof(
            read_vector_json("credential.json"),
            private_key=private_key,
            verification_method=ISSUER_KEY_ID,
            created="1 March 2026",
        )


def test_sign_then_verify_with_a_fresh_key(private_key, signed):
    result = verify_proof(signed, public_key_for=keys_for({ISSUER_KEY_ID: private_key.public_key()}))

    assert (result.verified, result.verification_method, result.reason) == (True, ISSUER_KEY_ID, "")
    assert jsonld.schema_validate(signed) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda credential: credential.update(name="Teamwork Badgf"),
        lambda credential: credential["credentialSubject"]["achievement"].update(name="Teamwork!"),
        lambda credential: credential.update(validFrom="2010-01-02T00:00:00Z"),
        lambda credential: credential["proof"][0].update(created="2026-03-01T12:00:01Z"),
    ],
    ids=["name", "achievement name", "validFrom", "proof created"],
)
def test_verify_refuses_a_changed_credential(private_key, signed, change):
    changed = copy.deepcopy(signed)
    change(changed)

    result = verify_proof(changed, public_key_for=keys_for({ISSUER_KEY_ID: private_key.public_key()}))

    assert result.verified is False
    assert "changed after it was signed" in result.reason


def test_verify_refuses_a_wrong_key(signed):
    result = verify_proof(signed, public_key_for=keys_for({ISSUER_KEY_ID: Ed25519PrivateKey.generate().public_key()}))

    assert result.verified is False
    assert "changed after it was signed, or it was signed with another key" in result.reason


def test_verify_refuses_an_unknown_key(signed):
    result = verify_proof(signed, public_key_for=keys_for({}))

    assert (result.verified, result.verification_method) == (False, ISSUER_KEY_ID)
    assert result.reason == f"The verification method {ISSUER_KEY_ID} is not a key this verifier knows."


@pytest.mark.parametrize(
    ("proof_change", "reason"),
    [
        ({"type": "Ed25519Signature2020"}, "The proof is of type 'Ed25519Signature2020'; only DataIntegrityProof"),
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "The proof uses the cryptosuite 'ecdsa-rdfc-2019'; only eddsa-rdfc-2022"),
        ({"proofPurpose": "authentication"}, "The proof's purpose is 'authentication', not 'assertionMethod'."),
        ({"proofValue": "not multibase"}, "The proof value is not a base58btc multibase string."),
        ({"proofValue": multibase_encode(b"too short")}, "The proof value is not an Ed25519 signature."),
        ({"created": "yesterday"}, "The proof's creation time 'yesterday' is not an XML Schema dateTime."),
        ({"@context": ["https://example.org/other"]}, "The proof's @context is not the start"),
    ],
    ids=["type", "cryptosuite", "purpose", "proof value", "signature length", "created", "proof context"],
)
def test_verify_refuses_a_proof_it_does_not_support(private_key, signed, proof_change, reason):
    signed["proof"][0].update(proof_change)

    result = verify_proof(signed, public_key_for=keys_for({ISSUER_KEY_ID: private_key.public_key()}))

    assert result.verified is False
    assert result.reason.startswith(reason)


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("a string", "The credential is not a JSON object."),
        ({"name": "no context"}, "The credential has no @context."),
        ({"@context": [VC_V2]}, "The credential has no proof."),
        ({"@context": [VC_V2], "proof": []}, "The credential has no proof."),
        ({"@context": [VC_V2], "proof": ["a string"]}, "The credential's proof is not a JSON object."),
        ({"@context": [VC_V2], "proof": [{}, {}]}, "The credential has 2 proofs; only a single proof is supported."),
    ],
)
def test_verify_refuses_a_malformed_document(document, reason):
    result = verify_proof(document, public_key_for=keys_for({}))

    assert (result.verified, result.reason) == (False, reason)


@pytest.mark.parametrize(
    ("context", "reason"),
    [
        (
            [VC_V2, {"name": "https://example.org/redefined-name"}],
            "Invalid JSON-LD syntax; tried to redefine a protected term.",
        ),
        (["relative-context"], "Found invalid relative IRI 'relative-context' for a missing baseIRI"),
    ],
    ids=["protected term", "relative context URL"],
)
def test_verify_refuses_invalid_json_ld(private_key, signed, context, reason):
    signed["@context"] = context

    result = verify_proof(signed, public_key_for=keys_for({ISSUER_KEY_ID: private_key.public_key()}))

    assert (result.verified, result.reason) == (False, f"The credential is not valid JSON-LD: {reason}")


# Contexts: only the vendored ones, never the network


@pytest.mark.usefixtures("no_network")
def test_loader_refuses_an_unknown_context_url():
    with pytest.raises(jsonld.UnknownContextError, match=re.escape(EVIL_CONTEXT)) as refused:
        jsonld.document_loader(EVIL_CONTEXT)

    assert refused.value.url == EVIL_CONTEXT


@pytest.mark.usefixtures("no_network")
def test_canonize_refuses_a_document_with_an_unknown_context():
    document = {"@context": [VC_V2, EVIL_CONTEXT], "type": ["VerifiableCredential"]}

    with pytest.raises(jsonld.UnknownContextError, match=re.escape(EVIL_CONTEXT)):
        jsonld.canonize(document)


@pytest.mark.usefixtures("no_network")
def test_verify_refuses_a_credential_with_an_unknown_context(private_key, signed):
    signed["@context"] = [*signed["@context"], EVIL_CONTEXT]

    result = verify_proof(signed, public_key_for=keys_for({ISSUER_KEY_ID: private_key.public_key()}))

    assert result.verified is False
    assert result.reason == (
        f"The credential uses the JSON-LD context {EVIL_CONTEXT}, which this verifier does not hold "
        "(it never fetches contexts)."
    )


def test_loader_serves_the_vendored_contexts_by_their_published_urls():
    for url, vendored in jsonld.CONTEXTS.items():
        remote = jsonld.document_loader(url)

        assert remote["documentUrl"] == url
        assert remote["document"] == json.loads((jsonld.DATA_DIR / vendored.filename).read_bytes())


def test_vendored_files_have_their_recorded_digests():
    for vendored in [*jsonld.CONTEXTS.values(), jsonld.ACHIEVEMENT_CREDENTIAL_SCHEMA]:
        assert hashlib.sha256((jsonld.DATA_DIR / vendored.filename).read_bytes()).hexdigest() == vendored.sha256


def test_loader_refuses_a_context_whose_recorded_digest_differs(monkeypatch):
    vendored = jsonld.CONTEXTS[VC_V2]
    monkeypatch.setitem(jsonld.CONTEXTS, VC_V2, vendored._replace(sha256="0" * 64))

    with pytest.raises(jsonld.VendoredFileChangedError, match=re.escape("credentials-v2.jsonld has SHA-256 59955ced")):
        jsonld.document_loader(VC_V2)


def test_canonize_refuses_a_context_file_with_a_changed_byte(monkeypatch, tmp_path):
    shutil.copytree(jsonld.DATA_DIR, tmp_path, dirs_exist_ok=True)
    context_file = tmp_path / jsonld.CONTEXTS[VC_V2].filename
    context_file.write_bytes(context_file.read_bytes().replace(b"https://schema.org/name", b"https://schema.org/nome"))
    monkeypatch.setattr(jsonld, "DATA_DIR", tmp_path)

    with pytest.raises(jsonld.VendoredFileChangedError, match="refusing to use it"):
        jsonld.canonize(read_vector_json("credential.json"))


# Nothing is dropped silently: what canonicalisation would lose, no signature would cover


def test_create_proof_refuses_an_undefined_property(private_key):
    credential = {**read_vector_json("credential.json"), "grade": "A+"}

    with pytest.raises(jsonld.LossyDocumentError, match="'grade' is not defined"):
        sign(credential, private_key)


def test_create_proof_refuses_a_relative_iri(private_key):
    credential = read_vector_json("credential.json")
    credential["issuer"]["id"] = "issuers/565049"

    with pytest.raises(jsonld.LossyDocumentError, match="'issuers/565049' is not an absolute IRI"):
        sign(credential, private_key)


# PyLD writes IRIs and language tags into N-Quads unescaped: these would add a forged statement.
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "name",
            {"@value": "Teamwork Badge", "@language": f"en .\n{FORGED_STATEMENT}"},
            "not a well-formed language tag",
        ),
        ("id", f"https://example.org/a> {FORGED_STATEMENT}", "not an absolute IRI"),
    ],
    ids=["language tag", "IRI"],
)
def test_canonize_refuses_a_value_that_would_forge_a_statement(field, value, message):
    credential = {**read_vector_json("credential.json"), field: value}

    with pytest.raises(jsonld.LossyDocumentError, match=message):
        jsonld.canonize(credential)


def test_canonize_refuses_a_control_character_pyld_would_not_escape():
    credential = {**read_vector_json("credential.json"), "name": "Teamwork\x0cBadge"}

    with pytest.raises(jsonld.LossyDocumentError, match="contains a control character"):
        jsonld.canonize(credential)


def test_canonize_escapes_tabs_and_line_breaks():
    credential = {**read_vector_json("credential.json"), "name": 'Team\twork\r\n"Badge"\\'}

    name = '<http://example.com/credentials/3527> <https://schema.org/name> "Team\\twork\\r\\n\\"Badge\\"\\\\" .'
    assert name in jsonld.canonize(credential).splitlines()


def test_verify_refuses_an_undefined_type_added_after_signing(private_key, signed):
    signed["type"] = [*signed["type"], "DoctoralDegree"]

    result = verify_proof(signed, public_key_for=keys_for({ISSUER_KEY_ID: private_key.public_key()}))

    assert result.verified is False
    assert result.reason == (
        "The credential has content its signature could not cover: 'DoctoralDegree' is not an absolute IRI "
        "or a term the JSON-LD contexts define."
    )


# The Open Badges 3.0 JSON Schema


def test_schema_validate_accepts_the_guides_credential():
    assert jsonld.schema_validate(read_vector_json("credential.json")) == []


def test_schema_validate_reports_what_is_missing_or_wrong():
    credential = read_vector_json("credential.json")
    del credential["validFrom"]
    credential["type"] = ["VerifiableCredential"]

    assert jsonld.schema_validate(credential) == [
        "$: 'validFrom' is a required property",
        "$.type: ['VerifiableCredential'] does not contain items matching the given schema",
    ]
