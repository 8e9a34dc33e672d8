"""Each certificate as a signed Open Badges 3.0 credential: its content, its two signatures, the
status lists, the check anyone can run, and the holder's downloads."""

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.certifications import services
from apps.credentials import jsonld, keys, status
from apps.credentials.baking import unbake
from apps.credentials.credential import credential_jwt, identity_hash, signed_credential, unsigned_credential
from apps.credentials.models import STATUS_LIST_SIZE, CredentialRecord, credential_record_for
from apps.credentials.multikey import multibase_decode
from apps.credentials.verify import check_credential
from tests.factories import make_application, make_certificate, make_person, make_program, make_staff

pytestmark = pytest.mark.django_db

EMAIL = "jordan@example.org"


@pytest.fixture
def certificate(issuer_keys):
    program = make_program(name="NMT Phase I", summary="The first level of NMT certification.")
    application = make_application(status="approved", program=program, email=EMAIL, full_name="Jordan Avery")
    today = timezone.localdate()
    return make_certificate(
        application=application, issued_on=today - timedelta(days=10), expires_on=today + timedelta(days=700)
    )


def _b64(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# THE CREDENTIAL


def test_the_credential_is_an_open_badge_with_a_hashed_identity_and_two_status_entries(certificate):
    credential = signed_credential(certificate)
    record = CredentialRecord.objects.get(certificate=certificate)

    assert credential["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert set(credential["@context"][2]) == {"1EdTechJsonSchemaValidator2019", "1EdTechRevocationList"}
    assert credential["id"] == f"urn:uuid:{record.credential_id}"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == keys.issuer_did() == "did:web:127.0.0.1%3A8000"
    assert credential["validFrom"] == f"{certificate.issued_on.isoformat()}T00:00:00Z"
    assert credential["validUntil"] == f"{certificate.expires_on.isoformat()}T23:59:59Z"
    subject = credential["credentialSubject"]
    assert subject["name"] == "Jordan Avery"
    assert subject["achievement"]["name"] == "NMT Phase I"
    assert subject["achievement"]["criteria"]["narrative"]
    [identity] = subject["identifier"]
    salt = record.identity_salt
    assert identity == {
        "type": "IdentityObject",
        "identityHash": "sha256$" + hashlib.sha256((EMAIL + salt).encode()).hexdigest(),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }
    assert EMAIL not in json.dumps(credential)
    bitstring, revocation = credential["credentialStatus"]
    assert bitstring == {
        "id": f"http://127.0.0.1:8000/credentials/status-list/1#{record.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(record.status_index),
        "statusListCredential": "http://127.0.0.1:8000/credentials/status-list/1",
    }
    assert revocation == {"id": "http://127.0.0.1:8000/credentials/revocation-list/", "type": "1EdTechRevocationList"}
    [proof] = credential["proof"]  # a list, as the Open Badges schema asks
    assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", "eddsa-rdfc-2022")
    assert proof["verificationMethod"] == keys.signing_key().verification_method


def test_the_credential_validates_against_the_open_badges_schema(certificate):
    assert jsonld.schema_validate(signed_credential(certificate)) == []


def test_the_same_certificate_gives_the_same_credential_every_time(certificate):
    first, second = signed_credential(certificate), signed_credential(certificate)
    assert json.dumps(first) == json.dumps(second)
    assert CredentialRecord.objects.filter(certificate=certificate).count() == 1


def test_status_indexes_are_random_and_never_shared(issuer_keys):
    records = [credential_record_for(make_certificate()) for _ in range(12)]
    indexes = [record.status_index for record in records]
    assert len(set(indexes)) == 12
    assert all(0 <= index < STATUS_LIST_SIZE for index in indexes)
    assert indexes != sorted(indexes)


def test_the_identity_hash_ignores_case_and_spaces():
    assert identity_hash(" Jordan@Example.org ", "ab") == identity_hash("jordan@example.org", "ab")


# SIGNATURES AND THEIR CHECK


def test_a_signed_credential_checks_as_active_and_the_signature_verifies_independently(certificate):
    credential = signed_credential(certificate)

    result = check_credential(json.dumps(credential))

    assert (result.outcome, result.signed_by_portal, result.unchanged) == ("active", True, True)
    assert result.number == certificate.number
    assert result.verification_method == keys.signing_key().verification_method
    # Independently of proofs.py: canonicalise with PyLD, hash and check the Ed25519 signature.
    proof = dict(credential["proof"][0])
    signature = multibase_decode(proof.pop("proofValue"))
    document = {key: value for key, value in credential.items() if key != "proof"}
    proof_config = {"@context": document["@context"], **proof}
    digest = hashlib.sha256(jsonld.canonize(proof_config).encode()).digest()
    digest += hashlib.sha256(jsonld.canonize(document).encode()).digest()
    keys.signing_key().public_key.verify(signature, digest)  # raises if it does not hold


def test_the_jwt_checks_as_active_and_its_signature_verifies_independently(certificate):
    token = credential_jwt(certificate)
    header, payload, signature = token.split(".")

    assert json.loads(_b64(header)) == {
        "alg": "Ed25519",
        "typ": "vc+jwt",
        "kid": keys.signing_key().jwk_verification_method,
    }
    claims = json.loads(_b64(payload))
    assert claims["id"] == claims["jti"] == unsigned_credential(certificate)["id"]
    assert claims["iss"] == keys.issuer_did()
    assert "proof" not in claims
    public = Ed25519PublicKey.from_public_bytes(keys.signing_key().public_key.public_bytes_raw())
    public.verify(_b64(signature), f"{header}.{payload}".encode())
    assert check_credential(token).outcome == "active"


def test_one_changed_character_fails_the_check(certificate):
    text = json.dumps(signed_credential(certificate))
    changed = text.replace("Jordan Avery", "Jordan Averx")

    result = check_credential(changed)

    assert (result.outcome, result.signed_by_portal) == ("invalid", False)
    assert result.messages[0].startswith("The signature does not hold")


def test_one_changed_character_of_the_jwt_fails_the_check(certificate):
    header, payload, signature = credential_jwt(certificate).split(".")
    claims = json.loads(_b64(payload))
    claims["credentialSubject"]["name"] = "Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    result = check_credential(f"{header}.{forged}.{signature}")

    assert result.outcome == "invalid"
    assert "changed" in result.messages[0]


def test_a_revoked_certificate_checks_as_revoked_and_its_status_bit_is_set(certificate, client, send_queued):
    text = json.dumps(signed_credential(certificate))
    record = CredentialRecord.objects.get(certificate=certificate)
    before = client.get(reverse("credentials:status-list", kwargs={"number": 1})).json()
    assert not status.bit_is_set(
        status.decode_bitstring(before["credentialSubject"]["encodedList"]), record.status_index
    )

    with send_queued():
        services.certificate_revoke(
            certificate=certificate, user=make_staff(role="Site administrators"), reason="Training not completed."
        )

    assert check_credential(text).outcome == "revoked"
    after = client.get(reverse("credentials:status-list", kwargs={"number": 1}))
    bits = status.decode_bitstring(after.json()["credentialSubject"]["encodedList"])
    assert status.bit_is_set(bits, record.status_index)
    assert sum(bin(byte).count("1") for byte in bits) == 1
    revocations = client.get(reverse("credentials:revocation-list")).json()
    assert revocations["revokedCredentials"] == [{"id": record.urn, "revocationReason": "Revoked by the issuer."}]
    assert "Training not completed" not in json.dumps(revocations)


def test_a_credential_past_its_valid_until_checks_as_expired_and_a_future_one_as_not_yet_valid(certificate):
    text = json.dumps(signed_credential(certificate))
    later = datetime.combine(certificate.expires_on + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    earlier = datetime.combine(certificate.issued_on - timedelta(days=1), datetime.min.time(), tzinfo=UTC)

    assert check_credential(text, now=later).outcome == "expired"
    assert check_credential(text, now=earlier).outcome == "not_yet_valid"


def test_key_rotation_keeps_earlier_credentials_valid(certificate, issuer_keys, settings):
    old_text = json.dumps(signed_credential(certificate))
    old_jwt = credential_jwt(certificate)
    old_method = keys.signing_key().verification_method

    call_command("issuer_keys", "rotate", "--file", str(settings.CREDENTIALS_KEYS_FILE))
    keys.clear_cache()

    assert keys.signing_key().verification_method != old_method
    assert check_credential(old_text).outcome == "active"
    assert check_credential(old_jwt).outcome == "active"
    renewed = signed_credential(certificate)
    assert renewed["proof"][0]["verificationMethod"] == keys.signing_key().verification_method
    assert check_credential(json.dumps(renewed)).verification_method == keys.signing_key().verification_method


def test_a_foreign_issuer_is_refused_without_looking_it_up(certificate):
    credential = unsigned_credential(certificate)
    credential["issuer"] = {"id": "did:web:badges.example.com", "type": ["Profile"], "name": "Elsewhere"}

    result = check_credential(json.dumps(credential))

    assert result.outcome == "invalid"
    assert "names another issuer (did:web:badges.example.com)" in result.messages[0]


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "Paste a credential"), ("hello", "neither a credential"), ("{not json", "not valid JSON")],
)
def test_unreadable_input_is_answered_in_words(issuer_keys, text, words):
    result = check_credential(text)
    assert result.outcome == "invalid"
    assert words in result.messages[0]


