"""Sharing a certificate from the holder's pages: the LinkedIn "Add to profile" link and the badge
to embed on their own website."""

from django import template

from ..badge import badge_embed_html
from ..linkedin import linkedin_add_url

register = template.Library()


@register.simple_tag
def linkedin_url(certificate):
    return linkedin_add_url(certificate)


@register.simple_tag
def badge_embed(certificate):
    """The HTML a holder pastes into their site (shown as text, to copy)."""
    return badge_embed_html(certificate)
