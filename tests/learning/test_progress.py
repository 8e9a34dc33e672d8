"""Progress toward certification (issue 16): each requirement of a program counted from a person's
records and staff confirmations, shown as “X of Y” in My NMT, the application journey and the
reviewer's application page; and the requirements and confirmations in the admin."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.certifications.models import Application
from apps.core.roles import REVIEWERS, SITE_ADMINISTRATORS
from apps.events.models import Event, Registration
from apps.learning.models import CreditAward, CreditOffer, Requirement, RequirementConfirmation
from apps.learning.progress import Evidence, confirmations_by_email, progress_for, registrations_by_email
from tests.factories import (
    individual_form_data,
    make_application,
    make_certificate,
    make_event,
    make_person,
    make_phase_one,
    make_program,
    make_registration,
    make_staff,
    section_post,
)
from tests.html import elements, text_of
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

DANA = "dana@example.org"
MARCH_7 = date(2030, 3, 7)
Kind = Requirement.Kind


def training(email=DANA, *, on=MARCH_7, kind=Event.Kind.CASE_BASED, attended=True, title=None, event=None):
    """A registration of `email` for an event starting at noon, Chicago time, on `on`, marked attended."""
    if event is None:
        extra = {"title": title} if title else {}
        event = make_event(starts_at=datetime.combine(on, time(18), tzinfo=UTC), kind=kind, **extra)
    registration = make_registration(event=event, email=email)
    Registration.objects.filter(pk=registration.pk).update(attended=attended)
    return registration


def award(registration, credit_type, hours):
    offer, _ = CreditOffer.objects.get_or_create(
        event=registration.event,
        credit_type=credit_type,
        defaults={"provider_number": "NN-1", "approval_statement": "Approved."},
    )
    return CreditAward.objects.create(
        registration=registration, offer=offer, minutes_attended=90, hours=Decimal(hours), reason="attended"
    )


def requirement(program, kind, target, title=None, **overrides):
    return Requirement.objects.create(
        program=program, kind=kind, target=target, title=title or f"{kind} {target}", **overrides
    )


def confirm(requirement, email=DANA, count=1, on=MARCH_7, note=""):
    return RequirementConfirmation.objects.create(
        requirement=requirement, email=email, count=count, completed_on=on, note=note
    )


def progress(program, emails=(DANA,), since=None):
    return progress_for(
        program,
        registrations=registrations_by_email(emails),
        confirmations=confirmations_by_email(emails),
        since=since,
    )


def counts(program, **kwargs):
    return [(item.requirement.title, item.done, item.target, item.met) for item in progress(program, **kwargs)]


# --- counting ---


def test_trainings_attended_count_attended_events_of_the_kind_once_each():
    program = make_program()
    requirement(program, Kind.TRAININGS, 2, "Case-based", event_kind=Event.Kind.CASE_BASED, position=1)
    requirement(program, Kind.TRAININGS, 4, "Any training", position=2)
    first = training(on=date(2030, 3, 7), title="Spring case conference")
    training("dana.work@example.org", event=first.event)  # the same event under her other address
    training(on=date(2030, 6, 6), title="Summer case conference")
    training(on=date(2030, 9, 5), attended=False)
    training(on=date(2030, 9, 6), attended=None)
    training(on=date(2030, 10, 1), kind=Event.Kind.WORKSHOP, title="Workshop")
    training("someone.else@example.org", on=date(2030, 12, 5))

    result = progress(program, emails=[DANA, "Dana.Work@example.org"])

    assert [(item.requirement.title, item.done, item.target, item.met) for item in result] == [
        ("Case-based", 2, 2, True),
        ("Any training", 3, 4, False),
    ]
    assert result[1].evidence == [
        Evidence("Spring case conference", date(2030, 3, 7)),
        Evidence("Summer case conference", date(2030, 6, 6)),
        Evidence("Workshop", date(2030, 10, 1)),
    ]


def test_ce_hours_count_the_credit_type_asked_for_or_each_events_largest_award():
    program = make_program()
    requirement(program, Kind.CE_HOURS, 3, "Any", position=1)
    requirement(program, Kind.CE_HOURS, 2, "APA", credit_type="apa", position=2)
    requirement(program, Kind.CE_HOURS, 3, "NBCC", credit_type="nbcc", position=3)
    spring = training(title="Spring")
    award(spring, "apa", "1.5")
    award(spring, "nbcc", "1.0")
    summer = training(on=date(2030, 6, 6), title="Summer")
    award(summer, "nbcc", "2.0")
    award(summer, "aswb", "0.0")  # no credit: nothing to count
    award(training("someone.else@example.org"), "apa", "9")

    result = progress(program)

    assert [(item.requirement.title, item.done, item.met) for item in result] == [
        ("Any", Decimal("3.5"), True),
        ("APA", Decimal("1.5"), False),
        ("NBCC", Decimal("3.0"), True),
    ]
    assert [item.done_display for item in result] == ["3.5", "1.5", "3"]
    assert result[0].evidence == [
        Evidence("Spring", date(2030, 3, 7), Decimal("1.5")),
        Evidence("Summer", date(2030, 6, 6), Decimal("2.0")),
    ]


def test_confirmations_are_summed_by_email_whatever_its_case():
    program = make_program()
    fidelity = requirement(program, Kind.CONFIRMED, 3, "Fidelity exercises")
    confirm(fidelity, "Dana@Example.org", count=2, note="Fidelity exercise 1 and 2")
    confirm(fidelity, DANA, on=date(2030, 4, 1), note="Fidelity exercise 3")
    confirm(fidelity, "someone.else@example.org", count=5)
    confirm(requirement(make_program(), Kind.CONFIRMED, 1), DANA)

    [result] = progress(program, emails=["DANA@example.org"])

    assert (result.done, result.target, result.met) == (3, 3, True)
    assert result.evidence == [
        Evidence("Fidelity exercise 1 and 2", date(2030, 3, 7), 2),
        Evidence("Fidelity exercise 3", date(2030, 4, 1), 1),
    ]


def test_a_renewal_counts_only_what_was_earned_on_or_after_the_certificate_was_issued():
    program = make_program()
    requirement(program, Kind.TRAININGS, 2, "Trainings", position=1)
    requirement(program, Kind.CE_HOURS, 2, "Hours", position=2)
    confirmed = requirement(program, Kind.CONFIRMED, 2, "Confirmed", position=3)
    award(training(on=date(2030, 3, 6)), "apa", "1")  # the day before: earned for the old certificate
    award(training(on=MARCH_7), "apa", "1.5")  # the same day counts
    confirm(confirmed, on=date(2030, 3, 6))
    confirm(confirmed, on=MARCH_7)

    assert counts(program, since=MARCH_7) == [
        ("Trainings", 1, 2, False),
        ("Hours", Decimal("1.5"), 2, False),
        ("Confirmed", 1, 2, False),
    ]
    assert counts(program) == [
        ("Trainings", 2, 2, True),
        ("Hours", Decimal("2.5"), 2, True),
        ("Confirmed", 2, 2, True),
    ]


def test_a_program_without_requirements_has_no_progress(django_assert_num_queries):
    program = make_program()
    training()

    with django_assert_num_queries(1):
        assert progress(program) == []


def _records(n):
    program = make_program()
    requirements = [
        requirement(program, Kind.TRAININGS, 4, position=1),
        requirement(program, Kind.TRAININGS, 4, event_kind=Event.Kind.CASE_BASED, position=2),
        requirement(program, Kind.CE_HOURS, 12, position=3),
        requirement(program, Kind.CE_HOURS, 12, credit_type="apa", position=4),
        requirement(program, Kind.CONFIRMED, 1, position=5),
    ]
    for i in range(n):
        award(training(on=date(2030, 1 + i % 12, 1 + i // 12)), "apa", "1.5")
        confirm(requirements[-1])
    return program


@pytest.mark.parametrize("n", [3, 30])
def test_counting_takes_the_same_few_queries_for_3_or_30_records(n, django_assert_num_queries):
    program = _records(n)

    # The requirements, the attended trainings, the CE awards, the confirmations.
    with django_assert_num_queries(4):
        result = progress(program)

    assert [item.done for item in result] == [n, n, Decimal("1.5") * n, Decimal("1.5") * n, n]


# --- My NMT ---


def signed_in(client, user):
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def test_my_nmt_shows_x_of_y_per_requirement_of_an_open_program(client):
    program = make_phase_one()
    requirement(program, Kind.TRAININGS, 4, "Case-based trainings attended", position=1)
    requirement(program, Kind.CONFIRMED, 1, "Fidelity exercise passed", position=2)
    training(title="Spring case conference")
    training(on=date(2030, 6, 6), title="Summer case conference")
    make_program(name="A program without requirements")
    person = make_person(DANA)

    html = signed_in(client, person).get(reverse("accounts:home")).content.decode()

    section = text_of(html, "section", **{"aria-labelledby": "progress-heading"})
    assert section.startswith("Progress toward certification")
    assert "NMT Phase I" in [text for _, _, text in elements(html, "caption")]
    assert [text for _, _, text in elements(html, "tr")][-2:] == [
        "Case-based trainings attended 2 of 4 Not yet met Spring case conference, 7 March 2030 "
        "Summer case conference, 6 June 2030",
        "Fidelity exercise passed 0 of 1 Not yet met Nothing yet",
    ]
    assert [text for _, _, text in elements(html, "td", class_="text-nowrap progress-count")] == ["2 of 4", "0 of 1"]
    assert "A program without requirements" not in section


def test_my_nmt_counts_toward_a_held_certificate_since_it_was_issued(client):
    application = make_application(status="approved", email=DANA)
    make_certificate(application=application, issued_on=MARCH_7, expires_on=date(2032, 3, 7))
    requirement(application.program, Kind.TRAININGS, 2, "Trainings since your certificate")
    training(on=date(2030, 3, 6))
    training(on=MARCH_7)
    person = make_person(DANA)

    html = signed_in(client, person).get(reverse("accounts:home")).content.decode()

    section = text_of(html, "section", **{"aria-labelledby": "progress-heading"})
    assert f"{application.program.name}: what counts since 7 March 2030" in section
    assert [text for _, _, text in elements(html, "td", class_="text-nowrap progress-count")] == ["1 of 2"]


def test_my_nmt_has_no_progress_section_when_no_program_has_requirements(client):
    make_phase_one()
    training()
    person = make_person(DANA)

    html = signed_in(client, person).get(reverse("accounts:home")).content.decode()

    assert elements(html, "section", **{"aria-labelledby": "progress-heading"}) == []


def test_my_nmt_query_count_does_not_grow_with_progress_records(client, django_assert_max_num_queries):
    program = make_phase_one()
    requirement(program, Kind.TRAININGS, 4, position=1)
    requirement(program, Kind.CE_HOURS, 4, position=2)
    fidelity = requirement(program, Kind.CONFIRMED, 4, position=3)
    person = make_person(DANA)
    for i in range(3):
        award(training(on=date(2030, 1, 1 + i)), "apa", "1")
        confirm(fidelity)
    signed_in(client, person)
    client.get(reverse("accounts:home"))

    with django_assert_max_num_queries(40) as few:
        client.get(reverse("accounts:home"))
    for i in range(27):
        award(training(on=date(2030, 2, 1 + i)), "apa", "1")
        confirm(fidelity)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("accounts:home")).content.decode()
    assert [text for _, _, text in elements(html, "td", class_="text-nowrap progress-count")] == [
        "30 of 4",
        "30 of 4",
        "30 of 4",
    ]


# --- the application journey ---

TASKS = "/apply/individual/"


def _start_draft(client, program):
    data = individual_form_data(program)
    client.post("/apply/individual/sections/program/", section_post(data, "program"))
    draft = Application.objects.get(submission_key=data["submission_key"])
    Application.objects.filter(pk=draft.pk).update(email=DANA)
    return draft


def _journey_program():
    program = make_phase_one()
    requirement(program, Kind.TRAININGS, 4, "Case-based trainings attended")
    training()
    return program


def test_the_signed_in_applicant_sees_what_their_records_already_evidence(client):
    program = _journey_program()
    signed_in(client, make_person(DANA))
    _start_draft(client, program)

    html = client.get(TASKS).content.decode()

    section = text_of(html, "section", **{"aria-labelledby": "evidenced-heading"})
    assert section.startswith("What your records already show The requirements of NMT Phase I")
    assert [text for _, _, text in elements(html, "td", class_="text-nowrap progress-count")] == ["1 of 4"]


def test_an_anonymous_visitor_sees_no_ones_progress_on_the_form(client):
    program = _journey_program()
    make_person(DANA)
    _start_draft(client, program)  # a draft naming Dana's address proves nothing

    html = client.get(TASKS).content.decode()

    assert "Case-based trainings attended" not in html
    assert elements(html, "section", **{"aria-labelledby": "evidenced-heading"}) == []


# --- the reviewer's application page ---


def test_the_reviewer_sees_the_applicants_progress_by_the_applications_email(client):
    program = make_phase_one()
    requirement(program, Kind.TRAININGS, 4, "Case-based trainings attended")
    training(title="Spring case conference")
    training(on=date(2030, 6, 6), title="Summer case conference")
    training("someone.else@example.org")
    application = make_application(status="submitted", program=program, email="Dana@example.org")
    admin_login(client, make_staff(role=REVIEWERS))

    html = client.get(f"/admin/certifications/application/{application.pk}/change/").content.decode()

    panel = text_of(html, "section", id="progress")
    assert panel.startswith("Progress toward the requirements From the trainings attended")
    assert [text for _, _, text in elements(html, "td", class_="text-nowrap progress-count")] == ["2 of 4"]


def test_the_reviewer_sees_a_renewals_progress_since_the_renewed_certificate(client):
    certificate = make_certificate(
        application=make_application(status="approved", program=make_phase_one(), email=DANA),
        issued_on=MARCH_7,
        expires_on=date(2032, 3, 7),
    )
    requirement(certificate.program, Kind.TRAININGS, 2, "Trainings since the last certificate")
    training(on=date(2030, 3, 6))
    training(on=MARCH_7)
    renewal = make_application(status="submitted", program=certificate.program, email=DANA)
    Application.objects.filter(pk=renewal.pk).update(renews=certificate)
    admin_login(client, make_staff(role=REVIEWERS))

    html = client.get(f"/admin/certifications/application/{renewal.pk}/change/").content.decode()

    assert "since the renewed certificate was issued" in text_of(html, "section", id="progress")
    assert [text for _, _, text in elements(html, "td", class_="text-nowrap progress-count")] == ["1 of 2"]


# --- the admin ---


def _change_form_data(response):
    """The POST of an admin change form as the page shows it, its inlines' forms included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.initial_forms]
    data = {}
    for field in (field for form in forms for field in form):
        value = field.value()
        if value is True:
            data[field.html_name] = "on"
        elif value is not None and value is not False:
            data[field.html_name] = value
    return data