# THE STATUS LISTS


def test_the_status_list_is_a_signed_bitstring_of_131072_entries_with_no_personal_data(certificate, client):
    credential_record_for(certificate)

    response = client.get("/credentials/status-list/1")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = document["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    assert subject["encodedList"].startswith("u")
    assert len(status.decode_bitstring(subject["encodedList"])) * 8 == 131_072
    assert check_credential(json.dumps({**document, "id": document["id"]})).signed_by_portal is True
    body = response.content.decode()
    assert "Jordan" not in body and EMAIL not in body
    assert client.get("/credentials/status-list/2").status_code == 404


# THE CHECK PAGE AND ITS JSON


def test_the_check_page_answers_a_pasted_credential(certificate, client):
    response = client.post(reverse("credentials:check"), {"credential": json.dumps(signed_credential(certificate))})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid: an NMT credential, unchanged and active" in html
    assert certificate.number in html


def test_the_check_page_reads_an_uploaded_baked_badge(certificate, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    person = make_person(EMAIL)
    client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
    png = client.get(reverse("credentials:my-badge.png", kwargs={"number": certificate.number})).content
    client.logout()

    response = client.post(
        reverse("credentials:check"), {"credential_file": SimpleUploadedFile("badge.png", png, "image/png")}
    )

    assert "Valid: an NMT credential, unchanged and active" in response.content.decode()


def test_the_check_page_keeps_the_input_and_points_at_the_field(issuer_keys, client):
    response = client.post(reverse("credentials:check"), {"credential": ""})

    assert response.status_code == 400
    assert response.context["form"].errors == {"credential": ["Paste a credential or choose its file."]}


def test_the_json_check_answers_machines(certificate, client):
    response = client.post(
        reverse("credentials:check-json"), data=credential_jwt(certificate), content_type="application/vc+jwt"
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert (data["outcome"], data["valid"], data["format"], data["certificate_number"]) == (
        "active",
        True,
        "jwt",
        certificate.number,
    )


# THE HOLDER'S DOWNLOADS


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("credential.json", "application/ld+json"),
        ("credential.jwt", "application/vc+jwt"),
        ("badge.png", "image/png"),
        ("certificate.pdf", "application/pdf"),
    ],
)
def test_the_holder_downloads_each_file_from_my_nmt_and_the_private_link(certificate, client, name, content_type):
    from apps.certifications.tokens import make_certificate_token

    stem, _, extension = name.partition(".")
    token_url = reverse(f"credentials:token-{name}", kwargs={"token": make_certificate_token(certificate)})
    my_url = reverse(f"credentials:my-{name}", kwargs={"number": certificate.number})

    assert client.get(my_url).status_code == 302  # sign in first
    by_token = client.get(token_url)
    client.force_login(make_person(EMAIL), backend="allauth.account.auth_backends.AuthenticationBackend")
    mine = client.get(my_url)

    for response in (by_token, mine):
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}-{stem}.{extension}"'
        assert response["Cache-Control"] == "private, no-store"
    assert by_token.content == mine.content or name == "certificate.pdf"


