"""Back and submit again: a browser that already applied for a program with an email is warned,
and makes a second application only when it confirms; nobody else learns who applied."""

import pytest

from apps.certifications import services
from apps.certifications.models import Application
from tests.factories import individual_form_data, make_phase_one, make_program
from tests.files import pdf_bytes, png_bytes, upload
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db

URL = "/apply/individual/"


def _files():
    return {"document_cv": upload("cv.pdf", pdf_bytes()), "document_licence": upload("licence.png", png_bytes())}


def _apply(client, program, **overrides):
    """A fresh form (its own submission key), filled and submitted."""
    return client.post(URL, individual_form_data(program, **_files(), **overrides))


def test_submitting_the_same_program_and_email_again_warns_and_links_to_the_first(client, send_queued, mailoutbox):
    program = make_phase_one()
    with send_queued():
        _apply(client, program)
        first = Application.objects.get()

        response = _apply(client, program, email="Dana@Example.org")

    html = response.content.decode()
    assert response.status_code == 200
    assert Application.objects.count() == 1
    assert len(mailoutbox) == 2  # the first application's confirmation and staff notice only
    warning = text_of(html, "div", id="form-errors")
    assert warning.startswith(
        f"You have already applied for NMT Phase I This browser submitted application {first.reference} for "
        "NMT Phase I with this email address on "
    )
    assert "Submit again only if you mean to make a second, separate application." in warning
    links = {text: attrs["href"] for _, attrs, text in elements(html, "a") if "href" in attrs}
    assert links["See your first application"] == "/apply/received/"
    [again] = elements(html, "button", value="submit-again")
    assert (again[1]["form"], again[2]) == ("application-form", "Submit a second application anyway")
    confirmation = client.get("/apply/received/").content.decode()
    assert text_of(confirmation, "strong", id="reference") == first.reference


def test_confirming_makes_the_second_application(client):
    program = make_phase_one()
    _apply(client, program)

    response = _apply(client, program, action="submit-again")

    assert response["Location"] == "/apply/received/"
    assert Application.objects.count() == 2


def test_the_confirmation_is_kept_while_the_form_is_corrected(client):
    program = make_phase_one()
    _apply(client, program)
    data = individual_form_data(program)

    corrected = client.post(URL, {**data, "action": "submit-again", "full_name": ""})
    response = client.post(URL, {**data, **_files(), "action": "submit", "second_application": "yes"})

    assert elements(corrected.content.decode(), "input", name="second_application") == [
        ("input", {"type": "hidden", "name": "second_application", "value": "yes"}, "")
    ]
    assert response["Location"] == "/apply/received/"
    assert Application.objects.count() == 2


def test_another_browser_is_never_told_who_has_applied(client, django_user_model):
    from django.test import Client

    program = make_phase_one()
    _apply(client, program)
    first = Application.objects.get()

    response = _apply(Client(), program)

    assert response["Location"] == "/apply/received/"
    assert Application.objects.count() == 2
    assert first.reference not in Client().get(URL).content.decode()


def test_another_program_or_email_is_no_repeat(client):
    program = make_phase_one()
    other = make_program(name="NMT Phase II", slug="nmt-phase-ii")
    _apply(client, program)

    responses = [_apply(client, other), _apply(client, program, email="someone.else@example.org")]

    assert [r.status_code for r in responses] == [302, 302]
    assert Application.objects.count() == 3


def test_a_withdrawn_first_application_is_no_repeat(client):
    program = make_phase_one()
    _apply(client, program)
    services.application_withdraw(application=Application.objects.get())

    response = _apply(client, program)

    assert response.status_code == 302
    assert Application.objects.count() == 2


def test_the_session_keeps_a_digest_of_the_email_never_the_address(client):
    program = make_phase_one()
    _apply(client, program)

    stored = repr(dict(client.session.items()))

    assert "dana" not in stored.lower()
    [key] = client.session["certifications:submitted-by-program"]
    assert key.startswith(f"{program.pk}:")
