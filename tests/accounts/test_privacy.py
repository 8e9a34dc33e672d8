"""Privacy self-service (/my/privacy/): the page, "Download my data" (a ZIP of every record and
document) and the erasure request. The erasure itself is tests/accounts/test_privacy_erasure.py,
the retention job tests/accounts/test_privacy_retention.py."""

import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import ErasureRequest, SiteMembership
from apps.accounts.privacy import person_data_export
from apps.certifications import services
from tests.accounts.ce_world import make_registration_with_ce
from tests.factories import (
    make_application,
    make_document,
    make_event,
    make_inquiry,
    make_person,
    make_registration,
    make_site_program,
    make_staff,
)
from tests.files import pdf_bytes, png_bytes
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db

PAGE = "/my/privacy/"
DOWNLOAD = "/my/privacy/download/"
ERASE = "/my/privacy/erase/"


def _archive(response_or_bytes):
    content = getattr(response_or_bytes, "content", response_or_bytes)
    return zipfile.ZipFile(io.BytesIO(content))


def _data(archive):
    return json.loads(archive.read("data.json"))


# THE URLS


def test_the_urls_are_named_in_the_accounts_namespace():
    assert [reverse("accounts:privacy"), reverse("accounts:privacy-download"), reverse("accounts:privacy-erase")] == [
        PAGE,
        DOWNLOAD,
        ERASE,
    ]


@pytest.mark.parametrize(("method", "path"), [("get", PAGE), ("post", DOWNLOAD), ("post", ERASE)])
def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_happens(client, method, path):
    response = getattr(client, method)(path, {"confirm": "on"} if path == ERASE else {})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"
    assert ErasureRequest.objects.count() == 0


@pytest.mark.parametrize(("method", "path"), [("get", DOWNLOAD), ("get", ERASE), ("post", PAGE)])
def test_each_url_answers_only_its_method(person_client, method, path):
    assert getattr(person_client, method)(path).status_code == 405


def test_the_page_offers_both_actions_as_posted_forms_and_is_private(person_client):
    response = person_client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "h1") == "Your data"
    assert [attrs["action"] for _, attrs, _ in elements(html, "form") if attrs.get("method") == "post"][-2:] == [
        DOWNLOAD,
        ERASE,
    ]
    assert len(elements(html, "input", name="csrfmiddlewaretoken")) >= 2
    assert elements(html, "input", name="confirm", type="checkbox") != []
    assert (response["Cache-Control"], response["Referrer-Policy"]) == ("private, no-store", "strict-origin")
    # CSP: no inline script or style.
    assert [attrs for _, attrs, _ in elements(html, "script") if not attrs.get("src")] == []
    assert elements(html, "style") == []
    assert " style=" not in html


# DOWNLOAD MY DATA


def _records_of_two_people():
    """The person's records of every kind (and staff's note on one), and another person's."""
    reviewer = make_staff(role="Reviewers")
    application = make_application(status="in_review", email="holder@example.org", reviewer=reviewer)
    services.application_request_info(application=application, reviewer=reviewer, message="Send your licence.")
    services.application_note_add(application=application, author=reviewer, text="Staff only: call the board.")
    make_document(application, kind="cv", content=pdf_bytes(), name="cv.pdf")
    make_document(application, kind="licence", content=pdf_bytes(), name="cv.pdf")
    draft = make_application(status="draft", email="holder@example.org")
    make_document(draft, kind="cv", content=png_bytes(), name="photo.png")
    approved = make_application(status="approved", email="holder@example.org")
    registration = make_registration(event=make_event(title="Case conference"), email="holder@example.org")
    other = make_application(status="submitted", email="other@example.org", full_name="Other Person")
    make_document(other, name="other.pdf")
    make_registration(email="other@example.org")
    return application, approved, registration