def test_someone_elses_certificate_is_not_found(certificate, client):
    client.force_login(
        make_person("someone.else@example.org"), backend="allauth.account.auth_backends.AuthenticationBackend"
    )
    response = client.get(reverse("credentials:my-credential.json", kwargs={"number": certificate.number}))
    assert response.status_code == 404
    assert client.get(reverse("credentials:token-credential.json", kwargs={"token": "forged"})).status_code == 404


def test_the_baked_badge_carries_the_credential(certificate, client):
    client.force_login(make_person(EMAIL), backend="allauth.account.auth_backends.AuthenticationBackend")
    png = client.get(reverse("credentials:my-badge.png", kwargs={"number": certificate.number})).content

    assert json.loads(unbake(png)) == signed_credential(certificate)


def test_each_status_entry_is_held_to_the_schemas_credential_status(certificate):
    credential = signed_credential(certificate)
    credential["credentialStatus"][1] = {"id": "not a uri", "type": 7}

    errors = jsonld.schema_validate(credential)

    assert errors and all(error.startswith("$.credentialStatus[1]") for error in errors)


def test_the_private_certificate_pages_offer_the_credential_linkedin_and_the_badge(certificate, client):
    from django.utils.html import escape

    from apps.certifications.tokens import make_certificate_token
    from apps.credentials.badge import badge_embed_html
    from apps.credentials.linkedin import linkedin_add_url

    token = make_certificate_token(certificate)
    by_token = client.get(reverse("certifications:certificate", kwargs={"token": token})).content.decode()
    client.force_login(make_person(EMAIL), backend="allauth.account.auth_backends.AuthenticationBackend")
    mine = client.get(reverse("accounts:certificate", kwargs={"number": certificate.number})).content.decode()

    for html, url in [
        (by_token, lambda name: reverse(f"credentials:token-{name}", kwargs={"token": token})),
        (mine, lambda name: reverse(f"credentials:my-{name}", kwargs={"number": certificate.number})),
    ]:
        for name in ["credential.json", "credential.jwt", "badge.png", "certificate.pdf"]:
            assert f'href="{url(name)}" download' in html
        assert f'href="{escape(linkedin_add_url(certificate))}"' in html
        assert escape(badge_embed_html(certificate)) in html


def test_the_verification_page_links_the_credential_check(certificate, client):
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert f'href="{reverse("credentials:check")}" id="check-credential"' in html
