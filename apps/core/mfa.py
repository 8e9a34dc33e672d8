"""Staff's second factor (django-allauth's MFA): the secrets of authenticator apps and recovery codes
are stored encrypted, and the admin lists authenticators without ever showing them."""

import base64

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib import admin


def _fernet():
    # A key of its own, derived from SECRET_KEY: changing SECRET_KEY means staff set up their
    # authenticator again (manage.py reset_second_factor), as it also signs them all out.
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"nmt-portal mfa secrets").derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text):
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text):
        return _fernet().decrypt(encrypted_text.encode()).decode()


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Who has which second factor. Site administrators delete one to reset a lost authenticator;
    nobody sees or edits its secret."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
