"""Renewal (issue 14): from a certificate to the next one of its line, without starting again.

The holder renews from My NMT, the details prefilled; a share of renewals is drawn for audit; the
approval issues a certificate that continues the old one; verification, the registry, the map and
the reminders follow."""

import random
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from apps.certifications import services
from apps.certifications.models import Application, Certificate, RenewalDocument, Status
from apps.certifications.services.certificates import certificates_send_grace_reminders, validity_starts_on
from apps.certifications.services.renewals import (
    renewal_audit_draw,
    renewal_changes,
    renewal_prefill,
    renewal_submit,
)
from tests.factories import make_application, make_certificate, make_partner, make_person, make_program
from tests.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db

EMAIL = "holder@example.org"
STATEMENTS = [
    "I have continued to use the NMT in my practice since my last certificate.",
    "I have completed NMT training, supervision or case-based learning since my last certificate.",
]


def holder_certificate(*, expires_in=30, audit_percent=0, **program_fields):
    """An approved individual's certificate expiring in `expires_in` days (its renewal open)."""
    program = make_program(renewal_audit_percent=audit_percent, **program_fields)
    application = make_application(status="approved", program=program, email=EMAIL, list_in_registry=True)
    today = timezone.localdate()
    return make_certificate(
        application=application,
        issued_on=today - timedelta(days=700),
        expires_on=today + timedelta(days=expires_in),
        listed_publicly=True,
    )


def pdf_upload(name):
    return upload(name, pdf_bytes(), "application/pdf")


def signed_in(client, email=EMAIL):
    person = make_person(email)
    client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def renew_url(certificate):
    return reverse("accounts:renew", kwargs={"number": certificate.number})


def renewal_post(client, certificate, *, action="submit", **changes):
    """POST the renewal page as it is shown (prefilled), ticking every statement, with `changes`."""
    page = client.get(renew_url(certificate))
    form = page.context["form"]
    data = {"submission_key": page.context["submission_key"], "action": action}
    for name in form.fields:
        if name.startswith(("document_", "other_documents", "remove_documents")):
            continue
        value = form[name].value()
        if name.startswith("attest_"):
            value = "on"
        if name == "consent_privacy":
            value = "on"
        if value in (None, False):
            continue
        data[name] = "on" if value is True else value
    data.update(changes)
    return client.post(renew_url(certificate), {k: v for k, v in data.items() if v is not None})


def approve(application):
    reviewer = make_reviewer()
    application = services.application_start_review(application=application, reviewer=reviewer)
    return services.application_approve(application=application, reviewer=reviewer)


def make_reviewer():
    from tests.factories import make_staff

    return make_staff(role="Reviewers")


# THE RENEWAL PAGE


def test_the_renewal_page_is_prefilled_from_the_certificate_and_its_application(client):
    certificate = holder_certificate()
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="Dr Jordan Avery-Lee", city="Galveston")

    response = signed_in(client).get(renew_url(certificate))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    form = response.context["form"]
    previous = certificate.application
    assert form["full_name"].value() == "Dr Jordan Avery-Lee"
    assert form["city"].value() == "Galveston"
    assert form["profession"].value() == previous.profession
    assert form["credential_number"].value() == previous.credential_number
    assert form["years_of_practice"].value() == previous.years_of_practice
    assert form["consent_privacy"].value() is False  # the privacy notice is agreed to again
    assert [form[f"attest_{i}"].label for i in range(2)] == STATEMENTS
    assert "program" not in form.fields and "motivation" not in form.fields
    html = response.content.decode()
    assert "Renew your certificate" in html
    assert 'name="attest_0"' in html and 'name="attest_1"' in html


