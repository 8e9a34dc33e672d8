"""Checking a credential someone pasted or uploaded: whether the portal signed it (and with which
key), whether anything in it changed since, and whether it is active, expired, revoked or not yet
valid. Only the portal's own credentials are checked, with its own published keys: nothing is
fetched from the network, and a foreign issuer is refused in as many words.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from joserfc import jws, jwt
from joserfc.errors import JoseError

from apps.certifications.models import Certificate

from . import keys, proofs
from .credential import JWT_ALGORITHM, okp_key
from .models import CredentialRecord

# A credential is a few kilobytes; anything much larger is not one of ours.
MAX_CREDENTIAL_BYTES = 64 * 1024


class Outcome:
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NOT_YET_VALID = "not_yet_valid"
    INVALID = "invalid"  # not signed by the portal, changed, or unreadable


@dataclass
class CredentialCheck:
    """What the check found, in words for people and in fields for machines."""

    outcome: str
    format: str = ""  # "json" (embedded proof) or "jwt"
    signed_by_portal: bool = False
    verification_method: str = ""
    unchanged: bool = False
    credential_id: str = ""
    number: str = ""
    holder: str = ""
    program: str = ""
    valid_from: str = ""
    valid_until: str = ""
    messages: list = field(default_factory=list)

    def as_json(self):
        return {
            "outcome": self.outcome,
            "valid": self.outcome == Outcome.ACTIVE,
            "format": self.format,
            "signed_by_portal": self.signed_by_portal,
            "verification_method": self.verification_method or None,
            "unchanged": self.unchanged,
            "credential_id": self.credential_id or None,
            "certificate_number": self.number or None,
            "holder": self.holder or None,
            "program": self.program or None,
            "valid_from": self.valid_from or None,
            "valid_until": self.valid_until or None,
            "messages": self.messages,
        }


def check_credential(text, now=None):
    """Check `text`, a credential as JSON or as its compact JWT."""
    text = (text or "").strip()
    if not text:
        return CredentialCheck(Outcome.INVALID, messages=["Paste a credential or choose its file."])
    if len(text.encode()) > MAX_CREDENTIAL_BYTES:
        return CredentialCheck(Outcome.INVALID, messages=["This is far larger than any NMT credential."])
    if text.startswith("{"):
        return _check_json(text, now)
    if text.count(".") == 2:
        return _check_jwt(text, now)
    return CredentialCheck(
        Outcome.INVALID, messages=["This is neither a credential (JSON, starting with “{”) nor its JWT (three parts)."]
    )


def _issuer_id(credential):
    issuer = credential.get("issuer")
    return issuer.get("id", "") if isinstance(issuer, dict) else str(issuer or "")


def _foreign(found, credential):
    issuer = _issuer_id(credential)
    if issuer == keys.issuer_did():
        return None
    found.outcome = Outcome.INVALID
    found.messages.append(
        f"This credential names another issuer ({issuer or 'none'}): only credentials the NMT portal issued "
        f"({keys.issuer_did()}) are checked here."
    )
    return found


def _check_json(text, now):
    found = CredentialCheck(Outcome.INVALID, format="json")
    try:
        credential = json.loads(text)
    except ValueError:
        found.messages.append("This is not valid JSON: the credential may have been cut or changed.")
        return found
    if not isinstance(credential, dict):
        found.messages.append("This JSON is not a credential.")
        return found
    if _foreign(found, credential):
        return found
    result = proofs.verify_proof(credential, public_key_for=keys.public_key_for)
    found.verification_method = getattr(result, "verification_method", "") or ""
    if not result.verified:
        found.messages.append(f"The signature does not hold: {result.reason}")
        return found
    found.signed_by_portal = found.unchanged = True
    found.messages.append(f"Signed by the NMT portal with its key {found.verification_method}, and unchanged since.")
    return _status(found, credential, now)


def _check_jwt(text, now):
    found = CredentialCheck(Outcome.INVALID, format="jwt")
    try:
        header = jws.extract_compact(text.encode()).protected
    except (JoseError, ValueError, UnicodeDecodeError):
        found.messages.append("This JWT cannot be read: it may have been cut or changed.")
        return found
    found.verification_method = str(header.get("kid", ""))
    public_key = keys.public_key_for(found.verification_method)
    if public_key is None:
        found.messages.append(
            "This JWT is not signed with any key the NMT portal publishes: it is not one of our credentials."
        )
        return found
    try:
        token = jwt.decode(text, okp_key(public_key), algorithms=[JWT_ALGORITHM])
    except (JoseError, ValueError):
        found.messages.append("The signature does not hold: the JWT has been changed since it was issued.")
        return found
    credential = dict(token.claims)
    if _foreign(found, credential):
        return found
    found.signed_by_portal = found.unchanged = True
    found.messages.append(f"Signed by the NMT portal with its key {found.verification_method}, and unchanged since.")
    return _status(found, credential, now)


def _moment(value):
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _status(found, credential, now):
    """Active, expired, revoked or not yet valid: the signed dates against now, and the portal's
    records (the status lists read the same) for revocation."""
    now = now or datetime.now(UTC)
    found.credential_id = str(credential.get("id", ""))
    found.valid_from = str(credential.get("validFrom", ""))
    found.valid_until = str(credential.get("validUntil", ""))
    subject = credential.get("credentialSubject") or {}
    found.holder = str(subject.get("name", "")) if isinstance(subject, dict) else ""
    achievement = subject.get("achievement", {}) if isinstance(subject, dict) else {}
    found.program = str(achievement.get("name", "")) if isinstance(achievement, dict) else ""
    record = (
        CredentialRecord.objects.select_related("certificate")
        .filter(credential_id=found.credential_id.removeprefix("urn:uuid:"))
        .first()
        if found.credential_id.startswith("urn:uuid:")
        else None
    )
    if record is not None:
        found.number = record.certificate.number
    starts, ends = _moment(found.valid_from), _moment(found.valid_until)
    if record is not None and record.certificate.status == Certificate.Status.REVOKED:
        found.outcome = Outcome.REVOKED
        found.messages.append("The certificate has been revoked: this credential is no longer valid.")
    elif starts is not None and now < starts:
        found.outcome = Outcome.NOT_YET_VALID
        found.messages.append(f"Not valid yet: it takes effect on {starts:%-d %B %Y}.")
    elif ends is not None and now > ends:
        found.outcome = Outcome.EXPIRED
        found.messages.append(f"Expired on {ends:%-d %B %Y}.")
    elif record is None:
        found.outcome = Outcome.INVALID
        found.messages.append("Our records hold no certificate for this credential.")
    else:
        found.outcome = Outcome.ACTIVE
        found.messages.append(f"Active until {ends:%-d %B %Y}." if ends else "Active.")
    return found
