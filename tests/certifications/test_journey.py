"""The application as a journey: the task list, one page per section, check your answers, submit."""

import re
import uuid

import pytest
from django.utils import timezone

from apps.certifications.models import Application, ApplicationDocument, Status
from apps.certifications.sections import tasks_of
from apps.certifications.tokens import DRAFT_SALT, make_token
from tests.factories import (
    discard_queued_emails,
    individual_files,
    individual_form_data,
    make_application,
    make_document,
    make_phase_one,
    make_program,
    private_files,
    site_form_data,
)
from tests.files import exe_bytes, pdf_bytes, png_bytes, upload
from tests.html import elements, labels, text_of

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
TASKS = "/apply/individual/"
CHECK = "/apply/individual/check/"


def section_path(slug, kind="individual"):
    return f"/apply/{kind}/sections/{slug}/"


def post_section(client, slug, data, *, kind="individual", files=None, **extra):
    """POST one section's page with that section's fields of `data` (a complete one-page POST)."""
    [section] = [s for s in tasks_of(kind) if s.slug == slug]
    fields = {name: data[name] for name in section.field_names if name in data}
    payload = {"submission_key": data["submission_key"], "action": "continue", **fields, **(files or {}), **extra}
    return client.post(section_path(slug, kind), payload)


def walk(client, data, *, kind="individual", files=None):
    """Save every section in order (the documents only when `files` are given); returns the redirects."""
    return [
        post_section(client, s.slug, data, kind=kind, files=files if s.documents else None)["Location"]
        for s in tasks_of(kind)
        if files is not None or not s.documents
    ]


def states(html):
    """(section heading, state tag) for each row of the task list."""
    names = [text for _, _, text in elements(html, "div", class_="task-name")]
    tags = [text for _, _, text in elements(html, "div", class_="task-status")]
    return list(zip(names, tags, strict=True))


def resume_path(application):
    return f"/apply/resume/{make_token(application, salt=DRAFT_SALT)}/"


def test_the_start_page_lists_each_section_and_only_the_program_can_be_started(client):
    make_phase_one()

    response = client.get(TASKS)

    html = response.content.decode()
    assert text_of(html, "h1") == "Apply for individual certification"
    assert states(html) == [
        ("Program", "Not started"),
        ("About you", "Cannot start yet"),
        ("Licence or credential", "Cannot start yet"),
        ("Practice", "Cannot start yet"),
        ("Motivation", "Cannot start yet"),
        ("Documents", "Cannot start yet"),
    ]
    # The only program is chosen for the applicant; no form, so no CSRF token: the page is the same for all.
    assert [a["href"] for _, a, _ in elements(html, "a", **{"aria-describedby": "task-status-program"})] == [
        "/apply/individual/sections/program/?program=nmt-phase-i"
    ]
    assert "csrfmiddlewaretoken" not in html
    assert "Check your answers" not in [t for _, _, t in elements(html, "a")]
    assert "Cache-Control" not in response or "private" not in response["Cache-Control"]


def test_a_program_in_the_link_is_carried_to_the_first_section_and_preselected(client):
    make_phase_one()
    mentor = make_program(name="NMT Mentor", slug="nmt-mentor", order=30)

    tasks = client.get(TASKS, {"program": "nmt-mentor"}).content.decode()
    [href] = [a["href"] for _, a, _ in elements(tasks, "a", **{"aria-describedby": "task-status-program"})]
    html = client.get(href).content.decode()

    assert href == "/apply/individual/sections/program/?program=nmt-mentor"
    assert [a["value"] for _, a, _ in elements(html, "input", name="program") if "checked" in a] == [str(mentor.pk)]
    assert [text for _, _, text in elements(html, "legend")] == ["Program or level*"]
    assert text_of(html, "h1") == "Program"
    assert sorted(labels(html)) == ["id_prior_training", "id_program_0", "id_program_1"]


def test_other_sections_wait_for_the_program(client):
    make_phase_one()

    response = client.get(section_path("about-you"))

    assert (response.status_code, response["Location"]) == (302, TASKS)


def test_unknown_kinds_and_sections_are_not_found(client):
    make_phase_one()

    assert client.get("/apply/pets/sections/program/").status_code == 404
    assert client.get(section_path("declaration")).status_code == 404
    assert client.get(section_path("privacy")).status_code == 404  # asked on the check page
    assert client.get("/apply/pets/check/").status_code == 404


