"""Each certificate as an Open Badges 3.0 `OpenBadgeCredential` (W3C Verifiable Credentials Data
Model 2.0), signed twice: an embedded `DataIntegrityProof` (eddsa-rdfc-2022) and a VC-JWT.

The credential is built from the certificate whenever it is asked for; what must stay the same
from one download to the next (its `urn:uuid`, the salt of the hashed address, its status list
entry) is the certificate's CredentialRecord. The proof's `created` is the certificate's own
creation time, so the same key gives the same bytes every time.
"""

import hashlib
from datetime import UTC, datetime, time

from django.conf import settings
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import OKPKey

from apps.certifications.views.registry import STATEMENT

from . import keys, proofs
from .models import credential_record_for
from .pdf import ISSUER as ISSUER_NAME

# The two published contexts, and the two 1EdTech types that neither defines since VC 2.0's context
# dropped its `@vocab` (1EdTech's Credential Schema and Revocation List specifications name them).
# Without these term definitions a JSON-LD processor would drop both types from what is signed.
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    {
        "1EdTechJsonSchemaValidator2019": "https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019",
        "1EdTechRevocationList": "https://purl.imsglobal.org/spec/vcrl/v1p0/context.json#1EdTechRevocationList",
    },
]
SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
# VC-JOSE-COSE: the JWT's payload is the credential itself; `Ed25519` is RFC 9864's fully specified
# name of EdDSA over Ed25519, as the published JWKs say.
JWT_ALGORITHM = keys.JOSE_ALGORITHM
JWT_TYPE = "vc+jwt"


def timestamp(moment):
    """An XML Schema dateTime in UTC, to the second, as the data model asks ("2026-12-07T00:00:00Z")."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_start(day):
    return timestamp(datetime.combine(day, time.min, tzinfo=UTC))


def day_end(day):
    return timestamp(datetime.combine(day, time(23, 59, 59), tzinfo=UTC))


def issuer_profile():
    return {"id": keys.issuer_did(), "type": ["Profile"], "name": ISSUER_NAME, "url": settings.SITE_URL + "/"}


def achievement(program):
    """The program as an Open Badges `Achievement`: what certification in it means and asks."""
    return {
        "id": f"{settings.SITE_URL}{program.get_absolute_url()}",
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": program.name,
        "description": f"{program.summary} {STATEMENT}",
        "criteria": {"narrative": program.requirements or program.summary},
    }


def identity_hash(email, salt):
    """Open Badges' hashed identity: "sha256$" and the hex digest of the address and the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def status_list_url(number):
    return f"{settings.SITE_URL}{reverse('credentials:status-list', kwargs={'number': number})}"


def revocation_list_url():
    return f"{settings.SITE_URL}{reverse('credentials:revocation-list')}"


def credential_status(record):
    """Both status entries: the W3C Bitstring Status List and 1EdTech's Revocation List."""
    list_url = status_list_url(record.status_list)
    return [
        {
            "id": f"{list_url}#{record.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(record.status_index),
            "statusListCredential": list_url,
        },
        {"id": revocation_list_url(), "type": "1EdTechRevocationList"},
    ]


def unsigned_credential(certificate, record=None):
    """The credential of `certificate`, before any proof."""
    record = record or credential_record_for(certificate)
    subject = {"type": ["AchievementSubject"], "name": certificate.holder_name}
    if certificate.email:  # a certificate kept after its holder's erasure has no address
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(certificate.email, record.identity_salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": record.identity_salt,
            }
        ]
    subject["achievement"] = achievement(certificate.program)
    return {
        "@context": [dict(item) if isinstance(item, dict) else item for item in CONTEXT],
        "id": record.urn,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.program.name}, certificate {certificate.number}",
        "issuer": issuer_profile(),
        "validFrom": day_start(certificate.issued_on),
        "validUntil": day_end(certificate.expires_on),
        "credentialSubject": subject,
        "credentialStatus": credential_status(record),
        "credentialSchema": [{"id": SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def signed_credential(certificate):
    """The credential with its embedded DataIntegrityProof, by the current issuer key."""
    key = keys.signing_key()
    return proofs.create_proof(
        unsigned_credential(certificate),
        private_key=key.private_key,
        verification_method=key.verification_method,
        created=timestamp(certificate.created_at),
    )


def credential_jwt(certificate):
    """The credential as a VC-JWT (VC-JOSE-COSE): header `typ` vc+jwt and `kid` the verification
    method of the key as a JWK (which the DID document and the JWKS publish); the payload is the
    credential, with the JWT's own `iss`, `jti`, `nbf` and `exp`."""
    key = keys.signing_key()
    credential = unsigned_credential(certificate)
    claims = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
        "exp": int(datetime.fromisoformat(credential["validUntil"]).timestamp()),
    }
    header = {"alg": JWT_ALGORITHM, "typ": JWT_TYPE, "kid": key.jwk_verification_method}
    return jwt.encode(header, claims, okp_key(key.private_key), algorithms=[JWT_ALGORITHM])


def okp_key(private_or_public_key):
    """A `cryptography` Ed25519 key as joserfc's OKPKey."""
    return OKPKey.import_key(private_or_public_key)
