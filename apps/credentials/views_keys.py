"""The issuer's public keys for verifiers: its did:web DID document and a JWK Set."""

import logging

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from . import keys

logger = logging.getLogger(__name__)

# Verifiers fetch these from anywhere, browsers' wallets included; a rotation shows within minutes.
PUBLIC_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"}


def _published(build, content_type):
    try:
        published = keys.published_keys()
        document = build() if published else None
    except keys.KeyConfigurationError as error:
        logger.error("The issuer keys cannot be published: %s", error)
        document = None
    if document is None:
        return JsonResponse(
            {"error": "The portal's issuer keys are not available."},
            status=503,
            headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"},
        )
    return JsonResponse(document, content_type=content_type, headers=PUBLIC_HEADERS)


@require_safe
def did_document(request):
    """/.well-known/did.json: what a did:web resolver fetches for the portal's DID (with no path in
    SITE_URL; see keys.issuer_did)."""
    return _published(keys.did_document, "application/did+json")


@require_safe
def jwks(request):
    """/.well-known/jwks.json: the same keys as a JWK Set, for JOSE (VC-JWT) verifiers."""
    return _published(keys.jwks, "application/json")
