"""JSON-LD for credentials: the vendored contexts, served by a loader that never touches the
network, RDFC-1.0 canonicalisation that refuses to drop content, and the Open Badges 3.0 schema."""

import functools
import hashlib
import json
import re
from pathlib import Path
from typing import NamedTuple

import jsonschema
import referencing
from pyld import jsonld

DATA_DIR = Path(__file__).resolve().parent / "data"


class VendoredFile(NamedTuple):
    """A file in DATA_DIR and the SHA-256 (hex) its bytes must have; see data/SOURCES.md."""

    filename: str
    sha256: str


CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": VendoredFile(
        "credentials-v2.jsonld", "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": VendoredFile(
        "ob-context-3.0.3.json", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"
    ),
}
ACHIEVEMENT_CREDENTIAL_SCHEMA = VendoredFile(
    "ob_v3p0_achievementcredential_schema.json", "86a141ff0c1b1a6b4e08460f786a8ffe0f737d8256a86243d134a2e6450efe4d"
)

# What N-Quads can hold (its IRIREF and LANGTAG productions, without escapes). An IRI must be
# absolute (have a scheme); "_:" starts a blank node identifier. PyLD writes IRIs and language
# tags out unescaped, so any other character could end its statement and forge others.
_IRI_CHARACTERS = r"[^\x00-\x20<>\"{}|^`\\]*"
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:" + _IRI_CHARACTERS)
BLANK_NODE = re.compile(r"_:" + _IRI_CHARACTERS)
LANGUAGE_TAG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")
# Control characters that canonical N-Quads (RDFC-1.0) escapes but PyLD writes out as they are:
# their canonical form, and so the signature, would differ from other implementations'.
UNESCAPED_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnknownContextError(jsonld.JsonLdError):
    """A JSON-LD context URL that is not vendored here: refused, never fetched."""

    def __init__(self, url):
        super().__init__(
            f"The JSON-LD context {url!r} is not one of the vendored contexts ({', '.join(CONTEXTS)}); "
            "it was refused, not fetched.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading remote context failed",
        )
        self.url = url

    def __str__(self):
        return self.args[0]


class LossyDocumentError(jsonld.JsonLdError):
    """Content that canonicalisation would leave out silently, so that no signature covers it."""

    def __init__(self, message):
        super().__init__(message, "jsonld.ValidationError", code="lossy document")

    def __str__(self):
        return self.args[0]


class VendoredFileChangedError(RuntimeError):
    """A vendored file whose bytes no longer have the recorded SHA-256: a fault of the deployment,
    not of the document being processed."""

    def __init__(self, vendored, actual_sha256):
        super().__init__(
            f"{DATA_DIR / vendored.filename} has SHA-256 {actual_sha256}, not the recorded "
            f"{vendored.sha256}; refusing to use it."
        )


# What canonize() re-raises unwrapped from under PyLD's generic errors.
_REFUSALS = (UnknownContextError, LossyDocumentError, VendoredFileChangedError)


def document_loader(url, options=None):
    """The vendored context published at `url`, as a PyLD remote document.

    Any other URL raises UnknownContextError: a context fetched at verification time could say
    anything, and the one signed against is the one vendored here."""
    vendored = CONTEXTS.get(url)
    if vendored is None:
        raise UnknownContextError(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(_read_vendored(vendored)),
    }


def canonize(document):
    """`document` canonicalised with RDFC-1.0 (URDNA2015) into N-Quads, the form that Data
    Integrity proofs sign.

    PyLD 3.3.0 has no "safe mode" (jsonld.js's option to fail instead of dropping data), and
    neither context has an `@vocab`, so an undefined term would just vanish from the canonical
    form: a reader would see it in the JSON although no signature covers it. PyLD also writes IRIs
    and language tags into N-Quads unescaped, so a crafted value could forge statements, and does
    not escape most control characters as RDFC-1.0 does. Dropped properties, relative IRIs and
    such values therefore raise LossyDocumentError. `base` is None
    so PyLD keeps relative IRIs relative, where they can be seen, instead of resolving them
    against its placeholder http://example.org/base/."""
    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped_property)
    options = {"documentLoader": document_loader, "base": None}
    try:
        expanded = processor.expand(document, options)
        _refuse_what_rdf_cannot_hold(expanded)
        return processor.normalize(expanded, {**options, "algorithm": "URDNA2015", "format": "application/n-quads"})
    except jsonld.JsonLdError as error:
        refusal = _refusal_behind(error)
        if refusal is None or refusal is error:
            raise
        raise refusal from None


