"""My NMT (/my/): everything that belongs to the person's address, each record opened from here."""

import pytest
from django.urls import reverse

from apps.accounts.services import email_holding_end, email_holding_start
from tests.factories import (
    make_application,
    make_certificate,
    make_document,
    make_event,
    make_person,
    make_registration,
    stored_bytes,
)

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("accounts:home"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/my/"


def test_home_lists_every_record_of_the_address_made_before_the_account(client):
    draft = make_application(status="draft", email="holder@example.org")
    submitted = make_application(status="submitted", email="HOLDER@example.org")
    approved = make_application(status="approved", email="holder@example.org")
    document = make_document(submitted)
    registration = make_registration(event=make_event(), email="holder@example.org")
    make_application(status="submitted", email="someone.else@example.org")
    person = make_person("holder@example.org")

    response = signed_in(client, person).get(reverse("accounts:home"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert set(response.context["applications"]) == {draft, submitted, approved}
    assert response.context["certificates"] == [approved.certificate]
    assert response.context["registrations"] == [registration]
    assert response.context["documents"] == [document]
    html = response.content.decode()
    assert reverse("accounts:application", kwargs={"public_id": submitted.public_id}) in html
    assert reverse("accounts:draft-continue", kwargs={"public_id": draft.public_id}) in html
    assert reverse("accounts:certificate", kwargs={"number": approved.certificate.number}) in html
    assert reverse("accounts:document-download", kwargs={"pk": document.pk}) in html


def test_home_query_count_does_not_grow_with_records(client, django_assert_max_num_queries):
    person = make_person("holder@example.org")
    for _ in range(3):
        make_document(make_application(status="submitted", email="holder@example.org"))
        make_registration(event=make_event(), email="holder@example.org")
    make_application(status="approved", email="holder@example.org")
    signed_in(client, person)
    client.get(reverse("accounts:home"))

    with django_assert_max_num_queries(16) as few:
        client.get(reverse("accounts:home"))
    for _ in range(5):
        make_document(make_application(status="approved", email="holder@example.org"))
        make_registration(event=make_event(), email="holder@example.org")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:home"))
    assert len(response.context["applications"]) == 9


def test_own_application_opens_without_its_private_link(client):
    application = make_application(status="submitted", email="holder@example.org")
    person = make_person("holder@example.org")

    response = signed_in(client, person).get(
        reverse("accounts:application", kwargs={"public_id": application.public_id})
    )

    assert response.status_code == 200
    assert response.context["application"] == application
    assert application.reference in response.content.decode()


def test_own_application_can_be_withdrawn_from_my_nmt(client):
    application = make_application(status="submitted", email="holder@example.org")
    person = make_person("holder@example.org")
    url = reverse("accounts:application", kwargs={"public_id": application.public_id})

    response = signed_in(client, person).post(url, {"action": "withdraw", "reason": "Moving abroad.", "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == url
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_someone_elses_records_are_not_found(client):
    other = make_application(status="approved", email="other@example.org")
    document = make_document(other)
    person = make_person("holder@example.org")
    signed_in(client, person)

    for url in [
        reverse("accounts:application", kwargs={"public_id": other.public_id}),
        reverse("accounts:draft-continue", kwargs={"public_id": other.public_id}),
        reverse("accounts:certificate", kwargs={"number": other.certificate.number}),
        reverse("accounts:document-download", kwargs={"pk": document.pk}),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "other@example.org" not in response.content.decode()
        assert other.reference not in response.content.decode()


def test_own_certificate_prints_from_my_nmt(client):
    certificate = make_certificate(application=make_application(status="approved", email="holder@example.org"))
    person = make_person("holder@example.org")

    response = signed_in(client, person).get(reverse("accounts:certificate", kwargs={"number": certificate.number}))

    assert response.status_code == 200
    assert response.context["certificate"] == certificate


def test_own_document_downloads_as_an_attachment(client):
    document = make_document(make_application(status="submitted", email="holder@example.org"))
    person = make_person("holder@example.org")

    response = signed_in(client, person).get(reverse("accounts:document-download", kwargs={"pk": document.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{document.original_name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == stored_bytes(document)


def test_draft_continues_in_the_journey(client):
    draft = make_application(status="draft", email="holder@example.org")
    person = make_person("holder@example.org")

    response = signed_in(client, person).get(reverse("accounts:draft-continue", kwargs={"public_id": draft.public_id}))

    assert response.status_code == 302
    assert response["Location"] == reverse(f"certifications:apply-{draft.kind}")
    assert client.session["certifications:journey"] == {draft.kind: str(draft.public_id)}


def test_private_links_keep_working_without_an_account(client):
    from apps.certifications.tokens import status_url

    application = make_application(status="submitted", email="holder@example.org")

    response = client.get(status_url(application).removeprefix("http://127.0.0.1:8000"))

    assert response.status_code == 200
    assert response.context["application"] == application


def test_an_address_passed_on_passes_only_what_is_made_after(client):
    earlier = make_application(status="submitted", email="shared@example.org")
    first = make_person("shared@example.org")
    email_holding_end(user=first, email="shared@example.org")
    second = make_person("later@example.org")
    email_holding_start(user=second, email="shared@example.org")
    later = make_application(status="submitted", email="shared@example.org")

    first_home = signed_in(client, first).get(reverse("accounts:home"))
    second_home = signed_in(client, second).get(reverse("accounts:home"))

    assert first_home.context["applications"] == [earlier]
    assert second_home.context["applications"] == [later]


def test_certificates_say_where_their_renewal_stands(client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.html import text_of

    today = timezone.localdate()
    certificate = make_certificate(
        application=make_application(status="approved", email="holder@example.org"),
        issued_on=today - timedelta(days=700),
        expires_on=today - timedelta(days=10),
    )
    person = make_person("holder@example.org")

    html = signed_in(client, person).get(reverse("accounts:home")).content.decode()

    closes = certificate.expires_on + timedelta(days=90)
    assert text_of(html, "td", class_="renewal") == (
        f"expired: still open until {closes:%-d %B %Y} Renew {certificate.number}"
    )
