"""Plain builders for test data: `make_<thing>(**overrides)` returns a saved object."""

from functools import wraps
from itertools import count

from apps.faq.models import Category, Page, Question
from apps.inquiries.models import Inquiry

_sequence = count(1)


def _n():
    return next(_sequence)


def _setup_emails_discarded(build):
    """Emails are queued in the transaction that makes what they are about. A builder that goes
    through the real services (submission, review, registration) queues theirs too; inside a test's
    transaction they are discarded when the builder returns, so each test counts only the emails of
    what it does itself. A test on committed data (transaction=True, the browser tests) keeps them."""

    @wraps(build)
    def builder(*args, **kwargs):
        from django.db import connection
        from django_tasks_db.models import DBTaskResult

        if not connection.in_atomic_block:
            return build(*args, **kwargs)
        before = set(DBTaskResult.objects.values_list("pk", flat=True))
        built = build(*args, **kwargs)
        DBTaskResult.objects.filter(task_path="apps.core.tasks.send_email").exclude(pk__in=before).delete()
        return built

    return builder


def discard_queued_emails():
    """Forget the emails a test's setup queued (the send_email tasks not run yet) and those already
    sent to the test outbox, so the test counts only the emails of what it does itself. For a setup
    that calls services directly rather than through a builder above."""
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path="apps.core.tasks.send_email").delete()
    if hasattr(mail, "outbox"):
        mail.outbox.clear()


def queued_emails():
    """The emails queued for the worker and not sent yet (its READY send_email tasks), sorted:
    [(to, subject)]."""
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(task_path="apps.core.tasks.send_email", status="READY")
    return sorted((task.args_kwargs["kwargs"]["to"], task.args_kwargs["kwargs"]["subject"]) for task in tasks)


# --- faq ---


def make_category(**overrides):
    n = _n()
    values = {"name": f"Category {n}", "slug": f"category-{n}", "order": n}
    values.update(overrides)
    return Category.objects.create(**values)


def make_question(**overrides):
    n = _n()
    values = {
        "question": f"Question number {n}?",
        "slug": f"question-{n}",
        "answer": f"Answer number {n}.",
        "order": n,
    }
    values.update(overrides)
    if "category" not in values:
        values["category"] = make_category()
    return Question.objects.create(**values)


def make_page(**overrides):
    n = _n()
    values = {"title": f"Page {n}", "slug": f"page-{n}", "body": f"Body of page {n}."}
    values.update(overrides)
    return Page.objects.create(**values)


# --- inquiries ---


def make_inquiry(**overrides):
    values = {
        "name": "Alex Rivera",
        "email": "alex@example.org",
        "topic": Inquiry.Topic.GENERAL,
        "message": "When is the next training?",
    }
    values.update(overrides)
    return Inquiry.objects.create(**values)


# --- certifications ---


def make_program(**overrides):
    from apps.certifications.models import Kind, Program

    n = _n()
    values = {
        "name": f"Program {n}",
        "slug": f"program-{n}",
        "kind": Kind.INDIVIDUAL,
        "summary": "A certification program.",
        "validity_months": 24,
    }
    values.update(overrides)
    return Program.objects.create(**values)


INDIVIDUAL_FIELDS = {
    "full_name": "Dana Whitfield",
    "email": "dana@example.org",
    "phone": "+1 555 0100",
    "country": "US",
    "city": "Houston",
    "profession": "Clinical psychologist",
    "credential_type": "Licensed psychologist",
    "credential_number": "PSY-12345",
    "credential_issuer": "Texas State Board",
    "employer": "Harbor Child Center",
    "years_of_practice": 8,
    "populations": ["children", "families"],
    "prior_training": "NMT case-based trainings, 2025.",
    "heard_about": "colleague",
    "motivation": "I work with children who have experienced trauma.",
    "consent_privacy": True,
    "list_in_registry": True,
}

SITE_FIELDS = {
    "organisation_name": "Harbor Family Services",
    "organisation_type": "clinic",
    "website": "https://harbor.example.org",
    "address_line1": "12 Harbor Road",
    "postal_code": "77001",
    "region": "Texas",
    "country": "US",
    "city": "Houston",
    "staff_to_train": 12,
    "populations": ["children", "adolescents"],
    "settings_served": "Outpatient clinic and school outreach.",
    "coordinator_name": "Sam Ortiz",
    "coordinator_role": "Clinical director",
    "email": "sam@harbor.example.org",
    "phone": "+1 555 0111",
    "sponsor_name": "Riley Chen",
    "sponsor_title": "Chief executive",
    "sponsor_email": "riley@harbor.example.org",
    "services_description": "Outpatient therapy for children and families.",
    "sustainability_plan": "Two internal trainers and quarterly case reviews.",
    "consent_privacy": True,
    "show_on_map": True,
}


