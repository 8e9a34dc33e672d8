"""Renewal windows (issue 14): a certificate's renewal state at the edges of its window, and staff
extending one certificate's window with a reason, through the service and the admin."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from apps.certifications import services
from apps.certifications.models import Certificate
from apps.core.roles import CONTENT_EDITORS, REVIEWERS, SITE_ADMINISTRATORS
from tests.factories import make_application, make_certificate, make_program, make_staff
from tests.html import elements, text_of
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

State = Certificate.RenewalState
EXPIRES = date(2027, 6, 30)
WINDOW, GRACE = 60, 30  # days before expiry the renewal opens; days after it the grace period lasts
REVOKED = {"status": Certificate.Status.REVOKED, "revoked_reason": "Fraud."}


def _certificate(*, expires_on=EXPIRES, window=WINDOW, grace=GRACE, **overrides):
    program = make_program(renewal_window_days=window, renewal_grace_days=grace)
    return make_certificate(
        application=make_application(status="approved", program=program),
        issued_on=expires_on - timedelta(days=730),
        expires_on=expires_on,
        **overrides,
    )


def _day(offset, base=EXPIRES):
    return base + timedelta(days=offset)


# RENEWAL STATE WITHOUT AN EXTENSION


def test_renewal_window_dates_follow_the_program():
    certificate = _certificate()

    assert (certificate.renewal_opens_on, certificate.grace_ends_on, certificate.renewal_closes_on) == (
        date(2027, 5, 1),
        date(2027, 7, 30),
        date(2027, 7, 30),
    )


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (_day(-WINDOW - 1), State.NOT_YET),
        (_day(-WINDOW), State.OPEN),
        (_day(-WINDOW + 1), State.OPEN),
        (_day(-1), State.OPEN),
        (_day(0), State.OPEN),
        (_day(1), State.GRACE),
        (_day(GRACE - 1), State.GRACE),
        (_day(GRACE), State.GRACE),
        (_day(GRACE + 1), State.CLOSED),
    ],
    ids=str,
)
def test_renewal_state_at_the_edges_of_the_window(today, state):
    certificate = _certificate()

    assert (certificate.renewal_state(today), certificate.can_renew(today)) == (
        state,
        state in {State.OPEN, State.GRACE},
    )


def test_renewal_state_of_a_certificate_the_daily_task_marked_expired_is_grace():
    certificate = _certificate(status=Certificate.Status.EXPIRED)

    assert certificate.renewal_state(_day(1)) == State.GRACE


@pytest.mark.parametrize("today", [_day(-WINDOW - 1), _day(-WINDOW), _day(0), _day(GRACE), _day(GRACE + 1)], ids=str)
def test_a_revoked_certificate_is_closed_for_renewal_on_every_day(today):
    certificate = _certificate(**REVOKED)

    assert (certificate.renewal_state(today), certificate.can_renew(today)) == (State.CLOSED, False)


def test_renewal_state_with_no_grace_period_closes_the_day_after_expiry():
    certificate = _certificate(grace=0)

    assert [certificate.renewal_state(_day(offset)) for offset in (0, 1)] == [State.OPEN, State.CLOSED]


# RENEWAL STATE WITH AN EXTENSION

EXTENDED_UNTIL = _day(GRACE + 20)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (_day(GRACE), State.GRACE),
        (_day(GRACE + 1), State.GRACE),
        (EXTENDED_UNTIL - timedelta(days=1), State.GRACE),
        (EXTENDED_UNTIL, State.GRACE),
        (EXTENDED_UNTIL + timedelta(days=1), State.CLOSED),
    ],
    ids=str,
)
def test_renewal_state_with_an_extension_at_its_edges(today, state):
    certificate = _certificate(renewal_extended_until=EXTENDED_UNTIL, renewal_extension_reason="Illness.")

    assert (certificate.renewal_closes_on, certificate.renewal_state(today), certificate.can_renew(today)) == (
        EXTENDED_UNTIL,
        state,
        state == State.GRACE,
    )


def test_an_extension_earlier_than_the_grace_period_does_not_shorten_it():
    # As after a later expiry date was set: the grace period of the new date counts.
    certificate = _certificate(renewal_extended_until=_day(GRACE - 5), renewal_extension_reason="Illness.")

    assert (certificate.renewal_closes_on, certificate.renewal_state(_day(GRACE))) == (_day(GRACE), State.GRACE)


def test_a_revoked_certificate_with_an_extension_is_closed():
    certificate = _certificate(**REVOKED, renewal_extended_until=EXTENDED_UNTIL, renewal_extension_reason="Illness.")

    assert certificate.renewal_state(EXTENDED_UNTIL) == State.CLOSED


# THE SERVICE


def _today():
    return timezone.localdate()


def _in_grace(**overrides):
    """A certificate that expired ten days ago: its grace period ends in twenty days."""
    overrides.setdefault("status", Certificate.Status.EXPIRED)
    return _certificate(expires_on=_day(-10, _today()), **overrides)


def test_reviewer_extends_a_renewal_and_the_holder_is_told(send_queued, mailoutbox):
    certificate = _in_grace()
    reviewer = make_staff(role=REVIEWERS)
    until = certificate.grace_ends_on + timedelta(days=60)
    history_before = certificate.history.count()

    with send_queued():
        extended = services.certificate_renewal_extend(
            certificate=certificate, until=until, reason="  On medical leave until March.  ", staff=reviewer
        )

    certificate.refresh_from_db()
    assert (
        certificate.renewal_extended_until,
        certificate.renewal_extension_reason,
        certificate.renewal_extended_by,
        certificate.renewal_closes_on,
        certificate.renewal_state(until),
    ) == (until, "On medical leave until March.", reviewer, until, State.GRACE)
    assert extended == certificate
    latest = certificate.history.latest()
    assert (certificate.history.count(), latest.renewal_extended_until, latest.renewal_extended_by_id) == (
        history_before + 1,
        until,
        reviewer.pk,
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([certificate.email], f"Your NMT certificate {certificate.number}: you can renew until {date_format(until)}")
    ]
    assert f"You can renew it until\n{date_format(until)}, the last day included" in mailoutbox[0].body
    assert f"/my/certificates/{certificate.number}/renew/" in mailoutbox[0].body
    assert "/certificates/" in mailoutbox[0].body  # the holder's private certificate, as the reminders link it
    assert "medical leave" not in mailoutbox[0].body


def test_site_administrator_extends_up_to_a_year_past_the_grace_period():
    certificate = _in_grace()
    latest = certificate.grace_ends_on + timedelta(days=365)

    services.certificate_renewal_extend(
        certificate=certificate, until=latest, reason="Agreed by the board.", staff=make_staff(role=SITE_ADMINISTRATORS)
    )

    certificate.refresh_from_db()
    assert certificate.renewal_closes_on == latest


def test_a_second_extension_goes_past_the_first():
    certificate = _in_grace()
    reviewer = make_staff(role=REVIEWERS)
    first = certificate.grace_ends_on + timedelta(days=30)
    services.certificate_renewal_extend(certificate=certificate, until=first, reason="Illness.", staff=reviewer)

    with pytest.raises(services.InvalidTransition) as refused:
        services.certificate_renewal_extend(certificate=certificate, until=first, reason="Again.", staff=reviewer)
    services.certificate_renewal_extend(
        certificate=certificate, until=first + timedelta(days=1), reason="Still ill.", staff=reviewer
    )

    assert str(refused.value) == f"The new last day must come after the current last day, {first:%Y-%m-%d}."
    certificate.refresh_from_db()
    assert (certificate.renewal_extended_until, certificate.renewal_extension_reason) == (
        first + timedelta(days=1),
        "Still ill.",
    )


def test_a_certificate_without_an_address_is_extended_without_an_email(send_queued, mailoutbox):
    certificate = _in_grace(email="")

    with send_queued():
        services.certificate_renewal_extend(
            certificate=certificate,
            until=certificate.grace_ends_on + timedelta(days=1),
            reason="Illness.",
            staff=make_staff(role=REVIEWERS),
        )

    certificate.refresh_from_db()
    assert (certificate.renewal_extended_until, mailoutbox) == (certificate.grace_ends_on + timedelta(days=1), [])


# (case, role, new last day in days after the end of the grace period, reason, overrides of the
# certificate, refusal, its message with {number}, {grace_ends} and {latest} filled in)
REFUSALS = [
    ("content editor", CONTENT_EDITORS, 1, "Illness.", {}, services.NotPermitted,
     "Only reviewers and site administrators can extend a renewal."),
    ("blank reason", REVIEWERS, 1, " \n ", {}, services.MessageRequired, "A reason for the extension is required."),
    ("revoked", REVIEWERS, 1, "Illness.", REVOKED, services.InvalidTransition,
     "Certificate {number} is revoked; its renewal cannot be extended."),
    ("on the current last day", REVIEWERS, 0, "Illness.", {}, services.InvalidTransition,
     "The new last day must come after the current last day, {grace_ends}."),
    ("before the current last day", REVIEWERS, -1, "Illness.", {}, services.InvalidTransition,
     "The new last day must come after the current last day, {grace_ends}."),
    ("more than a year past the grace period", REVIEWERS, 366, "Illness.", {}, services.InvalidTransition,
     "An extension reaches at most a year past the grace period: the last day can be {latest} at the latest. "
     "After that the holder applies anew."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "days", "reason", "overrides", "error", "message"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_refused_extensions_change_nothing_and_send_nothing(
    django_capture_on_commit_callbacks, role, days, reason, overrides, error, message
):
    certificate = _in_grace()
    grace_ends = certificate.grace_ends_on
    # Changed behind the object's back: the service reads the row it locks.
    Certificate.objects.filter(pk=certificate.pk).update(**overrides)
    history_before = certificate.history.count()

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(error) as refused:
        services.certificate_renewal_extend(
            certificate=certificate, until=grace_ends + timedelta(days=days), reason=reason, staff=make_staff(role=role)
        )

    assert str(refused.value) == message.format(
        number=certificate.number,
        grace_ends=f"{grace_ends:%Y-%m-%d}",
        latest=f"{grace_ends + timedelta(days=365):%Y-%m-%d}",
    )
    certificate.refresh_from_db()
    assert (certificate.renewal_extended_until, certificate.history.count(), callbacks) == (None, history_before, [])


def test_an_extension_ending_in_the_past_is_refused():
    # Its grace period ended 40 days ago: a last day after it, but before today, would change nothing.
    certificate = _certificate(expires_on=_day(-40 - GRACE, _today()), status=Certificate.Status.EXPIRED)
    yesterday = _today() - timedelta(days=1)

    with pytest.raises(services.InvalidTransition) as refused:
        services.certificate_renewal_extend(
            certificate=certificate, until=yesterday, reason="Illness.", staff=make_staff(role=REVIEWERS)
        )

    assert str(refused.value) == f"The new last day, {yesterday:%Y-%m-%d}, has already passed."


# THE ADMIN


def _url(certificate):
    return f"/admin/certifications/certificate/{certificate.pk}/extend-renewal/"


def _change_url(certificate):
    return f"/admin/certifications/certificate/{certificate.pk}/change/"


ANONYMOUS = "anonymous"


@pytest.mark.parametrize(
    ("role", "expected"),
    [(ANONYMOUS, 302), (CONTENT_EDITORS, 403), (REVIEWERS, 200), (SITE_ADMINISTRATORS, 200)],
)
def test_extension_page_follows_the_roles(client, role, expected):
    certificate = _in_grace()
    if role != ANONYMOUS:
        admin_login(client, make_staff(role=role))

    response = client.get(_url(certificate))
    posted = client.post(
        _url(certificate),
        {"until": (certificate.grace_ends_on + timedelta(days=5)).isoformat(), "reason": "Illness."},
    )

    assert (response.status_code, posted.status_code) == (expected, 302 if expected == 200 else expected)
    if role == ANONYMOUS:
        assert response["Location"].startswith("/admin/login/")
    certificate.refresh_from_db()
    assert (certificate.renewal_extended_until is not None) == (expected == 200)


@pytest.mark.parametrize(
    ("role", "revoked", "shown"),
    [(REVIEWERS, False, True), (SITE_ADMINISTRATORS, False, True), (SITE_ADMINISTRATORS, True, False)],
)
def test_extend_renewal_button_on_the_certificate_page(client, role, revoked, shown):
    certificate = _in_grace(**(REVOKED if revoked else {}))
    admin_login(client, make_staff(role=role))

    page = client.get(_change_url(certificate)).content.decode()

    links = [attrs.get("href") for _, attrs, text in elements(page, "a") if text == "Extend renewal"]
    assert links == ([_url(certificate)] if shown else [])


def test_the_extension_page_of_a_revoked_certificate_leads_back_with_an_error(client):
    certificate = _in_grace(**REVOKED)
    admin_login(client, make_staff(role=REVIEWERS))

    response = client.get(_url(certificate), follow=True)

    assert response.redirect_chain == [(_change_url(certificate), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Certificate {certificate.number} is revoked; its renewal cannot be extended."
    ]


def test_the_extension_form_shows_the_current_last_day(client):
    certificate = _in_grace()
    admin_login(client, make_staff(role=REVIEWERS))

    response = client.get(_url(certificate))

    page = response.content.decode()
    assert response.context["form"].is_bound is False
    assert [attrs["type"] for _, attrs, _ in elements(page, "input", name="until")] == ["date"]
    assert len(elements(page, "textarea", name="reason")) == 1
    assert text_of(page, "p", class_="intro") == (
        f"Certificate {certificate.number} of {certificate.holder_name} ({certificate.program.name}) expires on "
        f"{date_format(certificate.expires_on)}; its grace period ends on {date_format(certificate.grace_ends_on)}, "
        f"and the last day to renew is now {date_format(certificate.renewal_closes_on)}. "
        "Give a later last day and the reason: the holder is emailed the new day."
    )


@pytest.mark.parametrize(
    ("until", "reason", "errors"),
    [
        ("2027-02-30", "Illness.", {"until": ["Enter a valid date."]}),
        ("", "Illness.", {"until": ["This field is required."]}),
        ("next week", "Illness.", {"until": ["Enter a valid date."]}),
        ("{grace_ends}", "   ", {"reason": ["This field is required."]}),
        (
            "{grace_ends}",
            "Illness.",
            {"until": ["The new last day must come after the current last day, {grace_ends}."]},
        ),
    ],
    ids=["no such day", "no date", "not a date", "blank reason", "not after the current last day"],
)
def test_extension_form_errors_stand_at_their_field_and_keep_the_input(client, until, reason, errors):
    certificate = _in_grace()
    admin_login(client, make_staff(role=REVIEWERS))
    grace_ends = certificate.grace_ends_on.isoformat()
    until = until.format(grace_ends=grace_ends)
    errors = {field: [error.format(grace_ends=grace_ends) for error in texts] for field, texts in errors.items()}

    response = client.post(_url(certificate), {"until": until, "reason": reason})

    page = response.content.decode()
    (field,) = errors
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    assert [text for _, _, text in elements(page, "ul", class_="errorlist", id=f"id_{field}_error")] == errors[field]
    assert [attrs.get("value") for _, attrs, _ in elements(page, "input", name="until")] == [until]
    assert [text for _, _, text in elements(page, "textarea", name="reason")] == [reason.strip()]
    certificate.refresh_from_db()
    assert certificate.renewal_extended_until is None


def _readonly_fields(page):
    """{label: text} of the read-only fields of an admin change page (each label is followed by its value)."""
    fields, label = {}, None
    for tag, attrs, text in elements(page):
        if tag == "label":
            label = text.rstrip(":")
        elif tag == "div" and attrs.get("class") == "readonly":
            fields[label] = text
    return fields


RENEWAL_FACTS = ["Renewal today", "Renewal opens on", "Grace ends on", "Renewal closes on", "Renewal extension"]


def test_reviewer_extends_through_the_admin_and_the_page_shows_it(client, send_queued, mailoutbox):
    certificate = _in_grace()
    reviewer = make_staff(role=REVIEWERS)
    admin_login(client, reviewer)
    until = certificate.grace_ends_on + timedelta(days=45)

    with send_queued():
        response = client.post(
            _url(certificate), {"until": until.isoformat(), "reason": "Parental leave."}, follow=True
        )

    assert response.redirect_chain == [(_change_url(certificate), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Certificate {certificate.number} may be renewed until {until:%Y-%m-%d}. The holder is emailed."
    ]
    certificate.refresh_from_db()
    assert (
        certificate.renewal_extended_until,
        certificate.renewal_extension_reason,
        certificate.renewal_extended_by,
    ) == (until, "Parental leave.", reviewer)
    assert [m.to for m in mailoutbox] == [[certificate.email]]
    facts = _readonly_fields(response.content.decode())
    assert [facts[label] for label in RENEWAL_FACTS] == [
        State.GRACE.label,
        f"{certificate.renewal_opens_on:%Y-%m-%d}",
        f"{certificate.grace_ends_on:%Y-%m-%d}",
        f"{until:%Y-%m-%d}",
        f"until {until:%Y-%m-%d} by {reviewer.get_username()}: Parental leave.",
    ]


def test_the_certificate_page_shows_the_renewal_facts_without_an_extension(client):
    certificate = _certificate(expires_on=_day(100, _today()))
    admin_login(client, make_staff(role=REVIEWERS))

    facts = _readonly_fields(client.get(_change_url(certificate)).content.decode())

    assert [facts[label] for label in RENEWAL_FACTS] == [
        State.NOT_YET.label,
        f"{_day(100 - WINDOW, _today()):%Y-%m-%d}",
        f"{_day(100 + GRACE, _today()):%Y-%m-%d}",
        f"{_day(100 + GRACE, _today()):%Y-%m-%d}",
        "—",
    ]
