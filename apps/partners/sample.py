"""Sample partners for `make run` (embedded database only), every one labelled "Sample".

Certified sample sites get real certificates: a sample site application approved through the
certification services, so their badges behave exactly as in production.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from apps.certifications import services as certification_services
from apps.certifications.models import Application, Program
from apps.certifications.models import Kind as CertificateKind

from .models import Partner
from .services import partners_changed

SITE = Partner.Kind.SITE
ORGANISATION = Partner.Kind.ORGANISATION
PRACTICE = Partner.Kind.PRACTICE

# slug, name, kind, city, region, country, latitude, longitude, certified, logo colour
PARTNERS = [
    (
        "harbor-family-services",
        "Harbor Family Services",
        SITE,
        "Houston",
        "Texas",
        "US",
        "29.760427",
        "-95.369803",
        True,
        "#0f4c5c",
    ),
    (
        "houston-heights-counselling",
        "Houston Heights Counselling",
        PRACTICE,
        "Houston",
        "Texas",
        "US",
        "29.798912",
        "-95.398519",
        False,
        None,
    ),
    (
        "galveston-bay-youth-centre",
        "Galveston Bay Youth Centre",
        ORGANISATION,
        "Galveston",
        "Texas",
        "US",
        "29.301348",
        "-94.797696",
        False,
        None,
    ),
    (
        "chicago-child-trauma-institute",
        "Chicago Child Trauma Institute",
        SITE,
        "Chicago",
        "Illinois",
        "US",
        "41.878114",
        "-87.629798",
        True,
        "#9a3412",
    ),
    (
        "bay-area-family-practice",
        "Bay Area Family Practice",
        PRACTICE,
        "Oakland",
        "California",
        "US",
        "37.804364",
        "-122.271114",
        False,
        None,
    ),
    (
        "seattle-childrens-outreach",
        "Seattle Children's Outreach",
        ORGANISATION,
        "Seattle",
        "Washington",
        "US",
        "47.606209",
        "-122.332071",
        False,
        None,
    ),
    (
        "denver-foster-care-alliance",
        "Denver Foster Care Alliance",
        ORGANISATION,
        "Denver",
        "Colorado",
        "US",
        "39.739236",
        "-104.990251",
        False,
        None,
    ),
    (
        "atlanta-school-partnership",
        "Atlanta School Partnership",
        SITE,
        "Atlanta",
        "Georgia",
        "US",
        "33.748995",
        "-84.387982",
        True,
        None,
    ),
    (
        "boston-early-childhood-practice",
        "Boston Early Childhood Practice",
        PRACTICE,
        "Boston",
        "Massachusetts",
        "US",
        "42.360082",
        "-71.058880",
        False,
        None,
    ),
    (
        "toronto-youth-wellness-centre",
        "Toronto Youth Wellness Centre",
        SITE,
        "Toronto",
        "Ontario",
        "CA",
        "43.653226",
        "-79.383184",
        True,
        "#166534",
    ),
    (
        "prairie-child-trauma-centre",
        "Prairie Child Trauma Centre",
        SITE,
        "Calgary",
        "Alberta",
        "CA",
        "51.044733",
        "-114.071883",
        True,
        None,
    ),
    (
        "vancouver-island-family-services",
        "Vancouver Island Family Services",
        ORGANISATION,
        "Victoria",
        "British Columbia",
        "CA",
        "48.428421",
        "-123.365644",
        False,
        None,
    ),
    (
        "thames-valley-childrens-centre",
        "Thames Valley Children's Centre",
        SITE,
        "Reading",
        "England",
        "GB",
        "51.454265",
        "-0.978130",
        True,
        "#1d4ed8",
    ),
    (
        "edinburgh-child-psychology-practice",
        "Edinburgh Child Psychology Practice",
        PRACTICE,
        "Edinburgh",
        "Scotland",
        "GB",
        "55.953252",
        "-3.188267",
        False,
        None,
    ),
    (
        "dublin-family-therapy-practice",
        "Dublin Family Therapy Practice",
        PRACTICE,
        "Dublin",
        "",
        "IE",
        "53.349805",
        "-6.260310",
        False,
        None,
    ),
    (
        "amsterdam-youth-care-partners",
        "Amsterdam Youth Care Partners",
        ORGANISATION,
        "Amsterdam",
        "North Holland",
        "NL",
        "52.367573",
        "4.904139",
        False,
        None,
    ),
    (
        "berlin-child-and-youth-practice",
        "Berlin Child and Youth Practice",
        PRACTICE,
        "Berlin",
        "",
        "DE",
        "52.520008",
        "13.404954",
        False,
        None,
    ),
    (
        "stockholm-children-and-families",
        "Stockholm Children and Families",
        ORGANISATION,
        "Stockholm",
        "",
        "SE",
        "59.329323",
        "18.068581",
        False,
        None,
    ),
    (
        "helsinki-family-services",
        "Helsinki Family Services",
        ORGANISATION,
        "Helsinki",
        "Uusimaa",
        "FI",
        "60.169856",
        "24.938379",
        False,
        None,
    ),
    (
        "copenhagen-school-network",
        "Copenhagen School Network",
        ORGANISATION,
        "Copenhagen",
        "",
        "DK",
        "55.676097",
        "12.568337",
        False,
        None,
    ),
    (
        "northern-lights-youth-services",
        "Northern Lights Youth Services",
        ORGANISATION,
        "Tromsø",
        "Troms",
        "NO",
        "69.649208",
        "18.955324",
        False,
        None,
    ),
    (
        "sydney-developmental-trauma-clinic",
        "Sydney Developmental Trauma Clinic",
        SITE,
        "Sydney",
        "New South Wales",
        "AU",
        "-33.868820",
        "151.209296",
        True,
        "#7c3aed",
    ),
    (
        "melbourne-child-wellbeing-network",
        "Melbourne Child Wellbeing Network",
        ORGANISATION,
        "Melbourne",
        "Victoria",
        "AU",
        "-37.813628",
        "144.963058",
        False,
        None,
    ),
    (
        "brisbane-residential-care",
        "Brisbane Residential Care",
        ORGANISATION,
        "Brisbane",
        "Queensland",
        "AU",
        "-27.469771",
        "153.025124",
        False,
        None,
    ),
    (
        "auckland-whanau-services",
        "Auckland Whānau Services",
        SITE,
        "Auckland",
        "",
        "NZ",
        "-36.848460",
        "174.763332",
        True,
        None,
    ),
    (
        "cape-town-child-guidance-clinic",
        "Cape Town Child Guidance Clinic",
        ORGANISATION,
        "Cape Town",
        "Western Cape",
        "ZA",
        "-33.924869",
        "18.424055",
        False,
        None,
    ),
]

DESCRIPTION = (
    "*This is sample data for trying out the portal; the organisation is fictional.*\n\n"
    "{name} works with children, adolescents and families in and around {city}, using the "
    "Neurosequential Model of Therapeutics to match therapeutic, educational and enrichment "
    "activities to each child's needs and strengths."
)


def _site_program():
    program = Program.objects.filter(kind=CertificateKind.SITE).order_by("order", "pk").first()
    if program is None:
        program = Program.objects.create(
            name="Sample: NMT site certification",
            slug="sample-site-certification",
            kind=CertificateKind.SITE,
            summary="Sample program used by the sample partners.",
            validity_months=24,
        )
    return program


def _certificate(slug, name, city, region, country, n):
    """A sample site application walked through submit, review and approval by the services."""
    application = Application.objects.create(
        kind=CertificateKind.SITE,
        program=_site_program(),
        organisation_name=f"Sample: {name}",
        organisation_type="clinic",
        email=f"coordinator@{slug}.example.org",
        phone=f"+1 555 01{n:02d}",
        country=country,
        city=city,
        region=region,
        address_line1=f"{10 + n} Sample Street",
        website=f"https://{slug}.example.org",
        coordinator_name="Sample Coordinator",
        coordinator_role="Clinical director",
        sponsor_name="Sample Sponsor",
        sponsor_title="Chief executive",
        services_description="Sample site.",
        consent_privacy=True,
        show_on_map=True,
    )
    application = certification_services.application_submit(application=application)
    application = certification_services.application_start_review(application=application, reviewer=None)
    application = certification_services.application_approve(application=application, reviewer=None)
    return application.certificate


def _logo(name, colour):
    """A simple square logo with the partner's initials."""
    image = Image.new("RGB", (240, 240), colour)
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    ImageDraw.Draw(image).text((120, 120), initials, fill="#ffffff", anchor="mm", font_size=96)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return ContentFile(output.getvalue(), name="logo.png")


def load(ledger):
    for n, (slug, name, kind, city, region, country, lat, lng, certified, colour) in enumerate(PARTNERS, start=1):
        slug = f"sample-{slug}"

        def create(
            slug=slug,
            name=name,
            kind=kind,
            city=city,
            region=region,
            country=country,
            lat=lat,
            lng=lng,
            certified=certified,
            colour=colour,
            n=n,
        ):
            partner = Partner(
                name=f"Sample: {name}",
                slug=slug,
                kind=kind,
                description=DESCRIPTION.format(name=name, city=city),
                website=f"https://{slug}.example.org",
                email=f"info@{slug}.example.org",
                phone=f"+1 555 02{n:02d}",
                address=f"{10 + n} Sample Street",
                city=city,
                region=region,
                country=country,
                latitude=lat,
                longitude=lng,
                is_published=True,
                certificate=_certificate(slug, name, city, region, country, n) if certified else None,
            )
            if colour:
                partner.logo = _logo(name, colour)
            partner.full_clean()
            partner.save()
            return partner

        if not Partner.objects.filter(slug=slug).exists():
            ledger.once(f"partners.partner:{slug}", create)
    partners_changed()