@_setup_emails_discarded
def make_application(*, status="submitted", reviewer=None, **overrides):
    """An application walked through the real services to `status` (draft, submitted, in_review,
    info_requested, answered, approved, rejected, withdrawn)."""
    from apps.certifications import services
    from apps.certifications.models import Application, Kind, Status

    kind = overrides.pop("kind", None) or (overrides["program"].kind if "program" in overrides else Kind.INDIVIDUAL)
    values = dict(INDIVIDUAL_FIELDS if kind == Kind.INDIVIDUAL else SITE_FIELDS)
    values.update(overrides)
    if "program" not in values:
        values["program"] = make_program(kind=kind)
    application = Application.objects.create(kind=kind, **values)
    if status == Status.DRAFT:
        return application
    application = services.application_submit(application=application)
    if status == Status.WITHDRAWN:
        return services.application_withdraw(application=application)
    if status == Status.SUBMITTED:
        return application
    reviewer = reviewer or _make_reviewer()
    application = services.application_start_review(application=application, reviewer=reviewer)
    if status in {Status.INFO_REQUESTED, Status.ANSWERED}:
        application = services.application_request_info(
            application=application, reviewer=reviewer, message="Please send your licence."
        )
        if status == Status.ANSWERED:
            return services.application_answer(application=application, message="My licence is attached.")
        return application
    if status == Status.APPROVED:
        return services.application_approve(application=application, reviewer=reviewer)
    if status == Status.REJECTED:
        return services.application_reject(
            application=application, reviewer=reviewer, message="Training not completed."
        )
    return application


def _make_reviewer():
    n = _n()
    return make_staff(role="Reviewers", username=f"reviewer{n}", email=f"reviewer{n}@example.org")


# --- events ---