def test_saving_the_program_creates_the_draft_and_goes_to_the_next_section(client, mailoutbox):
    program = make_phase_one()
    data = individual_form_data(program)

    response = post_section(client, "program", data)

    assert (response.status_code, response["Location"]) == (302, section_path("about-you"))
    draft = Application.objects.get()
    assert (draft.status, draft.kind, draft.program, draft.email, draft.prior_training) == (
        Status.DRAFT,
        "individual",
        program,
        "",
        "NMT case-based trainings, 2025.",
    )
    assert str(draft.submission_key) == data["submission_key"]
    assert mailoutbox == []  # no address to send the link to yet
    html = client.get(TASKS).content.decode()
    assert states(html)[:3] == [
        ("Program", "Completed"),
        ("About you", "Not started"),
        ("Licence or credential", "Not started"),
    ]
    assert text_of(html, "p", id="task-progress") == "You have completed 1 of 6 sections."
    assert client.get(TASKS)["Cache-Control"] == "private, no-store"


def test_a_double_click_on_the_first_section_makes_one_draft(client):
    program = make_phase_one()
    data = individual_form_data(program)

    post_section(client, "program", data)
    from django.test import Client

    other_tab = Client()  # a session that has not seen the first response
    response = post_section(other_tab, "program", data)

    assert response["Location"] == section_path("about-you")
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("slug", "changes", "errors"),
    [
        (
            "about-you",
            {"full_name": "", "email": "dana@example"},
            {
                "full_name": ["Enter your full name."],
                "email": ["Enter an email address in the correct format, like name@example.org."],
            },
        ),
        (
            "practice",
            {"years_of_practice": "71"},
            {"years_of_practice": ["Enter your years of practice as a whole number from 0 to 70."]},
        ),
        ("practice", {"populations": None}, {"populations": ["Choose at least one population served."]}),
        ("motivation", {"motivation": ""}, {"motivation": ["Enter your statement of motivation."]}),
    ],
)
def test_each_section_is_checked_field_by_field_and_keeps_what_was_typed(client, slug, changes, errors):
    program = make_phase_one()
    data = individual_form_data(program)
    post_section(client, "program", data)
    bad = {k: v for k, v in {**data, **changes}.items() if v is not None}

    response = post_section(client, slug, bad)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    html = response.content.decode()
    summary = [a["href"] for _, a, _ in elements(html, "a") if a.get("href", "").startswith("#id_")]
    assert len(summary) == len(errors)
    for name, value in changes.items():
        if value:
            assert elements(html, "input", name=name)[0][1]["value"] == value
    assert Application.objects.get().full_name == ""  # nothing of the section saved


def test_each_section_saves_and_the_task_list_shows_the_states(client):
    program = make_phase_one()
    data = individual_form_data(program)

    redirects = walk(client, data)

    assert redirects == [
        section_path("about-you"),
        section_path("credential"),
        section_path("practice"),
        section_path("motivation"),
        section_path("documents"),
    ]
    assert states(client.get(TASKS).content.decode()) == [
        ("Program", "Completed"),
        ("About you", "Completed"),
        ("Licence or credential", "Completed"),
        ("Practice", "Completed"),
        ("Motivation", "Completed"),
        ("Documents", "Not started"),
    ]
    draft = Application.objects.get()
    assert (draft.full_name, draft.credential_issuer, draft.populations, draft.motivation) == (
        "Dana Whitfield",
        "Texas State Board",
        ["children", "families"],
        "I work with children who have experienced trauma.",
    )


def test_come_back_later_saves_an_unfinished_section_and_emails_the_link(client, send_queued, mailoutbox, settings):
    program = make_phase_one()
    data = individual_form_data(program)
    post_section(client, "program", data)

    with send_queued():
        response = post_section(client, "about-you", {**data, "city": ""}, action="later")

    assert response["Location"] == "/apply/saved/"
    draft = Application.objects.get()
    assert (draft.full_name, draft.city) == ("Dana Whitfield", "")
    assert [m.to for m in mailoutbox] == [["dana@example.org"]]
    link = re.search(r"http\S+/apply/resume/\S+/", mailoutbox[0].body).group(0)
    assert link.startswith(f"{settings.SITE_URL}/apply/resume/")
    assert states(client.get(TASKS).content.decode())[1] == ("About you", "In progress")


