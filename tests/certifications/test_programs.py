"""/certification/ and the starter programs."""

import pytest
from django.core.management import call_command

from apps.certifications.models import Program, ProgramDocument, RenewalDocument
from tests.factories import make_phase_one, make_program, make_program_with_documents, make_site_program
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db

URL = "/certification/"


def test_programs_page_lists_open_programs_by_kind_with_their_facts(client):
    make_phase_one(
        summary="The first level.",
        description="Phase I **introduces** the model.",
        requirements="- A licence",
        fee_text="USD 450, invoiced on approval",
        validity_months=24,
        order=10,
    )
    make_program(name="NMT Mentor", slug="nmt-mentor", order=30, validity_months=1)
    make_program(name="Retired level", slug="retired", is_open=False)
    make_site_program()

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert [text for _, _, text in elements(html, "h2")][:3] == [
        "Individual certification",
        "Site certification",
        "How to apply",
    ]
    assert [text for _, _, text in elements(html, "h3")] == ["NMT Phase I", "NMT Mentor", "NMT Site Certification"]
    assert "Retired level" not in html
    phase_one = elements(html, "article", id="nmt-phase-i")[0][2]
    assert "Phase I introduces the model." in phase_one
    assert "<strong>introduces</strong>" in html
    assert "Fee USD 450, invoiced on approval" in phase_one
    assert "Valid for 24 months from the date of issue" in phase_one
    assert "CV / résumé (required) Licence or credential (required) Training certificate (optional)" in phase_one
    mentor = elements(html, "article", id="nmt-mentor")[0][2]
    assert "Valid for 1 month from the date of issue" in mentor
    assert "CV / résumé (required)" in mentor  # every individual program asks for a CV
    site = elements(html, "article", id="nmt-site")[0][2]
    assert "Letter of support from leadership (required) Organisation chart (required)" in site


def test_programs_page_says_how_renewal_works_from_the_programs_settings(client):
    program = make_phase_one(
        renewal_window_days=60,
        renewal_grace_days=30,
        renewal_audit_percent=15,
        renewal_audit_days=21,
        renewal_attestations="I still practise.\n\nI trained for 12 hours.",
    )
    RenewalDocument.objects.create(program=program, kind="training_certificate", help_text="Hours since your last one")
    make_site_program(renewal_audit_percent=0, renewal_grace_days=1)

    html = client.get(URL).content.decode()

    phase_one = elements(html, "article", id="nmt-phase-i")[0][2]
    assert (
        "Renewal Opens 60 days before the certificate expires; a holder may still renew for 30 days after expiry "
        "(shown as expired meanwhile), then applies anew. No new application: the holder renews from My NMT, "
        "where the details of the certificate are filled in, to confirm or correct. 15 % of renewals, drawn at "
        "random, are audited: the holder is asked for evidence within 21 days. The holder confirms: I still "
        "practise. I trained for 12 hours. Training certificate (required): Hours since your last one"
    ) in phase_one
    site = elements(html, "article", id="nmt-site")[0][2]
    assert "may still renew for 1 day after expiry" in site
    assert "Renewals are not audited. The holder confirms: I have continued to use the NMT" in site
    assert "No documents asked for with a renewal." in site


def test_programs_page_says_what_certification_attests_and_links_forms_and_status(client):
    make_phase_one()
    make_site_program()

    html = client.get(URL).content.decode()

    assert text_of(html, "div", class_="alert alert-secondary attests-note") == (
        "What certification means. NMT certification attests that training was completed. "
        "It is not a licence to practise and does not attest clinical competence."
    )
    hrefs = [attrs["href"] for _, attrs, _ in elements(html, "a")]
    assert "/apply/individual/" in hrefs
    assert "/apply/site/" in hrefs
    assert "/apply/individual/?program=nmt-phase-i" in hrefs
    assert "/apply/site/?program=nmt-site" in hrefs
    assert "/status/" in hrefs
    assert text_of(html, "title") == "Certification programs · Neurosequential Model of Therapeutics (NMT)"


