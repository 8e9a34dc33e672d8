"""Benchmark data for `manage.py seed_scale_data`: thousands of partners around the world."""

from decimal import Decimal

from apps.certifications.models import Certificate, Kind
from apps.partners.models import Partner

OPTIONS = {"partners": (10_000, "partners on the map")}

CITIES = [
    ("US", "Texas", "Houston", 29.76, -95.37),
    ("US", "Illinois", "Chicago", 41.88, -87.63),
    ("US", "Washington", "Seattle", 47.61, -122.33),
    ("US", "New York", "New York", 40.71, -74.01),
    ("US", "Colorado", "Denver", 39.74, -104.99),
    ("CA", "Alberta", "Calgary", 51.05, -114.07),
    ("CA", "Ontario", "Toronto", 43.65, -79.38),
    ("CA", "Nova Scotia", "Halifax", 44.65, -63.57),
    ("GB", "England", "Leeds", 53.80, -1.55),
    ("GB", "Scotland", "Glasgow", 55.86, -4.25),
    ("IE", "Munster", "Cork", 51.90, -8.47),
    ("NO", "Oslo", "Oslo", 59.91, 10.75),
    ("SE", "Skåne", "Malmö", 55.60, 13.00),
    ("DE", "Hamburg", "Hamburg", 53.55, 9.99),
    ("NL", "Utrecht", "Utrecht", 52.09, 5.12),
    ("AU", "South Australia", "Adelaide", -34.93, 138.60),
    ("AU", "New South Wales", "Sydney", -33.87, 151.21),
    ("NZ", "Wellington", "Wellington", -41.29, 174.78),
    ("ZA", "Western Cape", "Cape Town", -33.92, 18.42),
    ("JP", "Tokyo", "Tokyo", 35.68, 139.69),
]
WORDS = ["Harbor", "Northside", "Lakeside", "Pine Valley", "Riverbend", "Sunrise", "Oak Hill", "Bayview", "Cedar"]
SUFFIX = {
    Partner.Kind.SITE: "Children's Centre",
    Partner.Kind.ORGANISATION: "Family Services",
    Partner.Kind.PRACTICE: "Therapy Practice",
}


def seed(*, counts, rng, log):
    total = counts["partners"]
    if not total:
        return
    site_certificates = list(
        Certificate.objects.active().filter(kind=Kind.SITE, partners__isnull=True).values_list("pk", flat=True)[:total]
    )
    offset = Partner.objects.count()
    kinds = [Partner.Kind.SITE, Partner.Kind.ORGANISATION, Partner.Kind.PRACTICE]
    partners = []
    for i in range(total):
        country, region, city, lat, lon = rng.choice(CITIES)
        kind = rng.choices(kinds, weights=[3, 4, 3])[0]
        latitude = Decimal(str(round(lat + rng.uniform(-0.6, 0.6), 6)))
        longitude = Decimal(str(round(lon + rng.uniform(-0.6, 0.6), 6)))
        certificate = site_certificates.pop() if kind == Partner.Kind.SITE and site_certificates else None
        partners.append(
            Partner(
                name=f"{rng.choice(WORDS)} {SUFFIX[kind]} {offset + i}",
                slug=f"scale-partner-{offset + i}",
                kind=kind,
                description="Works with children and families using the Neurosequential Model.",
                description_html="<p>Works with children and families using the Neurosequential Model.</p>",
                website=f"https://partner{offset + i}.example.org",
                email=f"info@partner{offset + i}.example.org",
                city=city,
                region=region,
                country=country,
                latitude=latitude,
                longitude=longitude,
                is_published=rng.random() < 0.97,
                certificate_id=certificate,
            )
        )
    Partner.objects.bulk_create(partners, batch_size=5000)
    log(f"  {len(partners)} partners")