def test_the_link_is_emailed_when_the_email_is_first_given_or_changed(client, send_queued, mailoutbox):
    program = make_phase_one()
    data = individual_form_data(program)
    post_section(client, "program", data)

    with send_queued():
        first = client.get(post_section(client, "about-you", data)["Location"]).content.decode()
        post_section(client, "about-you", data)
        post_section(client, "about-you", {**data, "email": "dana.w@example.org"})

    assert [m.to for m in mailoutbox] == [["dana@example.org"], ["dana.w@example.org"]]
    assert "We have emailed a private link to dana@example.org" in first


def test_documents_once_accepted_are_kept_between_steps(client):
    program = make_phase_one()
    data = individual_form_data(program)
    walk(client, data)

    post_section(client, "documents", data, files={"document_cv": upload("cv.pdf", pdf_bytes())}, action="later")
    assert states(client.get(TASKS).content.decode())[-1] == ("Documents", "In progress")
    page = client.get(section_path("documents")).content.decode()
    response = post_section(client, "documents", data, files={"document_licence": upload("licence.png", png_bytes())})

    [kept] = [text for _, _, text in elements(page, "li", class_="kept-document")]
    assert kept.startswith("Kept CV / résumé: cv.pdf")
    assert text_of(page, "h2", id="kept-documents-heading") == "Kept with your draft"
    assert response["Location"] == TASKS  # every section complete
    draft = Application.objects.get()
    assert sorted(draft.documents.values_list("kind", "original_name")) == [
        ("cv", "cv.pdf"),
        ("licence", "licence.png"),
    ]
    assert len(private_files()) == 2
    assert states(client.get(TASKS).content.decode())[-1] == ("Documents", "Completed")


def test_the_documents_page_offers_only_what_the_chosen_program_asks_for(client):
    program = make_phase_one()
    walk(client, individual_form_data(program))

    html = client.get(section_path("documents")).content.decode()

    assert sorted(labels(html)) == [
        "id_document_cv",
        "id_document_licence",
        "id_document_training_certificate",
        "id_other_documents",
    ]
    assert text_of(html, "div", id="id_document_licence_helptext") == (
        "Required for NMT Phase I. PDF, JPEG or PNG, at most 10.0 MB."
    )


def test_a_refused_file_is_never_kept_and_nothing_else_of_the_post_is_stored(client):
    program = make_phase_one()
    data = individual_form_data(program)
    walk(client, data)

    response = post_section(
        client,
        "documents",
        data,
        files={"document_cv": upload("cv.pdf", pdf_bytes()), "document_licence": upload("setup.pdf", exe_bytes())},
    )

    assert response.context["form"].errors == {
        "document_licence": ["“setup” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only."]
    }
    assert ApplicationDocument.objects.count() == 0
    assert private_files() == []


def test_required_documents_are_asked_for_on_their_section(client):
    program = make_phase_one()
    data = individual_form_data(program)
    walk(client, data)

    response = post_section(client, "documents", data, files={"document_cv": upload("cv.pdf", pdf_bytes())})

    assert response.context["form"].errors == {
        "document_licence": ["NMT Phase I asks for this document. Please choose a file."]
    }


def test_check_your_answers_lists_every_answer_with_a_change_link(client):
    program = make_phase_one()
    walk(client, individual_form_data(program), files=individual_files())

    html = client.get(CHECK).content.decode()

    assert text_of(html, "h1") == "Check your answers before submitting your application"
    keys = [text for _, _, text in elements(html, "dt", class_="summary-list-key")]
    values = [text for _, _, text in elements(html, "dd", class_="summary-list-value")]
    assert list(zip(keys, values, strict=True))[:7] == [
        ("Program or level", "NMT Phase I"),
        ("Prior NMT training", "NMT case-based trainings, 2025."),
        ("Full name", "Dana Whitfield"),
        ("Email", "dana@example.org"),
        ("Telephone", "+1 555 0100"),
        ("Country", "United States of America"),
        ("City", "Houston"),
    ]
    assert list(zip(keys, values, strict=True))[-2:] == [
        ("CV / résumé", "cv.pdf"),
        ("Licence or credential", "licence.png"),
    ]
    changes = [(a["href"], t) for _, a, t in elements(html, "a") if t.startswith("Change")]
    assert changes[2] == ("/apply/individual/sections/about-you/?return=check", "Change full name")
    assert len(changes) == len(keys)
    assert labels(html)["id_consent_privacy"] == "I have read the privacy notice above and agree to it.*"
    assert [a["value"] for _, a, _ in elements(html, "input", name="submission_key")] == [
        str(Application.objects.get().submission_key)
    ]