def test_a_kind_without_open_programs_says_so(client):
    make_phase_one()

    html = client.get(URL).content.decode()

    assert text_of(html, "p", class_="program-closed") == (
        "No site program is open for applications at the moment. Please check again later or write to us."
    )
    assert "/apply/site/" not in [attrs["href"] for _, attrs, _ in elements(html, "a", class_="btn btn-primary")]


def test_programs_page_queries_do_not_grow_with_programs(client, django_assert_max_num_queries):
    make_phase_one()
    with django_assert_max_num_queries(5):
        client.get(URL)

    for n in range(12):
        make_program_with_documents(
            name=f"Program {n}", slug=f"p-{n}", kind="site" if n % 2 else "individual", documents=[("cv", True)]
        )
        RenewalDocument.objects.create(program=Program.objects.get(slug=f"p-{n}"), kind="training_certificate")
    with django_assert_max_num_queries(5):
        client.get(URL)


def test_starter_programs_are_the_three_levels_and_two_site_variants(starter_content):
    assert list(Program.objects.values_list("name", "kind", "is_open")) == [
        ("NMT Phase I", "individual", True),
        ("NMT Phase II / Train-the-Trainer", "individual", True),
        ("NMT Mentor", "individual", True),
        ("NMT Site Certification", "site", True),
        ("NME Site Certification (education)", "site", True),
    ]
    required = {
        program.slug: sorted((d.kind, d.required) for d in program.documents.all())
        for program in Program.objects.prefetch_related("documents")
    }
    assert required == {
        "nmt-phase-i": [("cv", True), ("licence", True), ("training_certificate", False)],
        "nmt-phase-ii": [("cv", True), ("licence", True), ("reference_letter", False), ("training_certificate", True)],
        "nmt-mentor": [("cv", True), ("licence", False), ("reference_letter", True), ("training_certificate", True)],
        "nmt-site": [("letter_of_support", True), ("organisation_chart", True)],
        "nme-site": [("letter_of_support", True), ("organisation_chart", True)],
    }
    for program in Program.objects.all():
        assert program.summary and program.description_html and program.requirements_html and program.fee_text
        assert program.validity_months == 24


def test_starter_programs_never_come_back_or_overwrite_staff_edits(starter_content):
    mentor = Program.objects.get(slug="nmt-mentor")
    mentor.fee_text = "USD 300"
    mentor.save()
    Program.objects.filter(slug="nme-site").delete()
    ProgramDocument.objects.filter(program__slug="nmt-phase-i", kind="training_certificate").delete()

    call_command("load_starter_content", verbosity=0)

    assert Program.objects.get(slug="nmt-mentor").fee_text == "USD 300"
    assert not Program.objects.filter(slug="nme-site").exists()
    assert not ProgramDocument.objects.filter(program__slug="nmt-phase-i", kind="training_certificate").exists()
    assert Program.objects.count() == 4


def test_starter_programs_fill_the_forms(client, starter_content):
    individual = client.get("/apply/individual/sections/program/").content.decode()
    site = client.get("/apply/site/sections/program/").content.decode()

    assert [t for _, a, t in elements(individual, "label") if a.get("for", "").startswith("id_program_")] == [
        "NMT Phase I",
        "NMT Phase II / Train-the-Trainer",
        "NMT Mentor",
    ]
    assert [t for _, a, t in elements(site, "label") if a.get("for", "").startswith("id_program_")] == [
        "NMT Site Certification",
        "NME Site Certification (education)",
    ]


def test_certification_pages_contain_no_inline_script_or_style(client):
    from apps.certifications.models import Status
    from apps.certifications.tokens import make_token
    from tests.factories import make_application

    make_phase_one()
    make_site_program()
    application = make_application(status=Status.INFO_REQUESTED)
    urls = [
        "/certification/",
        "/apply/individual/",
        "/apply/individual/sections/program/",
        "/apply/site/",
        "/apply/site/sections/program/",
        "/status/",
        f"/applications/{make_token(application)}/",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert "<style" not in html and " style=" not in html, url
        # Scripts are files, or data (json_script, JSON-LD for search engines), never inline code.
        data = html.count('type="application/json"') + html.count('<script type="application/ld+json">')
        assert html.count("<script") == html.count('<script src="') + data, url