def test_a_renewal_is_submitted_with_its_attestations_and_documents(client, send_queued, mailoutbox):
    certificate = holder_certificate()
    RenewalDocument.objects.create(program=certificate.program, kind="training_certificate", required=True)
    client = signed_in(client)
    page = client.get(renew_url(certificate))
    assert page.context["form"].fields["document_training_certificate"].required is False  # checked in clean()
    data = {
        name: (page.context["form"][name].value() or "")
        for name in page.context["form"].fields
        if not name.startswith(("document_", "other_documents", "attest_", "populations", "works_at"))
    }
    data.update(
        submission_key=page.context["submission_key"],
        action="submit",
        attest_0="on",
        attest_1="on",
        consent_privacy="on",
        list_in_registry="on",
        populations=["children"],
        credential_number="LCSW-99999",
        document_training_certificate=pdf_upload("training.pdf"),
    )
    data = {k: v for k, v in data.items() if v not in (None, False)}

    with send_queued():
        response = client.post(renew_url(certificate), data)

    renewal = Application.objects.get(renews=certificate)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:application", kwargs={"public_id": renewal.public_id})
    assert renewal.status == Status.SUBMITTED
    assert renewal.reference.startswith("NMT-I-")
    assert renewal.program == certificate.program
    assert renewal.attestations == STATEMENTS
    assert renewal.audit_selected is False and renewal.audit_drawn_at is not None
    assert renewal.credential_number == "LCSW-99999"
    assert [d.kind for d in renewal.documents.all()] == ["training_certificate"]
    [confirmation] = [m for m in mailoutbox if m.to == [EMAIL]]
    assert confirmation.subject == f"Renewal {renewal.reference} received"
    assert "we send no more renewal reminders" in confirmation.body


def test_a_missing_attestation_and_document_are_refused_at_their_fields_and_nothing_is_saved(client):
    certificate = holder_certificate(name="NMT Phase I")
    RenewalDocument.objects.create(program=certificate.program, kind="training_certificate", required=True)
    client = signed_in(client)

    response = renewal_post(client, certificate, attest_1=None, city="Houston Heights")

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["attest_1"] == ["Tick the box to confirm this, or write to us if it is not so."]
    assert form.errors["document_training_certificate"] == ["NMT Phase I asks for this document. Please choose a file."]
    assert form["city"].value() == "Houston Heights"  # what was typed is still there
    assert not Application.objects.filter(renews=certificate).exists()
    html = response.content.decode()
    assert 'href="#id_attest_1"' in html  # the error summary links to the field


def test_a_renewal_saved_as_a_draft_reopens_from_my_nmt(client):
    certificate = holder_certificate()
    client = signed_in(client)

    response = renewal_post(client, certificate, action="later", attest_1=None, city="Sugar Land")

    assert response.status_code == 302
    draft = Application.objects.get(renews=certificate)
    assert (draft.status, draft.city, draft.attestations) == (Status.DRAFT, "Sugar Land", STATEMENTS[:1])
    home = client.get(reverse("accounts:home")).content.decode()
    assert f'Continue your renewal<span class="visually-hidden"> of {certificate.number}' in home
    again = client.get(renew_url(certificate))
    assert again.context["form"]["city"].value() == "Sugar Land"
    assert again.context["form"]["attest_0"].value() is True
    assert again.context["form"]["attest_1"].value() is False
    continued = client.get(reverse("accounts:draft-continue", kwargs={"public_id": draft.public_id}))
    assert continued["Location"] == renew_url(certificate)

    renewal_post(client, certificate)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert Application.objects.filter(renews=certificate).count() == 1


def test_the_renewal_page_is_the_holders_only(client):
    certificate = holder_certificate()

    anonymous = client.get(renew_url(certificate))
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/accounts/login/?next={renew_url(certificate)}"

    other = signed_in(client, "someone.else@example.org").get(renew_url(certificate))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("expires_in", "words"),
    [
        (91, "opens on"),  # one day before the 90-day window
        (-91, "closed on"),  # one day after the 90-day grace period
    ],
)
def test_outside_its_window_the_page_says_why_and_offers_no_form(client, expires_in, words):
    certificate = holder_certificate(expires_in=expires_in)
    signed_in_client = signed_in(client)

    response = signed_in_client.get(renew_url(certificate))

    assert response.status_code == 200
    assert "form" not in response.context
    assert words in response.context["refusal"]
    assert 'id="renewal-form"' not in response.content.decode()
    posted = signed_in_client.post(renew_url(certificate), {"action": "submit"})
    assert posted.status_code == 409
    assert not Application.objects.filter(renews=certificate).exists()


@pytest.mark.parametrize("expires_in", [90, 0, -90])  # the window's first day, the expiry day, grace's last day
def test_on_the_edges_of_the_window_the_page_offers_the_form(client, expires_in):
    certificate = holder_certificate(expires_in=expires_in)

    response = signed_in(client).get(renew_url(certificate))

    assert "refusal" not in response.context
    assert 'id="renewal-form"' in response.content.decode()


def test_a_renewal_under_way_sends_the_holder_to_it(client):
    certificate = holder_certificate()
    client = signed_in(client)
    renewal_post(client, certificate)
    renewal = Application.objects.get(renews=certificate)

    response = client.get(renew_url(certificate))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:application", kwargs={"public_id": renewal.public_id})
    with pytest.raises(services.InvalidTransition, match="already under way"):
        renewal_submit(application=renewal_prefill(certificate), attestations=STATEMENTS)