def make_event(**overrides):
    """A published online case-based training a month from now, unless overridden."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.events.models import Event

    n = _n()
    values = {
        "title": f"Case-based training {n}",
        "slug": f"case-based-training-{n}",
        "kind": Event.Kind.CASE_BASED,
        "description": "A 90-minute case conference.",
        "starts_at": (timezone.now() + timedelta(days=30)).replace(microsecond=0),
        "timezone": "America/Chicago",
        "join_url": f"https://meet.example.org/secret-room-{n}",
        "capacity": 20,
        "is_published": True,
    }
    values.update(overrides)
    return Event.objects.create(**values)


@_setup_emails_discarded
def make_registration(**overrides):
    """A registration made through the real service (so capacity and the waitlist apply)."""
    from apps.events.services import registration_create

    n = _n()
    values = {
        "name": f"Registrant {n}",
        "email": f"registrant{n}@example.org",
        "organisation": "Harbor Child Center",
        "role": "clinician",
        "is_nmt_certified": False,
    }
    values.update(overrides)
    if "event" not in values:
        values["event"] = make_event()
    return registration_create(**values)


# --- library ---


def make_topic(**overrides):
    from apps.library.models import Topic

    n = _n()
    values = {"name": f"Topic {n}", "slug": f"topic-{n}"}
    values.update(overrides)
    return Topic.objects.create(**values)


def make_publication(*, topics=(), **overrides):
    from apps.library.models import Publication

    n = _n()
    values = {
        "title": f"Publication {n}",
        "slug": f"publication-{n}",
        "authors": "Bruce D. Perry",
        "year": 2010,
        "kind": Publication.Kind.ARTICLE,
        "source": "Journal of Examples",
        "abstract": f"Abstract of publication {n}.",
    }
    values.update(overrides)
    publication = Publication.objects.create(**values)
    if topics:
        publication.topics.set(topics)
    return publication


# --- certifications: applications ---


def make_program_with_documents(*, documents=(), **overrides):
    """A program asking for `documents`, given as (kind, required) pairs."""
    from apps.certifications.models import ProgramDocument

    program = make_program(**overrides)
    for kind, required in documents:
        ProgramDocument.objects.create(program=program, kind=kind, required=required)
    return program


def individual_form_data(program, **overrides):
    """A complete POST for /apply/individual/ (files go in as overrides, e.g. document_cv=upload(...))."""
    import uuid

    data = {
        **{k: v for k, v in INDIVIDUAL_FIELDS.items() if k not in {"consent_privacy", "list_in_registry"}},
        "program": str(program.pk),
        "consent_privacy": "on",
        "list_in_registry": "on",
        "submission_key": str(uuid.uuid4()),
        "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def individual_files():
    """The documents make_phase_one() requires, as uploads for individual_form_data: a CV (PDF) and
    a licence (PNG)."""
    from tests.files import pdf_bytes, png_bytes, upload

    return {"document_cv": upload("cv.pdf", pdf_bytes()), "document_licence": upload("licence.png", png_bytes())}


def site_form_data(program, **overrides):
    """A complete POST for /apply/site/."""
    import uuid

    data = {
        **{k: v for k, v in SITE_FIELDS.items() if k not in {"consent_privacy", "show_on_map"}},
        "program": str(program.pk),
        "consent_privacy": "on",
        "show_on_map": "on",
        "submission_key": str(uuid.uuid4()),
        "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def section_post(data, slug, *, kind="individual", **extra):
    """The POST of one section's page of the journey: that section's fields of `data` (a complete
    one-page POST such as individual_form_data's), its submission key, and `extra` (files, action)."""
    from apps.certifications.sections import tasks_of

    [section] = [s for s in tasks_of(kind) if s.slug == slug]
    fields = {name: data[name] for name in section.field_names if name in data}
    return {"submission_key": data["submission_key"], "action": "continue", **fields, **extra}


def journey_pages(client, data, *, kind="individual"):
    """{section slug: its page's HTML}, the program saved first (it starts the draft); and "check",
    the check-your-answers page, when `data` holds the documents to complete the application."""
    from apps.certifications.sections import tasks_of

    pages = {}
    for section in tasks_of(kind):
        pages[section.slug] = client.get(f"/apply/{kind}/sections/{section.slug}/").content.decode()
        files = {
            k: v for k, v in data.items() if section.documents and (k.startswith("document_") or k == "other_documents")
        }
        client.post(f"/apply/{kind}/sections/{section.slug}/", section_post(data, section.slug, kind=kind, **files))
    check = client.get(f"/apply/{kind}/check/")
    if check.status_code == 200:
        pages["check"] = check.content.decode()
    return pages


def make_document(application, *, kind="cv", content=None, name="document.pdf"):
    """A stored document of `application`, through the same code path as an upload."""
    from apps.certifications.services import application_documents_add
    from apps.core.uploads import clean_upload
    from tests.files import pdf_bytes, upload

    clean_file = clean_upload(upload(name, content or pdf_bytes()))
    application_documents_add(application=application, documents=[(kind, clean_file)])
    return application.documents.order_by("-pk").first()


def private_files():
    """Every file in private storage, as paths relative to PRIVATE_MEDIA_ROOT."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def make_phase_one(**overrides):
    """An open individual program like the starter's NMT Phase I: CV and licence required, training
    certificate optional."""
    values = {"name": "NMT Phase I", "slug": "nmt-phase-i"}
    values.update(overrides)
    return make_program_with_documents(
        documents=[("cv", True), ("licence", True), ("training_certificate", False)], **values
    )


def make_site_program(**overrides):
    """An open site program: organisation chart and letter of support required."""
    values = {"name": "NMT Site Certification", "slug": "nmt-site", "kind": "site"}
    values.update(overrides)
    return make_program_with_documents(documents=[("organisation_chart", True), ("letter_of_support", True)], **values)


def stored_bytes(document):
    with document.file.open("rb") as handle:
        return handle.read()


# --- partners ---


def make_partner(**overrides):
    """A published organisation in Houston unless overridden."""
    from decimal import Decimal

    from apps.partners.models import Partner

    n = _n()
    values = {
        "name": f"Partner {n}",
        "slug": f"partner-{n}",
        "kind": Partner.Kind.ORGANISATION,
        "city": "Houston",
        "region": "Texas",
        "country": "US",
        "latitude": Decimal("29.760427"),
        "longitude": Decimal("-95.369803"),
        "is_published": True,
    }
    values.update(overrides)
    return Partner.objects.create(**values)


def make_site_certificate(**overrides):
    """An active site certificate, issued through the real approval services."""
    return make_application(status="approved", program=make_program(kind="site"), **overrides).certificate


# --- core: photographs ---


def make_photo(*, size=(1600, 1000), content=None, **overrides):
    """A photograph saved through `photo_save`: its files are in the test's media folder."""
    from apps.core.models import Photo
    from apps.core.services import photo_save
    from tests import files

    n = _n()
    values = {"title": f"Photo {n}", "alt_text": f"A child and a therapist playing, number {n}."}
    values.update(overrides)
    upload = files.upload(f"photo-{n}.png", content if content is not None else files.png_bytes(size=size))
    return photo_save(photo=Photo(**values), upload=upload)


# --- certifications: review ---


def make_staff(*, role=None, **overrides):
    """A staff account, in the role group named (Reviewers, Content editors, Site administrators)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    n = _n()
    values = {"username": f"staff{n}", "email": f"staff{n}@example.org", "is_staff": True}
    values.update(overrides)
    user = get_user_model().objects.create_user(**values)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_certificate(*, application=None, **overrides):
    """The certificate of an approved application, with fields (dates, status, listing) overridden."""
    from apps.certifications.models import Certificate

    application = application or make_application(status="approved")
    certificate = Certificate.objects.get(application=application)
    if overrides:
        Certificate.objects.filter(pk=certificate.pk).update(**overrides)
        certificate.refresh_from_db()
    return certificate


# --- accounts ---


def make_person(email="holder@example.org", **overrides):
    """An account that confirmed `email` by code, as a first sign-in leaves it: it holds the address,
    and every record made with it so far is theirs."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from apps.accounts.services import email_holding_start

    n = _n()
    values = {"username": f"person{n}", "email": email.lower()}
    values.update(overrides)
    user = get_user_model().objects.create_user(**values)
    EmailAddress.objects.create(user=user, email=email.lower(), primary=True, verified=True)
    email_holding_start(user=user, email=email)
    return user
