"""Who may open the person's own pages of My NMT: the holder only. Everyone else (anonymous
visitors are sent to sign in) gets the same 404 as for an unknown record, with nothing of the
holder's in it."""

import pytest
from django.urls import reverse

from tests.factories import make_application, make_document, make_person, make_staff

pytestmark = pytest.mark.django_db

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
HOLDER = "holder@example.org"


@pytest.fixture
def holdings(db, roles):
    """The holder's records: a draft, a submitted application with a document, and a certificate."""
    draft = make_application(status="draft", email=HOLDER)
    submitted = make_application(status="submitted", email=HOLDER, full_name="Robin Holder")
    approved = make_application(status="approved", email=HOLDER, full_name="Robin Holder")
    return {
        "draft": draft,
        "submitted": submitted,
        "certificate": approved.certificate,
        "document": make_document(submitted),
    }


def urls(h):
    return {
        "application": reverse("accounts:application", kwargs={"public_id": h["submitted"].public_id}),
        "draft": reverse("accounts:draft-continue", kwargs={"public_id": h["draft"].public_id}),
        "certificate": reverse("accounts:certificate", kwargs={"number": h["certificate"].number}),
        "document": reverse("accounts:document-download", kwargs={"pk": h["document"].pk}),
    }


HOLDER_STATUS = {"application": 200, "draft": 302, "certificate": 200, "document": 200}


def visitor(kind):
    if kind == "holder":
        return make_person(HOLDER)
    if kind == "another holder":
        make_application(status="approved", email="other@example.org")
        return make_person("other@example.org")
    if kind == "superuser":
        return make_staff(is_superuser=True, email="root@example.org")
    return make_staff(role=kind)


@pytest.mark.parametrize(
    "kind", ["holder", "another holder", "Reviewers", "Content editors", "Site administrators", "superuser"]
)
@pytest.mark.parametrize("page", sorted(HOLDER_STATUS))
def test_only_the_holder_opens_their_records(client, holdings, kind, page):
    client.force_login(visitor(kind), backend=BACKEND)

    response = client.get(urls(holdings)[page])

    expected = HOLDER_STATUS[page] if kind == "holder" else 404
    response.close()
    assert response.status_code == expected
    if expected == 404:
        body = response.content.decode()
        assert HOLDER not in body
        assert "Robin Holder" not in body
        assert holdings["submitted"].reference not in body
        assert holdings["certificate"].number not in body


@pytest.mark.parametrize("page", sorted(HOLDER_STATUS))
def test_anonymous_visitors_are_sent_to_sign_in(client, holdings, page):
    url = urls(holdings)[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_unknown_record_and_someone_elses_look_the_same(client, holdings):
    import uuid

    client.force_login(make_person("other@example.org"), backend=BACKEND)

    theirs = client.get(urls(holdings)["application"])
    unknown = client.get(reverse("accounts:application", kwargs={"public_id": uuid.uuid4()}))

    assert theirs.status_code == unknown.status_code == 404
    assert theirs.content == unknown.content


@pytest.mark.parametrize("page", ["application", "document"])
def test_changes_need_a_post_with_csrf(holdings, page):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_person(HOLDER), backend=BACKEND)

    response = client.post(urls(holdings)[page], {"action": "withdraw", "confirm": "on"})

    assert response.status_code == 403
    holdings["submitted"].refresh_from_db()
    assert holdings["submitted"].status == "submitted"
