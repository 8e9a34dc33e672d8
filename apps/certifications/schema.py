"""schema.org data for the programs page: each program as an EducationalOccupationalCredential."""

from apps.core.seo import absolute_url, organisation


def programs_schema(programs):
    """One JSON-LD graph of the credentials `programs` lead to, recognised by the organisation."""
    recognised_by = organisation()
    return {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "EducationalOccupationalCredential",
                "name": program.name,
                "description": program.summary,
                "credentialCategory": "certificate",
                "url": absolute_url(program.get_absolute_url()),
                "validFor": f"P{program.validity_months}M",
                "recognizedBy": recognised_by,
            }
            for program in programs
        ],
    }