def test_a_change_link_returns_to_the_check_page_after_saving(client):
    program = make_phase_one()
    data = individual_form_data(program)
    walk(client, data, files=individual_files())

    page = client.get(section_path("about-you") + "?return=check").content.decode()
    response = post_section(client, "about-you", {**data, "city": "Galveston"}, **{"return": "check"})

    assert elements(page, "input", name="return")[0][1]["value"] == "check"
    assert elements(page, "input", name="city")[0][1]["value"] == "Houston"
    assert response["Location"] == CHECK
    html = client.get(CHECK).content.decode()
    assert "Galveston" in [text for _, _, text in elements(html, "dd", class_="summary-list-value")]


def test_the_check_page_waits_until_every_section_is_complete(client):
    program = make_phase_one()
    walk(client, individual_form_data(program))  # no documents

    response = client.get(CHECK)

    assert (response.status_code, response["Location"]) == (302, TASKS)
    assert client.get(CHECK.replace("individual", "site"))["Location"] == "/apply/site/"


def test_submitting_from_the_check_page_makes_exactly_one_application(client, send_queued, mailoutbox):
    program = make_phase_one()
    data = individual_form_data(program)
    walk(client, data, files=individual_files())
    discard_queued_emails()  # the link to continue the draft
    key = str(Application.objects.get().submission_key)
    submit = {"submission_key": key, "consent_privacy": "on", "list_in_registry": "on", "action": "submit"}

    with send_queued():
        first = client.post(CHECK, submit)
        second = client.post(CHECK, submit)  # a double click, or the POST resent

    assert (first["Location"], second["Location"]) == ("/apply/received/", "/apply/received/")
    application = Application.objects.get()
    assert (application.status, application.reference) == (Status.SUBMITTED, f"NMT-I-{YEAR}-00001")
    assert (application.consent_privacy, application.list_in_registry) == (True, True)
    assert application.documents.count() == 2
    assert len(mailoutbox) == 2
    html = client.get("/apply/received/").content.decode()
    assert text_of(html, "h1", class_="confirmation-title") == "Thank you: we have received your application"
    assert text_of(html, "strong", id="reference") == f"NMT-I-{YEAR}-00001"
    # The journey is over: the start page is blank again.
    assert states(client.get(TASKS).content.decode())[0] == ("Program", "Not started")


def test_the_privacy_consent_is_needed_to_submit(client):
    program = make_phase_one()
    walk(client, individual_form_data(program), files=individual_files())
    key = str(Application.objects.get().submission_key)

    response = client.post(CHECK, {"submission_key": key, "action": "submit"})

    assert response.context["form"].errors == {"consent_privacy": ["Tick the box to agree to the privacy notice."]}
    html = response.content.decode()
    assert text_of(html, "h1") == "Check your answers before submitting your application"
    assert elements(html, "div", id="form-errors") != []
    assert Application.objects.get().status == Status.DRAFT


def test_submitting_again_for_the_same_program_warns_first(client):
    program = make_phase_one()
    data = individual_form_data(program)
    client.post(TASKS, {**data, **individual_files()})  # the first application
    walk(client, individual_form_data(program), files=individual_files())
    key = str(Application.objects.get(status=Status.DRAFT).submission_key)

    warned = client.post(CHECK, {"submission_key": key, "consent_privacy": "on", "action": "submit"})
    confirmed = client.post(CHECK, {"submission_key": key, "consent_privacy": "on", "action": "submit-again"})

    assert text_of(warned.content.decode(), "h2", class_="h5") == "You have already applied for NMT Phase I"
    assert confirmed["Location"] == "/apply/received/"
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 2


