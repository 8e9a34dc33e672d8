"""Accounts made for an address, and the holdings' rule of who owns which record."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.accounts.models import EmailHolding
from apps.accounts.services import (
    account_for_address,
    accounts_unconfirmed_remove,
    email_holding_end,
    email_holding_start,
)
from tests.factories import make_person

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_account_for_a_new_address_is_made_unconfirmed_without_a_password():
    user = account_for_address(email=" New.Person@Example.org ")

    assert user.email == "new.person@example.org"
    assert user.has_usable_password() is False
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new.person@example.org", False, True)
    ]
    assert account_for_address(email="NEW.PERSON@example.org") == user
    assert User.objects.count() == 1


def test_a_deactivated_account_gets_no_new_one():
    person = make_person("gone@example.org")
    User.objects.filter(pk=person.pk).update(is_active=False)

    assert account_for_address(email="gone@example.org") is None
    assert User.objects.count() == 1


def test_a_staff_account_made_in_the_admin_signs_in_with_its_address():
    staff = User.objects.create_user(username="rev", email="Reviewer@Example.org", password="x" * 16, is_staff=True)

    assert account_for_address(email="reviewer@example.org") == staff
    assert EmailAddress.objects.get(user=staff).verified is False


def test_unconfirmed_accounts_are_removed_after_the_grace_period():
    stale = account_for_address(email="stale@example.org")
    fresh = account_for_address(email="fresh@example.org")
    confirmed = make_person("confirmed@example.org")
    User.objects.filter(pk__in=[stale.pk, confirmed.pk]).update(date_joined=timezone.now() - timedelta(days=2))
    staff = User.objects.create_user(username="s", email="s@example.org", is_staff=True)
    User.objects.filter(pk=staff.pk).update(date_joined=timezone.now() - timedelta(days=2))

    removed = accounts_unconfirmed_remove(older_than=timezone.now() - timedelta(hours=24))

    assert removed == 1
    assert set(User.objects.values_list("email", flat=True)) == {
        "fresh@example.org",
        "confirmed@example.org",
        "s@example.org",
    }
    assert fresh.pk in set(User.objects.values_list("pk", flat=True))


def test_holdings_of_one_address_follow_each_other():
    first = make_person("a@example.org")
    second = make_person("b@example.org")
    email_holding_end(user=first, email="a@example.org")

    taken = email_holding_start(user=second, email="A@example.org")
    again = email_holding_start(user=second, email="a@example.org")

    first_span = EmailHolding.objects.get(user=first)
    assert again == taken
    assert taken.claims_from == first_span.until
    assert taken.until is None


def test_taking_an_address_ends_the_other_current_holding():
    first = make_person("a@example.org")
    second = make_person("b@example.org")

    email_holding_start(user=second, email="a@example.org")

    assert EmailHolding.objects.get(user=first).until is not None
    assert EmailHolding.objects.current().get(email="a@example.org").user == second
