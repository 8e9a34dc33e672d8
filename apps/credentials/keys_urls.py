"""The issuer's published keys, at the well-known paths verifiers look for (include at the root)."""

from django.urls import path

from . import views_keys

urlpatterns = [
    path(".well-known/did.json", views_keys.did_document, name="did-document"),
    path(".well-known/jwks.json", views_keys.jwks, name="jwks"),
]
