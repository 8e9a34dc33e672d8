"""The requests of the SQLite smoke job (scripts/sqlite-smoke.sh), on a migrated embedded database
with the starter and sample content: every public page of DESIGN.md's table that exists, with sample
slugs, and the FAQ, library, registry and partner searches, whose SQLite branches (substring
matching instead of PostgreSQL's full-text search) must find what they find on PostgreSQL; then the
staff dashboard, whose median has a SQLite branch too. Prints each answer; exits 1 on any failure.
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmt_portal.settings")


def first(queryset, what):
    found = queryset.first()
    if found is None:
        sys.exit(f"SQLite smoke: the sample data has no {what}.")
    return found


def public_requests():
    """(path, text the page must contain, or None)."""
    from django.conf import settings
    from django.urls import reverse

    from apps.certifications.models import Application, Certificate
    from apps.certifications.tokens import make_certificate_token, make_token
    from apps.events.models import Event
    from apps.faq.models import Page
    from apps.learning.models import CECertificate
    from apps.learning.tokens import ce_url, make_ce_token
    from apps.library.models import Publication
    from apps.partners.models import Partner

    event = first(Event.objects.published().upcoming(), "upcoming published event")
    partner = first(Partner.objects.filter(is_published=True), "published partner")
    certificate = first(Certificate.objects.filter(listed_publicly=True), "publicly listed certificate")
    publication = first(Publication.objects.published(), "published publication")
    application = first(Application.objects.exclude(status="draft"), "submitted application")
    ce_certificate = first(CECertificate.objects.select_related("registration__event"), "CE certificate")
    requests = [
        ("/", None),
        ("/faq/", None),
        *((f"/pages/{slug}/", None) for slug in Page.objects.filter(is_published=True).values_list("slug", flat=True)),
        ("/certification/", None),
        ("/apply/individual/", None),
        ("/apply/individual/sections/program/", None),
        ("/apply/site/", None),
        (reverse("certifications:status", kwargs={"token": make_token(application)}), application.reference),
        ("/status/", None),
        ("/registry/", None),
        (f"/verify/{certificate.number}/", certificate.holder_name),
        (f"/verify/{certificate.number}.json", certificate.number),
        ("/partners/", None),
        (f"/partners/{partner.slug}/", partner.name),
        ("/partners.geojson", partner.name),
        ("/events/", None),
        ("/events/past/", None),
        (f"/events/{event.slug}/", event.title),
        (f"/events/{event.slug}/register/", event.title),
        ("/events.ics", "BEGIN:VCALENDAR"),
        (f"/events/{event.slug}.ics", "BEGIN:VCALENDAR"),
        ("/library/", None),
        (f"/library/{publication.slug}/", publication.title),
        ("/contact/", None),
        ("/accounts/login/", "Sign in to My NMT"),
        ("/healthz", None),
        ("/readyz", None),
        # The searches, on SQLite's substring branch: parts of words, in any case, in any order.
        ("/faq/?q=NEUROSEQ", "Neurosequential"),
        ("/library/?q=raised+szalav", "The Boy Who Was Raised as a Dog"),
        (f"/registry/?q={certificate.holder_name.split()[-1].lower()}", certificate.holder_name),
        (f"/partners/?q={partner.name.split()[-1].upper()}", partner.name),
        # The Open Badges credentials: the public keys, the status lists, the check, the badge, and
        # the holder's downloads beside the printable certificate.
        ("/.well-known/did.json", "did:web:"),
        ("/.well-known/jwks.json", "Ed25519"),
        ("/credentials/status-list/1", "BitstringStatusListCredential"),
        ("/credentials/revocation-list/", "revokedCredentials"),
        ("/verify/credential/", "Check an NMT credential"),
        (f"/verify/{certificate.number}/badge.svg", "NMT certified"),
        *(
            (f"/certificates/{make_certificate_token(certificate)}/{name}", None)
            for name in ["credential.json", "credential.jwt", "badge.png", "certificate.pdf"]
        ),
        # Continuing education: an event offering credit, a CE certificate's check, the attendee's
        # private CE page and its PDF.
        (f"/events/{ce_certificate.registration.event.slug}/", "Continuing education"),
        (f"/ce/verify/{ce_certificate.number}/", ce_certificate.participant_name),
        (ce_url(ce_certificate.registration).removeprefix(settings.SITE_URL), "Your CE credit"),
        (
            reverse(
                "learning:participant-certificate",
                kwargs={"token": make_ce_token(ce_certificate.registration), "number": ce_certificate.number},
            ),
            None,
        ),
    ]
    return requests


def main():
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    if connection.vendor != "sqlite" or not settings.USING_EMBEDDED_DATABASE:
        sys.exit("SQLite smoke: this must run on the embedded SQLite database (DATABASE_URL unset).")
    client = Client(SERVER_NAME="127.0.0.1")
    failures = []

    def check(path, must_contain):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode(errors="replace")
        ok = response.status_code == 200 and (must_contain is None or must_contain in text)
        print(f"{'ok  ' if ok else 'FAIL'} {response.status_code} {path}")
        if not ok:
            failures.append(
                f"{path}: {response.status_code}, expected 200" + (f" with {must_contain!r}" if must_contain else "")
            )

    for path, must_contain in public_requests():
        check(path, must_contain)

    # My NMT of the sample site's coordinator, signed in as a code sign-in leaves them.
    from apps.accounts import sample as accounts_sample
    from apps.accounts.services import account_for_address
    from apps.accounts.sites import sites_of

    coordinator = account_for_address(email=accounts_sample.COORDINATOR)
    client.force_login(coordinator, backend="allauth.account.auth_backends.AuthenticationBackend")
    check("/my/", "My NMT")
    site = sites_of(coordinator)[0].site
    check(f"/my/sites/{site.reference}/", site.organisation_name)
    check("/my/privacy/", "Your data")
    client.logout()

    # The sample clinician's My NMT: her progress and her CE transcript.
    from apps.accounts.services import email_holding_start
    from apps.learning import sample as learning_sample

    clinician = account_for_address(email=learning_sample.CLINICIAN)
    email_holding_start(user=clinician, email=learning_sample.CLINICIAN)  # as her first code sign-in does
    client.force_login(clinician, backend="allauth.account.auth_backends.AuthenticationBackend")
    check("/my/", "Progress toward certification")
    check("/my/ce/", "NMT-CE-")
    check("/my/ce/transcript.pdf", None)
    check("/my/ce/transcript.csv", "NMT-CE-")
    client.logout()

    # The admin, signed in as its login leaves a superuser who gave both factors.
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from apps.core.admin_site import ADMIN_SESSION_KEY, admin_sign_in_state
    from apps.events.models import Event as CEEvent

    staff = get_user_model().objects.create_superuser("sqlite-smoke", "smoke@example.org", None)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    session = client.session
    session[ADMIN_SESSION_KEY] = admin_sign_in_state(staff, second_factor=True)
    session.save()
    check("/admin/", "Neurosequential Model of Therapeutics: staff")
    check("/admin/certifications/application/dashboard/", "Median")
    check("/admin/certifications/application/?q=sample", None)
    ce_event = CEEvent.objects.get(slug="sample-case-based-training-with-ce")
    check(f"/admin/events/event/{ce_event.pk}/change/", "CE report")
    check(f"/admin/events/event/{ce_event.pk}/ce-report/", "Sample: Dana Whitfield")
    client.logout()

    if failures:
        print("SQLite smoke failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print("SQLite smoke: every page answered 200.")


if __name__ == "__main__":
    main()