def test_my_nmt_and_the_certificate_page_offer_renew(client):
    certificate = holder_certificate()
    client = signed_in(client)

    home = client.get(reverse("accounts:home")).content.decode()
    printable = client.get(reverse("accounts:certificate", kwargs={"number": certificate.number})).content.decode()

    assert f'href="{renew_url(certificate)}">Renew<span class="visually-hidden"> {certificate.number}' in home
    assert f'href="{renew_url(certificate)}">Renew this certificate' in printable


def test_renewal_page_query_count_does_not_grow_with_documents(client, django_assert_max_num_queries):
    certificate = holder_certificate()
    for kind in ["training_certificate", "reference_letter", "licence"]:
        RenewalDocument.objects.create(program=certificate.program, kind=kind, required=False)
    client = signed_in(client)
    with django_assert_max_num_queries(14):
        assert client.get(renew_url(certificate)).status_code == 200


# THE AUDIT DRAW


def submitted_renewal(certificate, *, rng=None):
    renewal = renewal_prefill(certificate)
    renewal.consent_privacy = True
    return renewal_submit(application=renewal, attestations=STATEMENTS, rng=rng)


def test_the_audit_draw_follows_the_seeded_random_source():
    # random.Random(1) draws 0.134… first: under a 10 % rate it is not drawn, under 14 % it is.
    assert random.Random(1).random() == pytest.approx(0.13436424411240122)
    not_drawn = submitted_renewal(holder_certificate(audit_percent=10), rng=random.Random(1))
    drawn = submitted_renewal(holder_certificate(audit_percent=14), rng=random.Random(1))

    assert (not_drawn.audit_selected, not_drawn.status, not_drawn.audit_due_on) == (False, Status.SUBMITTED, None)
    assert (drawn.audit_selected, drawn.status) == (True, Status.INFO_REQUESTED)


def test_over_many_renewals_the_draw_keeps_to_the_rate():
    rng = random.Random(2026)
    program = make_program(renewal_audit_percent=10)
    application = make_application(status="submitted", program=program)
    Application.objects.filter(pk=application.pk).update(renews=make_certificate())
    drawn = 0
    for _ in range(2000):
        Application.objects.filter(pk=application.pk).update(audit_selected=None, audit_drawn_at=None)
        drawn += renewal_audit_draw(application=application, rng=rng)
    same = random.Random(2026)
    assert drawn == sum(same.random() * 100 < 10 for _ in range(2000))
    assert 160 <= drawn <= 240


def test_the_draw_is_recorded_once():
    renewal = submitted_renewal(holder_certificate(audit_percent=0))
    drawn_at = renewal.audit_drawn_at

    # A second draw, even one certain to select, returns the first result and changes nothing.
    assert renewal_audit_draw(application=renewal, rng=random.Random(1)) is False
    renewal.program.renewal_audit_percent = 100
    renewal.program.save()
    assert renewal_audit_draw(application=renewal) is False
    renewal.refresh_from_db()
    assert (renewal.audit_selected, renewal.audit_drawn_at) == (False, drawn_at)


def test_an_audited_holder_is_asked_for_evidence_with_a_deadline(send_queued, mailoutbox):
    certificate = holder_certificate(audit_percent=100, renewal_audit_days=30)

    with send_queued():
        renewal = submitted_renewal(certificate)

    due_on = timezone.localdate() + timedelta(days=30)
    assert (renewal.status, renewal.audit_selected, renewal.audit_due_on) == (Status.INFO_REQUESTED, True, due_on)
    event = renewal.events.last()
    assert (event.from_status, event.to_status, event.actor) == (Status.SUBMITTED, Status.INFO_REQUESTED, None)
    assert "drawn at random for audit" in event.message
    assert STATEMENTS[0] in event.message
    subjects = sorted(m.subject for m in mailoutbox if m.to == [EMAIL])
    assert subjects == [
        f"Audit of your renewal {renewal.reference}: evidence needed",
        f"Renewal {renewal.reference} received",
    ]
    [audit] = [m for m in mailoutbox if m.subject.startswith("Audit")]
    assert f"{due_on.day} " in audit.body and str(due_on.year) in audit.body

    answered = services.application_answer(
        application=renewal, message="Certificates attached.", documents=[("training_certificate", pdf_file())]
    )
    assert answered.status == Status.ANSWERED
    assert Application.objects.awaiting_review().filter(pk=renewal.pk).exists()