def test_download_gives_a_zip_attachment_of_every_record_and_document(person, person_client):
    application, approved, registration = _records_of_two_people()
    make_inquiry(email="holder@example.org")
    make_inquiry(email="other@example.org", name="Other Person")
    reference = application.reference
    ErasureRequest.objects.create(user=person, status=ErasureRequest.Status.DECLINED, reason="Just checking.")

    response = person_client.post(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="nmt-my-data-')
    assert "holder" not in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    archive = _archive(response)
    assert sorted(archive.namelist()) == sorted(
        [
            "data.json",
            f"documents/{reference}/cv.pdf",
            f"documents/{reference}/cv (2).pdf",
            "documents/draft-1/photo.png",
        ]
    )
    data = _data(archive)
    assert list(data) == [
        "exported_at",
        "account",
        "email_addresses",
        "address_holdings",
        "applications",
        "certificates",
        "registrations",
        "contact_messages",
        "site_memberships",
        "erasure_requests",
    ]
    assert data["account"]["email"] == "holder@example.org"
    assert data["email_addresses"] == [{"email": "holder@example.org", "verified": True, "primary": True}]
    assert [h["email"] for h in data["address_holdings"]] == ["holder@example.org"]
    assert [a["reference"] for a in data["applications"]] == [reference, None, approved.reference]
    first = data["applications"][0]
    assert (first["full_name"], first["country"], first["program"], first["status"]) == (
        "Dana Whitfield",
        "US",
        application.program.name,
        "info_requested",
    )
    assert [(e["from_status"], e["to_status"], e["message"]) for e in first["timeline"]] == [
        ("draft", "submitted", ""),
        ("submitted", "in_review", ""),
        ("in_review", "info_requested", "Send your licence."),
    ]
    assert [(d["kind"], d["name"], d["file"]) for d in first["documents"]] == [
        ("cv", "cv.pdf", f"documents/{reference}/cv.pdf"),
        ("licence", "cv.pdf", f"documents/{reference}/cv (2).pdf"),
    ]
    assert archive.read(f"documents/{reference}/cv.pdf") == pdf_bytes()
    # Neither staff's notes nor the keys of private links are the person's record.
    assert "call the board" not in archive.read("data.json").decode()
    assert {"public_id", "token_version", "submission_key", "assigned_to", "id"} & set(first) == set()
    assert [c["number"] for c in data["certificates"]] == [approved.certificate.number]
    assert data["certificates"][0]["status"] == "active"
    assert [(r["event"], r["email"], r["status"]) for r in data["registrations"]] == [
        ("Case conference", "holder@example.org", registration.status)
    ]
    assert [(e["status"], e["reason"]) for e in data["erasure_requests"]] == [("declined", "Just checking.")]
    assert [(m["email"], m["message"]) for m in data["contact_messages"]] == [
        ("holder@example.org", "When is the next training?")
    ]
    # Nothing of the other person's.
    assert "other@example.org" not in archive.read("data.json").decode()
    assert "Other Person" not in archive.read("data.json").decode()


def test_the_export_names_site_memberships(person):
    site = make_application(status="approved", program=make_site_program())
    SiteMembership.objects.create(
        site=site,
        role=SiteMembership.Role.STAFF,
        status=SiteMembership.Status.ACTIVE,
        email="holder@example.org",
        user=person,
        accepted_at=site.decided_at,
    )

    data = _data(_archive(person_data_export(user=person)))

    assert [(m["site"], m["site_application"], m["role"], m["status"]) for m in data["site_memberships"]] == [
        ("Harbor Family Services", site.reference, "staff", "active")
    ]


def test_a_document_missing_from_storage_is_listed_without_a_file(person):
    application = make_application(status="submitted", email="holder@example.org")
    document = make_document(application, name="gone.pdf")
    document.file.storage.delete(document.file.name)

    archive = _archive(person_data_export(user=person))

    assert archive.namelist() == ["data.json"]
    assert [(d["name"], d["file"]) for d in _data(archive)["applications"][0]["documents"]] == [("gone.pdf", None)]


def test_a_person_with_no_records_gets_their_account_only():
    person = make_person("nobody@example.org")

    data = _data(_archive(person_data_export(user=person)))

    assert (data["applications"], data["certificates"], data["registrations"], data["site_memberships"]) == (
        [],
        [],
        [],
        [],
    )
    assert data["account"]["email"] == "nobody@example.org"


def test_the_export_gives_each_registrations_continuing_education(person):
    _registration, apa, nbcc = make_registration_with_ce("holder@example.org")
    make_registration_with_ce("other@example.org", title="Someone else's training")

    data = _data(_archive(person_data_export(user=person)))

    [exported] = data["registrations"]
    assert (exported["event"], exported["email"]) == ("Spring case-based training", "holder@example.org")
    ce = {key: exported[key] for key in list(exported)[list(exported).index("attendance_sessions") :]}
    assert ce == {
        "attendance_sessions": [
            {"joined_at": "2025-03-07T12:00:00Z", "left_at": "2025-03-07T12:40:00Z"},
            {"joined_at": "2025-03-07T12:45:00Z", "left_at": "2025-03-07T13:30:00Z"},
        ],
        "credit_awards": [
            {"credit_type": "APA (psychologists)", "minutes_attended": 90, "hours": "1.0", "reason": "attended"},
            {"credit_type": "NBCC (counsellors)", "minutes_attended": 90, "hours": "1.5", "reason": "attended"},
        ],
        "ce_record": {
            "licence_number": "PSY-12345",
            "invited_at": "2025-03-07T13:30:00Z",
            "released_at": "2025-03-08T09:00:00Z",
        },
        "evaluation": {
            "submitted_at": "2025-03-08T09:00:00Z",
            "answers": [
                {"question": "How useful was the training?", "rating": 4, "text": ""},
                {"question": "What would you change?", "rating": None, "text": "More case time."},
            ],
        },
        "post_test_attempts": [
            {
                "number": 1,
                "submitted_at": "2025-03-08T09:00:00Z",
                "correct": 2,
                "total": 4,
                "score_percent": 50,
                "passed": False,
            },
            {
                "number": 2,
                "submitted_at": "2025-03-08T09:00:00Z",
                "correct": 4,
                "total": 4,
                "score_percent": 100,
                "passed": True,
            },
        ],
        "ce_certificates": [
            {
                "number": apa.number,
                "credit_type": "APA (psychologists)",
                "hours": "1.0",
                "licence_number": "PSY-12345",
                "issued_at": "2025-03-08T09:00:00Z",
                "revoked_at": None,
                "revoked_reason": "",
            },
            {
                "number": nbcc.number,
                "credit_type": "NBCC (counsellors)",
                "hours": "1.5",
                "licence_number": "",
                "issued_at": "2025-03-08T09:00:00Z",
                "revoked_at": "2025-04-01T00:00:00Z",
                "revoked_reason": "Issued in error.",
            },
        ],
    }


def test_a_registration_without_continuing_education_exports_it_empty(person):
    make_registration(email="holder@example.org")

    [exported] = _data(_archive(person_data_export(user=person)))["registrations"]

    assert {key: exported[key] for key in list(exported)[list(exported).index("attendance_sessions") :]} == {
        "attendance_sessions": [],
        "credit_awards": [],
        "ce_record": None,
        "evaluation": None,
        "post_test_attempts": [],
        "ce_certificates": [],
    }


def _export_queries(user):
    with CaptureQueriesContext(connection) as queries:
        person_data_export(user=user)
    return len(queries)


def test_the_export_query_count_does_not_grow_with_the_records():
    few = make_person("few@example.org")
    many = make_person("many@example.org")
    for email, count in [("few@example.org", 1), ("many@example.org", 4)]:
        for _ in range(count):
            application = make_application(status="approved", email=email)
            make_document(application)
            make_registration(email=email)
            make_registration_with_ce(email)

    assert _export_queries(many) == _export_queries(few)


# ERASE MY DATA: THE REQUEST


def test_the_erasure_request_needs_the_box_ticked_and_says_so_at_the_field(person_client):
    response = person_client.post(ERASE, {"reason": "Please."})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {"confirm": ["Tick the box to confirm that you want your data erased."]}
    assert elements(html, "div", id="form-errors") != []
    assert ErasureRequest.objects.count() == 0


def test_a_too_long_reason_is_refused_at_the_field(person_client):
    response = person_client.post(ERASE, {"confirm": "on", "reason": "x" * 2001})

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Keep it to 2,000 characters or fewer (you typed 2001)."]}
    assert ErasureRequest.objects.count() == 0


def test_the_erasure_request_waits_for_staff_who_are_told(person, person_client, send_queued, mailoutbox, settings):
    with send_queued():
        response = person_client.post(ERASE, {"confirm": "on", "reason": "  I moved on.  "}, follow=True)

    erasure = ErasureRequest.objects.get()
    assert (erasure.user, erasure.status, erasure.reason) == (person, "requested", "I moved on.")
    assert response.redirect_chain == [(PAGE, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Your request is with our staff. Nothing is deleted until they confirm it; we will email you then."
    ]
    assert response.context["waiting"] == erasure
    assert elements(response.content.decode(), "input", name="confirm") == []
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([settings.STAFF_NOTIFICATION_EMAIL], f"Erasure request {erasure.pk} to confirm")
    ]
    assert f"/admin/accounts/erasurerequest/{erasure.pk}/change/" in mailoutbox[0].body
    assert "holder" not in mailoutbox[0].body


def test_a_second_request_while_one_waits_is_refused_with_a_message(person, person_client):
    ErasureRequest.objects.create(user=person)

    response = person_client.post(ERASE, {"confirm": "on"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Your request to erase your data is already waiting for our staff."
    ]
    assert ErasureRequest.objects.count() == 1


def test_a_declined_request_is_shown_with_its_note_and_the_person_may_ask_again(person, person_client):
    ErasureRequest.objects.create(
        user=person,
        status=ErasureRequest.Status.DECLINED,
        decision_note="A complaint is open.",
        decided_at=person.date_joined,
    )

    html = person_client.get(PAGE).content.decode()

    assert "A complaint is open." in html
    assert elements(html, "input", name="confirm") != []


def test_downloads_are_limited_to_ten_an_hour_per_person(person_client):
    statuses = [person_client.post(DOWNLOAD).status_code for _ in range(11)]

    assert statuses == [200] * 10 + [429]


def test_a_staff_member_downloads_their_own_data_only(client):
    make_application(status="submitted", email="holder@example.org")
    staff = make_staff(is_superuser=True, email="root@example.org")
    client.force_login(staff)

    data = _data(_archive(client.post(DOWNLOAD)))

    assert (data["account"]["email"], data["applications"]) == ("root@example.org", [])
