"""The JSON-LD credentials on the programs page."""

import json

import pytest

from apps.core.models import SiteSettings
from tests.factories import make_program
from tests.html import elements

pytestmark = pytest.mark.django_db

SITE = "https://nmt.example.org"


def test_programs_page_describes_each_open_program_as_a_credential(client, settings):
    settings.SITE_URL = SITE
    SiteSettings.objects.create(organisation_name="The Neurosequential Network")
    make_program(name="NMT Phase I", slug="nmt-phase-i", summary="The first level.", validity_months=24, order=1)
    make_program(
        name="NMT Site Certification", slug="nmt-site", kind="site", summary="For organisations.", validity_months=36
    )
    make_program(name="Retired level", slug="retired", is_open=False)

    html = client.get("/certification/").content.decode()

    blocks = elements(html, "script", type="application/ld+json")
    organisation = {"@type": "Organization", "name": "The Neurosequential Network", "url": f"{SITE}/"}
    assert len(blocks) == 1
    assert json.loads(blocks[0][2]) == {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "EducationalOccupationalCredential",
                "name": "NMT Phase I",
                "description": "The first level.",
                "credentialCategory": "certificate",
                "url": f"{SITE}/certification/#nmt-phase-i",
                "validFor": "P24M",
                "recognizedBy": organisation,
            },
            {
                "@type": "EducationalOccupationalCredential",
                "name": "NMT Site Certification",
                "description": "For organisations.",
                "credentialCategory": "certificate",
                "url": f"{SITE}/certification/#nmt-site",
                "validFor": "P36M",
                "recognizedBy": organisation,
            },
        ],
    }