def pdf_file():
    from apps.core.uploads import clean_upload

    return clean_upload(pdf_upload("evidence.pdf"))


def test_an_unanswered_audit_past_its_deadline_comes_up_in_the_queue(client, send_queued, mailoutbox):
    from tests.staff import admin_login

    renewal = submitted_renewal(holder_certificate(audit_percent=100))
    on_time = submitted_renewal(holder_certificate(audit_percent=100))
    due_on = timezone.localdate() - timedelta(days=1)
    Application.objects.filter(pk=renewal.pk).update(audit_due_on=due_on)
    admin_login(client, make_reviewer())
    queue_url = reverse("admin:certifications_application_changelist")
    assert renewal not in client.get(queue_url).context["cl"].result_list  # still waiting for the holder

    with send_queued():
        summary = services.certificates_daily()

    assert summary["audits_overdue"] == 1
    assert services.certificates_daily()["audits_overdue"] == 0  # once
    renewal.refresh_from_db()
    on_time.refresh_from_db()
    assert (renewal.status, renewal.audit_overdue, on_time.status, on_time.audit_overdue) == (
        Status.IN_REVIEW,
        True,
        Status.INFO_REQUESTED,
        False,
    )
    event = renewal.events.last()
    assert (event.from_status, event.to_status, event.actor) == (Status.INFO_REQUESTED, Status.IN_REVIEW, None)
    assert f"was due on {date_format(due_on)} and has not reached us" in event.message
    [notice] = [m for m in mailoutbox if m.subject.startswith("Audit evidence")]
    assert notice.subject == f"Audit evidence for your renewal {renewal.reference} not received"
    assert list(Application.objects.audits_overdue()) == [renewal]

    queue = client.get(queue_url)
    overdue = client.get(queue_url, {"type": "audit-overdue"})
    assert renewal in queue.context["cl"].result_list
    assert on_time not in queue.context["cl"].result_list
    assert list(overdue.context["cl"].result_list) == [renewal]
    assert "Renewal, audit overdue" in queue.content.decode()


def test_an_audit_answered_in_time_never_lapses():
    renewal = submitted_renewal(holder_certificate(audit_percent=100))
    services.application_answer(application=renewal, message="Attached.")
    Application.objects.filter(pk=renewal.pk).update(audit_due_on=timezone.localdate() - timedelta(days=5))

    assert services.certificates_daily()["audits_overdue"] == 0
    renewal.refresh_from_db()
    assert (renewal.status, renewal.audit_overdue) == (Status.ANSWERED, False)


# REVIEW AND APPROVAL


def test_reviewers_see_the_previous_certificate_its_line_the_audit_and_what_changed(client):
    from tests.staff import admin_login

    certificate = holder_certificate()
    renewal = renewal_prefill(certificate)
    renewal.consent_privacy = True
    renewal.employer = "Bayou Children's Center"
    renewal = renewal_submit(application=renewal, attestations=STATEMENTS)
    previous_employer = certificate.application.employer

    assert renewal_changes(renewal) == [("Employer or organisation", previous_employer, "Bayou Children's Center")]
    admin_login(client, make_reviewer())
    page = client.get(reverse("admin:certifications_application_change", args=[renewal.pk])).content.decode()

    assert certificate.number in page
    assert reverse("admin:certifications_certificate_history", args=[certificate.pk]) in page
    assert "Renewal" in page and "certificates so far" in page.lower()
    assert "Not drawn for audit (0% of renewals are)." in page
    assert "Bayou Children&#x27;s Center" in page
    assert "✓ " + STATEMENTS[0] in page


@pytest.mark.parametrize(
    ("expires_in", "starts_in"),
    [
        (30, 31),  # approved early: the day after the old expiry
        (0, 1),  # approved on the expiry day: still the day after
        (-1, 0),  # approved in the grace period: the approval day
        (-90, 0),  # on the last day of grace
    ],
)
def test_the_new_validity_follows_the_old_expiry(expires_in, starts_in):
    certificate = holder_certificate(expires_in=expires_in)
    today = timezone.localdate()

    renewed = approve(submitted_renewal(certificate))

    new = renewed.certificate
    assert new.issued_on == today + timedelta(days=starts_in)
    assert new.expires_on == new.issued_on.replace(year=new.issued_on.year + 2)  # 24 months
    assert new.renews == certificate
    assert new.number != certificate.number
    certificate.refresh_from_db()
    assert certificate.renewed_by == new and certificate.is_renewed
    assert validity_starts_on(renewed, today=today) == new.issued_on