def schema_validate(credential):
    """The messages of every way `credential` fails the vendored Open Badges 3.0
    AchievementCredential JSON Schema; an empty list when it conforms.

    Formats are asserted where jsonschema has a checker installed: `date-time` needs the
    rfc3339-validator package, which is not a requirement yet."""
    validator = _achievement_credential_validator()
    statuses = credential.get("credentialStatus") if isinstance(credential, dict) else None
    if not isinstance(statuses, list):
        errors = list(validator.iter_errors(credential))
    else:
        # VC 2.0 allows several status entries, and the portal gives two (the W3C Bitstring Status
        # List and 1EdTech's Revocation List); this copy of the schema, from before that, allows one.
        # The rest of the credential is held to the schema, and each entry to its CredentialStatus.
        errors = list(validator.iter_errors({**credential, "credentialStatus": statuses[0] if statuses else {}}))
        entry = validator.evolve(schema={"$ref": "#/$defs/CredentialStatus", "$defs": validator.schema["$defs"]})
        for position, status in enumerate(statuses):
            errors.extend(_at(error, position) for error in entry.iter_errors(status))
    return [f"{error.json_path}: {error.message}" for error in sorted(errors, key=lambda error: error.json_path)]


def _at(error, position):
    """A status entry's error, with its place in the credential in its path."""
    error.path.extendleft(["credentialStatus", position][::-1])
    return error


@functools.cache
def _achievement_credential_validator():
    """A Draft 2019-09 validator for the vendored schema. Its `$ref`s all point inside it, and
    the registry is empty and cannot retrieve, so nothing is ever fetched."""
    schema = json.loads(_read_vendored(ACHIEVEMENT_CREDENTIAL_SCHEMA))
    return jsonschema.Draft201909Validator(
        schema, registry=referencing.Registry(), format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


def _read_vendored(vendored):
    """The bytes of a vendored file, checked against its recorded SHA-256, so that a context or
    schema edited by accident cannot silently change what is signed or accepted."""
    data = (DATA_DIR / vendored.filename).read_bytes()
    actual_sha256 = hashlib.sha256(data).hexdigest()
    if actual_sha256 != vendored.sha256:
        raise VendoredFileChangedError(vendored, actual_sha256)
    return data


def _refuse_dropped_property(expanded_property):
    """PyLD's handler for a property it is about to drop while expanding."""
    if expanded_property is None:
        raise LossyDocumentError("The document has a property that its JSON-LD contexts map to null.")
    raise LossyDocumentError(f"The property {expanded_property!r} is not defined by the document's JSON-LD contexts.")


def _refuse_what_rdf_cannot_hold(expanded):
    """Raise LossyDocumentError for what in expanded JSON-LD cannot become canonical N-Quads as
    it is: a relative IRI, whose statements the conversion to RDF drops, an IRI or language tag
    with characters that would break out of its statement, or a string with a control character
    that PyLD would not escape."""
    if isinstance(expanded, list):
        for item in expanded:
            _refuse_what_rdf_cannot_hold(item)
    elif isinstance(expanded, dict):
        types = expanded.get("@type", [])
        for node in [expanded.get("@id", "_:"), *(types if isinstance(types, list) else [types])]:
            if node != "@json" and not (IRI.fullmatch(node) or BLANK_NODE.fullmatch(node)):
                raise LossyDocumentError(f"{node!r} is not an absolute IRI or a term the JSON-LD contexts define.")
        if "@language" in expanded and not LANGUAGE_TAG.fullmatch(expanded["@language"]):
            raise LossyDocumentError(f"{expanded['@language']!r} is not a well-formed language tag.")
        if isinstance(expanded.get("@value"), str) and UNESCAPED_CONTROL_CHARACTER.search(expanded["@value"]):
            raise LossyDocumentError(f"{expanded['@value']!r} contains a control character.")
        for key, value in expanded.items():
            if not key.startswith("@") and not IRI.fullmatch(key):
                raise LossyDocumentError(f"The property {key!r} is not an absolute IRI.")
            if key != "@value":  # a JSON literal's contents are data, not JSON-LD
                _refuse_what_rdf_cannot_hold(value)


def _refusal_behind(error):
    """The refusal that PyLD wrapped (once or more) in `error`, or None."""
    while error is not None and not isinstance(error, _REFUSALS):
        error = error.__cause__
    return error