def test_requirements_are_edited_inline_on_the_program(client):
    program = make_phase_one()
    admin_login(client, make_staff(role=SITE_ADMINISTRATORS))
    url = f"/admin/certifications/program/{program.pk}/change/"
    data = _change_form_data(client.get(url))
    data.update(
        {
            "progress_requirements-TOTAL_FORMS": "1",
            "progress_requirements-0-position": "1",
            "progress_requirements-0-title": "Case-based trainings attended",
            "progress_requirements-0-description": "Each quarterly training counts once.",
            "progress_requirements-0-kind": "trainings",
            "progress_requirements-0-target": "4",
            "progress_requirements-0-event_kind": "case_based",
            "progress_requirements-0-credit_type": "",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    assert list(program.progress_requirements.values_list("title", "kind", "target", "event_kind")) == [
        ("Case-based trainings attended", "trainings", 4, "case_based")
    ]


def test_a_confirmation_saved_in_the_admin_records_who_confirmed_it_and_a_lowercase_email(client):
    fidelity = requirement(make_phase_one(), Kind.CONFIRMED, 1, "Fidelity exercise passed")
    reviewer = make_staff(role=REVIEWERS)
    admin_login(client, reviewer)

    response = client.post(
        "/admin/learning/requirementconfirmation/add/",
        {
            "requirement": fidelity.pk,
            "email": " Dana@Example.ORG ",
            "count": "1",
            "completed_on": "2030-03-07",
            "note": "Fidelity exercise passed with 92 %",
        },
    )

    assert response.status_code == 302
    confirmation = RequirementConfirmation.objects.get()
    assert (confirmation.email, confirmation.confirmed_by, confirmation.completed_on) == (DANA, reviewer, MARCH_7)
    assert [item.done for item in progress(fidelity.program)] == [1]


def test_the_confirmation_list_is_searched_by_email_and_filtered_by_program(client):
    fidelity = requirement(make_phase_one(), Kind.CONFIRMED, 1, "Fidelity exercise passed")
    mine = confirm(fidelity)
    confirm(fidelity, "someone.else@example.org")
    confirm(requirement(make_program(), Kind.CONFIRMED, 1), DANA)
    admin_login(client, make_staff(role=REVIEWERS))

    response = client.get(
        "/admin/learning/requirementconfirmation/",
        {"q": "dana@", "requirement__program__id__exact": fidelity.program_id},
    )

    assert list(response.context["cl"].result_list) == [mine]


def test_the_renewal_form_shows_what_was_earned_since_the_certificate_was_issued(client):
    application = make_application(status="approved", email=DANA)
    today = date.today()
    issued = today - timedelta(days=700)
    certificate = make_certificate(application=application, issued_on=issued, expires_on=today + timedelta(days=30))
    requirement(application.program, Kind.TRAININGS, 2, "Trainings since your certificate")
    for day in (issued - timedelta(days=1), issued):  # past events: registered as the import finds them
        event = make_event(starts_at=datetime.combine(day, time(18), tzinfo=UTC))
        Registration.objects.create(
            event=event, name="Dana", email=DANA, role="clinician", status="confirmed", confirmed_at=event.starts_at
        )
        Registration.objects.filter(event=event).update(attended=True)
    person = make_person(DANA)

    url = reverse("accounts:renew", kwargs={"number": certificate.number})
    html = signed_in(client, person).get(url).content.decode()

    section = text_of(html, "section", **{"aria-labelledby": "evidenced-heading"})
    assert f"since your certificate was issued on {issued.day} {issued:%B %Y}" in section
    assert [text for _, _, text in elements(html, "td", class_="text-nowrap progress-count")] == ["1 of 2"]