def test_verification_of_the_old_and_new_numbers_tells_the_line(client):
    certificate = holder_certificate()
    new = approve(submitted_renewal(certificate)).certificate

    old_page = client.get(reverse("certifications:verify", kwargs={"number": certificate.number}))
    old_json = client.get(reverse("certifications:verify-json", kwargs={"number": certificate.number})).json()
    new_json = client.get(reverse("certifications:verify-json", kwargs={"number": new.number})).json()

    html = old_page.content.decode()
    assert "This certificate has been renewed. The current certificate is" in html
    assert f'href="{new.get_absolute_url()}"' in html or new.number in html
    assert old_json["renewed_by"]["number"] == new.number
    assert old_json["current"]["number"] == new.number
    assert old_json["renews"] is None
    assert new_json["renews"]["number"] == certificate.number
    assert (new_json["renewed_by"], new_json["current"], new_json["valid"]) == (None, None, True)


def test_the_registry_and_the_map_show_one_entry_for_the_line(client):
    certificate = holder_certificate()
    partner = make_partner(certificate=certificate)
    new = approve(submitted_renewal(certificate)).certificate

    registry = client.get(reverse("certifications:registry"))

    numbers = [c.number for c in registry.context["certificates"]]
    assert numbers == [new.number]
    partner.refresh_from_db()
    assert partner.certificate == new
    assert partner.history.first().certificate_id == new.pk


def test_a_rejected_renewal_leaves_the_certificate_as_it_is_and_may_be_tried_again():
    certificate = holder_certificate()
    renewal = submitted_renewal(certificate)
    reviewer = make_reviewer()
    renewal = services.application_start_review(application=renewal, reviewer=reviewer)
    services.application_reject(application=renewal, reviewer=reviewer, message="No evidence of training.")

    certificate.refresh_from_db()
    assert (certificate.status, certificate.is_renewed, certificate.can_renew()) == ("active", False, True)
    assert Certificate.objects.active().listed().filter(pk=certificate.pk).exists()
    assert submitted_renewal(certificate).status == Status.SUBMITTED


def test_a_reopened_renewal_puts_the_old_certificate_back_in_the_registry():
    from tests.factories import make_staff

    certificate = holder_certificate()
    partner = make_partner(certificate=certificate)
    renewed = approve(submitted_renewal(certificate))
    assert not Certificate.objects.listed().filter(pk=certificate.pk).exists()

    services.application_reopen(
        application=renewed, reviewer=make_staff(role="Site administrators"), message="Evidence was forged."
    )

    certificate.refresh_from_db()
    assert certificate.is_renewed is False
    assert Certificate.objects.active().listed().filter(pk=certificate.pk).exists()
    partner.refresh_from_db()
    assert partner.certificate == certificate


# REMINDERS


def reminders_due(today):
    return services.certificates_send_reminders(today=today)


def test_no_reminder_goes_to_a_certificate_with_a_renewal_under_way_or_done(send_queued, mailoutbox):
    under_way = holder_certificate(expires_in=30)
    done = holder_certificate(expires_in=30)
    submitted_renewal(under_way)
    approve(submitted_renewal(done))
    waiting = holder_certificate(expires_in=30)

    with send_queued():
        sent = reminders_due(timezone.localdate())

    assert sent["reminded_30_at"] == 1
    reminders = [m.subject for m in mailoutbox if m.subject.startswith("Your NMT certificate")]
    assert reminders == [f"Your NMT certificate {waiting.number} expires in 30 days"]
    # Idempotent: a second run sends nothing more.
    assert reminders_due(timezone.localdate())["reminded_30_at"] == 0


def test_reminders_restart_when_the_renewal_is_withdrawn(send_queued, mailoutbox):
    certificate = holder_certificate(expires_in=30)
    renewal = submitted_renewal(certificate)
    assert reminders_due(timezone.localdate())["reminded_30_at"] == 0

    services.application_withdraw(application=renewal)

    with send_queued():
        assert reminders_due(timezone.localdate())["reminded_30_at"] == 1
    [reminder] = [m for m in mailoutbox if certificate.number in m.body and "expires on" in m.body]
    assert f"/my/certificates/{certificate.number}/renew/" in reminder.body