def test_a_resume_link_opens_the_task_list_of_its_draft(client):
    program = make_phase_one()
    draft = make_application(status=Status.DRAFT, program=program, submission_key=uuid.uuid4(), city="")
    make_document(draft, kind="cv", name="Dana CV.pdf")

    response = client.get(resume_path(draft))

    assert (response.status_code, response["Location"]) == (302, TASKS)
    assert response["Cache-Control"] == "private, no-store"
    html = client.get(TASKS).content.decode()
    assert states(html) == [
        ("Program", "Completed"),
        ("About you", "In progress"),
        ("Licence or credential", "Completed"),
        ("Practice", "Completed"),
        ("Motivation", "Completed"),
        ("Documents", "In progress"),
    ]
    assert "dana@example.org" in html
    # In another browser the link does the same; without it, nothing of the draft shows.
    from django.test import Client

    assert states(Client().get(TASKS).content.decode())[0] == ("Program", "Not started")


def test_a_draft_saved_by_the_one_page_form_resumes_and_is_submitted_through_the_journey(client, send_queued):
    program = make_phase_one()
    data = individual_form_data(program, motivation="")
    client.post(TASKS, {**data, "action": "draft", "document_cv": upload("cv.pdf", pdf_bytes())})
    draft = Application.objects.get()
    browser = type(client)()

    browser.get(resume_path(draft))
    before = states(browser.get(TASKS).content.decode())
    post_section(browser, "motivation", individual_form_data(program), submission_key=str(uuid.uuid4()))
    post_section(browser, "documents", data, files={"document_licence": upload("licence.png", png_bytes())})
    with send_queued():
        response = browser.post(
            CHECK, {"submission_key": str(draft.submission_key), "consent_privacy": "on", "action": "submit"}
        )

    # The motivation is missing, its other question answered; the licence is missing.
    assert before[4:] == [("Motivation", "In progress"), ("Documents", "In progress")]
    assert response["Location"] == "/apply/received/"
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert sorted(draft.documents.values_list("kind", flat=True)) == ["cv", "licence"]
    assert Application.objects.count() == 1


def test_a_site_application_goes_through_the_journey(client):
    program = make_program(name="NMT Site Certification", slug="nmt-site", kind="site")
    data = site_form_data(program)

    redirects = walk(client, data, kind="site")
    tasks = client.get("/apply/site/").content.decode()
    response = client.post(
        "/apply/site/check/",
        {"submission_key": data["submission_key"], "consent_privacy": "on", "show_on_map": "on", "action": "submit"},
    )

    assert redirects[-1] == "/apply/site/"
    assert [state for _, state in states(tasks)] == ["Completed"] * 7
    assert response["Location"] == "/apply/received/"
    application = Application.objects.get()
    assert (application.status, application.reference, application.show_on_map) == (
        Status.SUBMITTED,
        f"NMT-S-{YEAR}-00001",
        True,
    )


def test_the_journey_pages_need_no_script(client):
    program = make_phase_one()
    walk(client, individual_form_data(program), files=individual_files())

    pages = {p: client.get(p).content.decode() for p in (TASKS, section_path("about-you"), CHECK)}

    for html in pages.values():
        # Scripts only as files that enhance (the CSP allows no inline script); data as JSON only.
        inline = [a for _, a, _ in elements(html, "script") if not a.get("src") and a.get("type") != "application/json"]
        assert inline == []
    # Every step is a plain form posted to the server, with its own submit button.
    for path in (section_path("about-you"), CHECK):
        [form] = elements(pages[path], "form", id="application-form")
        assert (form[1]["method"], form[1].get("action")) == ("post", None)
        assert elements(pages[path], "button", type="submit") != []


def test_a_draft_saved_without_a_submission_key_gets_one_at_the_check_page(client):
    program = make_phase_one()
    draft = make_application(status=Status.DRAFT, program=program, consent_privacy=False)
    make_document(draft, kind="cv")
    make_document(draft, kind="licence")
    assert draft.submission_key is None
    client.get(resume_path(draft))

    html = client.get(CHECK).content.decode()
    [key] = [a["value"] for _, a, _ in elements(html, "input", name="submission_key")]
    submit = {"submission_key": key, "consent_privacy": "on", "action": "submit"}
    first, second = client.post(CHECK, submit), client.post(CHECK, submit)

    assert (first["Location"], second["Location"]) == ("/apply/received/", "/apply/received/")
    draft.refresh_from_db()
    assert (draft.status, str(draft.submission_key)) == (Status.SUBMITTED, key)
    assert Application.objects.count() == 1
