"""What the accessibility audit's pages show, built through the real services."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.certifications.models import Program, Status
from apps.certifications.tokens import DRAFT_SALT, make_token
from apps.events.services import registration_cancel
from apps.events.tokens import make_cancel_token
from apps.partners.models import Partner
from tests import files
from tests.factories import (
    make_application,
    make_certificate,
    make_document,
    make_event,
    make_partner,
    make_registration,
    make_site_certificate,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def days(n):
    return timezone.now() + timedelta(days=n)


def status_path(status, **overrides):
    application = make_application(status=status, **overrides)
    if status == Status.INFO_REQUESTED:
        make_document(application, kind="cv", name="curriculum-vitae.pdf")
    return f"/applications/{make_token(application)}/"


def site_status_path():
    return status_path(Status.APPROVED, program=Program.objects.get(slug="nmt-site"))


def expired_link_path():
    application = make_application(status=Status.SUBMITTED)
    real_time = time.time
    try:
        time.time = lambda: real_time() - timedelta(days=181).total_seconds()
        token = make_token(application)
    finally:
        time.time = real_time
    return f"/applications/{token}/"


def resume_path():
    program = Program.objects.get(slug="nmt-phase-i")
    draft = make_application(status=Status.DRAFT, program=program, city="", consent_privacy=False)
    make_document(draft, kind="cv", name="cv.pdf")
    return f"/apply/resume/{make_token(draft, salt=DRAFT_SALT)}/"


def complete_draft_path():
    """The resume link of an individual draft with every section complete (the check page's way in)."""
    program = Program.objects.get(slug="nmt-phase-i")
    draft = make_application(status=Status.DRAFT, program=program, consent_privacy=False)
    make_document(draft, kind="cv", name="cv.pdf")
    make_document(draft, kind="licence", name="licence.pdf")
    return f"/apply/resume/{make_token(draft, salt=DRAFT_SALT)}/"


def certificate(state):
    today = timezone.localdate()
    if state == "expired":
        return make_certificate(issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=10))
    if state == "revoked":
        return make_certificate(status="revoked", revoked_at=timezone.now(), revoked_reason="Training not completed.")
    return make_certificate()


def partners():
    certified = make_partner(
        name="Harbor Family Services",
        kind=Partner.Kind.SITE,
        description="Outpatient therapy for **children and families**.",
        website="https://harbor.example.org",
        email="info@harbor.example.org",
        phone="+1 713 555 0100",
        certificate=make_site_certificate(),
    )
    certified.logo.save("logo.png", ContentFile(files.png_bytes()), save=True)
    make_partner(
        name="Dr Lee's practice",
        kind=Partner.Kind.PRACTICE,
        city="Halifax",
        region="Nova Scotia",
        country="CA",
        latitude=Decimal("44.648618"),
        longitude=Decimal("-63.585949"),
    )
    return certified


def events():
    open_event = make_event(title="Case-based training: spring", capacity=30, description="Bring a **case**.")
    make_registration(event=open_event)
    full = make_event(title="Small workshop", kind="workshop", capacity=1, starts_at=days(40))
    make_registration(event=full)
    closed = make_event(title="Closed webinar", kind="webinar", registration_closes_at=days(-1), starts_at=days(5))
    not_yet = make_event(
        title="Autumn conference",
        kind="conference",
        join_url="",
        venue="Harbor Conference Centre, 12 Harbor Road, Houston",
        registration_opens_at=days(10),
        starts_at=days(60),
    )
    past = make_event(title="Winter case-based training", starts_at=days(-30))
    return {"open": open_event, "full": full, "closed": closed, "not_yet_open": not_yet, "past": past}


def cancel_path(cancelled=False):
    registration = make_registration(event=make_event(title="Case-based training: spring"))
    if cancelled:
        registration_cancel(registration=registration)
    return f"/events/{registration.event.slug}/cancel/{make_cancel_token(registration)}/"