def test_the_grace_reminder_stops_for_a_renewal_under_way():
    certificate = holder_certificate(expires_in=-40)
    waiting = holder_certificate(expires_in=-40)
    submitted_renewal(certificate)

    assert certificates_send_grace_reminders(today=timezone.localdate()) == 1
    waiting.refresh_from_db()
    certificate.refresh_from_db()
    assert waiting.reminded_grace_at is not None and certificate.reminded_grace_at is None


@pytest.mark.parametrize("template", ["90", "30", "0", "grace"])
def test_every_reminder_links_to_the_renewal_of_its_certificate(template):
    from apps.certifications.emails import sample_context
    from apps.core.emails import email_render

    _, body = email_render(
        template=f"certifications/email/certificate_reminder_{template}",
        context={**sample_context(f"certificate_reminder_{template}"), "site_url": "https://nmt.example.org"},
    )
    assert "/my/certificates/NMT-C-2026-00031-7KQX4M/renew/" in body


def test_the_sample_audit_email_reads_well():
    mail.outbox = []
    from apps.certifications.emails import EDITABLE_EMAILS

    templates = {email.template for email in EDITABLE_EMAILS}
    assert {"certifications/email/renewal_submitted", "certifications/email/renewal_audit_requested"} <= templates


# SITES


def test_a_site_renews_from_its_coordinator_page_and_its_listing_follows(client):
    from tests.accounts.sites_world import make_coordinator, make_listing, make_site

    site = make_site(email="coordinator@harbor.example.org")
    # Not drawn for audit: the draw is random, and this test follows a renewal straight to approval.
    site.program.renewal_audit_percent = 0
    site.program.save()
    today = timezone.localdate()
    Certificate.objects.filter(application=site).update(
        issued_on=today - timedelta(days=700), expires_on=today + timedelta(days=20)
    )
    old = Certificate.objects.get(application=site)
    listing = make_listing(site)
    coordinator = make_coordinator(site, email="coordinator@harbor.example.org")
    client.force_login(coordinator, backend="allauth.account.auth_backends.AuthenticationBackend")
    site_page = reverse("accounts:site", kwargs={"reference": site.reference})
    assert f'href="{renew_url(old)}">Renew the site’s certificate' in client.get(site_page).content.decode()

    form = client.get(renew_url(old)).context["form"]
    assert form["organisation_name"].value() == site.organisation_name
    assert form["sustainability_plan"].value() == site.sustainability_plan
    response = renewal_post(client, old)
    renewal = Application.objects.get(renews=old)
    assert response.status_code == 302 and renewal.kind == "site" and renewal.reference.startswith("NMT-S-")

    new = approve(renewal).certificate
    listing.refresh_from_db()
    assert listing.certificate == new
    page = client.get(site_page).content.decode()
    assert new.number in page
    assert new.issued_on == old.expires_on + timedelta(days=1)

    # Still one site, named by either number in a clinician's application; one entry to list on the map.
    from apps.accounts.sites import sites_of
    from apps.certifications.forms.applications import SiteCertificateField
    from apps.partners.services import certified_sites_without_partner

    assert [m.site for m in sites_of(coordinator)] == [site]
    assert SiteCertificateField().clean(new.number) == site
    assert SiteCertificateField().clean(old.number.lower()) == site
    assert SiteCertificateField().prepare_value(site.pk) == new.number
    listing.certificate = None
    listing.save()
    assert list(certified_sites_without_partner()) == [new]


def test_the_dashboard_counts_renewals_and_overdue_audits(client):
    from tests.staff import admin_login

    submitted_renewal(holder_certificate())
    audited = submitted_renewal(holder_certificate(audit_percent=100))
    submitted_renewal(holder_certificate(audit_percent=100))
    Application.objects.filter(pk=audited.pk).update(audit_due_on=timezone.localdate() - timedelta(days=2))
    services.certificates_daily()
    admin_login(client, make_reviewer())

    response = client.get(reverse("admin:certifications_dashboard"))

    # Awaiting review: the one not audited and the overdue audit back in review.
    assert response.context["stats"]["renewals"] == {"awaiting": 2, "audits_open": 1, "audits_overdue": 1}


def test_a_renewal_approved_early_says_when_it_takes_over(client):
    certificate = holder_certificate(expires_in=10)
    new = approve(submitted_renewal(certificate)).certificate

    html = client.get(reverse("certifications:verify", kwargs={"number": new.number})).content.decode()

    assert new.starts_later
    assert f"Valid from {date_format(new.issued_on)}</strong> until {date_format(new.expires_on)}" in html
    assert f"It renews certificate {certificate.number}, which is valid until then." in html
