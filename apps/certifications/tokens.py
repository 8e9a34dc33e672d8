"""Signed, expiring, revocable private links: the applicant's status page and draft resumption.

A token signs the application's random public id and its `token_version`; bumping the version
revokes every link sent before. Tokens expire; the applicant asks for a fresh one at /status/.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Application

STATUS_SALT = "certifications.status-link"
DRAFT_SALT = "certifications.draft-link"
STATUS_MAX_AGE = timedelta(days=180)
DRAFT_MAX_AGE = timedelta(days=30)


class InvalidToken(Exception):
    def __init__(self, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def make_token(application, *, salt=STATUS_SALT):
    return signing.dumps([application.public_id.hex, application.token_version], salt=salt)


def read_token(token, *, salt=STATUS_SALT, max_age=STATUS_MAX_AGE, queryset=None):
    """The application a token names; raises InvalidToken (with `.expired`) otherwise."""
    try:
        public_id, version = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise InvalidToken(expired=True) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidToken from error
    application = (queryset or Application.objects).filter(public_id=public_id).first()
    if application is None or application.token_version != version:
        raise InvalidToken
    return application


def status_url(application):
    path = reverse("certifications:status", kwargs={"token": make_token(application)})
    return f"{settings.SITE_URL}{path}"


def draft_url(application):
    path = reverse("certifications:resume", kwargs={"token": make_token(application, salt=DRAFT_SALT)})
    return f"{settings.SITE_URL}{path}"


# CERTIFICATES: the holder's private link to the printable certificate (emailed on approval).

CERTIFICATE_SALT = "certifications.certificate-link"


def make_certificate_token(certificate):
    """Signs the number with the application's random id; it lasts as long as the certificate."""
    return signing.dumps([certificate.number, certificate.application.public_id.hex], salt=CERTIFICATE_SALT)


def read_certificate_token(token, *, queryset):
    """The certificate a token names, from `queryset`; raises InvalidToken otherwise."""
    try:
        number, public_id = signing.loads(token, salt=CERTIFICATE_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidToken from error
    certificate = queryset.filter(number=number, application__public_id=public_id).first()
    if certificate is None:
        raise InvalidToken
    return certificate


def certificate_path(certificate):
    """The printable certificate's path, for links inside the portal's own pages."""
    return reverse("certifications:certificate", kwargs={"token": make_certificate_token(certificate)})


def certificate_url(certificate):
    """The same, absolute, for emails (they have no page to be relative to)."""
    return f"{settings.SITE_URL}{certificate_path(certificate)}"


def verify_url(certificate):
    return f"{settings.SITE_URL}{certificate.get_absolute_url()}"


def renew_url(certificate):
    """Where a holder renews `certificate`: in My NMT, after signing in with a code (no token, so
    a forwarded email renews nothing for anyone else)."""
    return f"{settings.SITE_URL}{reverse('accounts:renew', kwargs={'number': certificate.number})}"
