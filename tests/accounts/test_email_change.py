"""A person changes their address by confirming a code sent to the new one; the holdings keep who
held which address when, and the records made before stay theirs."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from apps.accounts.models import EmailHolding
from tests.factories import make_application, make_person

pytestmark = pytest.mark.django_db


def code_in(message):
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.MULTILINE).group(1)


def test_change_of_address_is_confirmed_by_a_code_to_the_new_one(person_client, person, mailoutbox, send_queued):
    before = make_application(status="submitted", email="holder@example.org")

    with send_queued():
        response = person_client.post(reverse("account_email"), {"action_add": "", "email": "New@Example.org"})

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    # Not changed until the code is typed.
    assert EmailHolding.objects.get(user=person, until__isnull=True).email == "holder@example.org"
    with send_queued():
        response = person_client.post(response["Location"], {"code": code_in(mailoutbox[0])})
    assert response.status_code == 302

    assert list(EmailAddress.objects.filter(user=person).values_list("email", "verified")) == [
        ("new@example.org", True)
    ]
    holdings = list(EmailHolding.objects.filter(user=person).order_by("since").values_list("email", "until"))
    assert [email for email, _ in holdings] == ["holder@example.org", "new@example.org"]
    assert holdings[0][1] is not None and holdings[1][1] is None
    # The old address is told, and what was made with it stays the person's.
    assert mailoutbox[-1].to == ["holder@example.org"]
    after = make_application(status="submitted", email="new@example.org")
    home = person_client.get(reverse("accounts:home"))
    assert set(home.context["applications"]) == {before, after}


def test_a_wrong_code_changes_nothing(person_client, person, mailoutbox, send_queued):
    with send_queued():
        response = person_client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})

    response = person_client.post(response["Location"], {"code": "AAAA-BBBB"})

    assert response.status_code == 200
    assert response.context["verify_form"].errors == {"code": ["Incorrect code."]}
    assert EmailHolding.objects.get(user=person, until__isnull=True).email == "holder@example.org"


def test_an_address_held_by_someone_else_is_refused_without_saying_whose(person_client, send_queued, mailoutbox):
    make_person("taken@example.org")

    with send_queued():
        response = person_client.post(reverse("account_email"), {"action_add": "", "email": "taken@example.org"})

    # allauth's enumeration protection: the same path as for a free address, and the holder is told.
    assert response.status_code == 302
    assert EmailAddress.objects.filter(email="taken@example.org").count() == 1
    assert "taken@example.org" in [m.to[0] for m in mailoutbox]


def test_email_page_shows_the_current_address_and_a_labelled_field(person_client):
    response = person_client.get(reverse("account_email"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "You sign in with <strong>holder@example.org</strong>" in html
    assert re.search(r'<label\s+for="id_email"', html)
    assert "style=" not in html
