"""What the hostile-input suite shares: payloads, and readers for what a request left behind."""

from pathlib import Path

from django.conf import settings
from django.utils.html import escape

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, ATTRIBUTE]
PAYLOAD_IDS = ["script", "attribute"]
# Django's EmailValidator accepts a quoted local part, so an address can carry markup too.
SCRIPT_EMAIL = '"<script>alert(1)</script>"@example.org'


def stored_files():
    """Every file under the public and the private media folders, as paths relative to their root."""
    found = []
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        if root.exists():
            found += [f"{root.name}/{p.relative_to(root)}" for p in root.rglob("*") if p.is_file()]
    return sorted(found)


def assert_escaped(html, payload):
    """`payload` is on the page, and only ever as text: never as markup."""
    assert payload not in html
    assert escape(payload) in html


def assert_not_markup(html, payload):
    """`payload` is nowhere on the page as markup (it may not be shown at all)."""
    assert payload not in html


def assert_plain_text_email(email, payload):
    """A plain-text email carries the payload as typed, and no HTML part is ever made from it."""
    assert email.content_subtype == "plain"
    assert getattr(email, "alternatives", []) == []
    assert "text/html" not in [part.get_content_type() for part in email.message().walk()]
    assert payload in email.body
    assert escape(payload) not in email.body


def form_errors(response):
    """{field: [messages]} of the form a page re-rendered (public page or admin)."""
    context = response.context
    form = context["adminform"].form if "adminform" in context else context["form"]
    return {name: list(messages) for name, messages in form.errors.items()}


def without_csrf(html):
    """The page with its per-visitor CSRF token blanked, so two answers can be compared byte for byte."""
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
