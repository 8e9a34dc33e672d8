"""LinkedIn's "Add to profile" link for a certificate: a prefilled Licences & certifications form
that the holder confirms on LinkedIn. Nothing is sent to LinkedIn from here."""

from urllib.parse import urlencode

from apps.certifications.tokens import verify_url

from .pdf import ISSUER

ADD_TO_PROFILE_URL = "https://www.linkedin.com/profile/add"
# The issuing organisation as LinkedIn should show it. With ORGANIZATION_ID (the number in the
# address of our LinkedIn page's admin view) LinkedIn links the certification to that page and its
# logo, and the name is left out; without it, the name is plain text on the holder's profile.
ORGANIZATION_NAME = ISSUER
ORGANIZATION_ID = ""


def linkedin_add_url(certificate):
    """The link that opens LinkedIn's certification form filled in with `certificate`."""
    organization = {"organizationId": ORGANIZATION_ID} if ORGANIZATION_ID else {"organizationName": ORGANIZATION_NAME}
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.program.name,
        **organization,
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
        "expirationYear": certificate.expires_on.year,
        "expirationMonth": certificate.expires_on.month,
        "certUrl": verify_url(certificate),
        "certId": certificate.number,
    }
    return f"{ADD_TO_PROFILE_URL}?{urlencode(params)}"
