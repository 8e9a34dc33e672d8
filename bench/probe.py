"""What the benchmark needs to know of a database, asked inside Django in a subprocess of bench/run.py:

    python -m bench.probe facts           sizes and identifiers (a certificate, a partner, late pages...)
    python -m bench.probe terms COUNT     COUNT distinct search terms per text search, from the data
    python -m bench.probe queries         SQL queries of each [who, path] read as JSON from stdin

Each prints one line of JSON last. The environment (DATABASE_URL, DJANGO_SETTINGS_MODULE) says
which database and settings.
"""

import json
import math
import random
import re
import sys
import urllib.parse
from datetime import timedelta

# Search words that say nothing (and that PostgreSQL's english configuration drops).
_STOPWORDS = (
    "about above after again against all and any are because been before being below between both but can "
    "did does doing down during each few for from further had has have having her here hers him his how "
    "into its itself just more most nor not now off once only other our ours out over own same she should "
    "some such than that the their theirs them then there these they this those through too under until "
    "very was were what when where which while who whom why will with would you your yours"
)
STOPWORDS = frozenset(_STOPWORDS.split())
WORD = re.compile(r"[^\W_]+")
# The text searches measured with a different term at every request: (name, path before the term).
# Events have no text search.
SEARCHES = [
    ("FAQ search", "/faq/?q="),
    ("library search", "/library/?q="),
    ("registry search", "/registry/?q="),
    ("partners search", "/partners/?q="),
]


def facts():
    """Counts for the header, and identifiers for the pages that need real ones."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from apps.certifications.models import Application, Certificate, Program
    from apps.events.models import Event, Registration
    from apps.faq.models import Page, Question
    from apps.library.models import Publication
    from apps.partners.models import Partner
    from apps.partners.views import PAGE_SIZE as PARTNERS_PAGE_SIZE

    applications = Application.objects.count()
    listed = Certificate.objects.active().listed().count()
    published_partners = Partner.objects.published().count()
    submitted = Application.objects.exclude(status="draft").order_by("pk").values_list("pk", "reference")
    # Django's "Past 7 days" link of the submitted filter, as the changelist writes it.
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    reviewer = get_user_model().objects.filter(username="scale-reviewer-1").values_list("pk", flat=True).first()
    program = Program.objects.order_by("pk").values_list("pk", flat=True).first()
    return {
        "counts": {
            "applications": applications,
            "partners": Partner.objects.count(),
            "events": Event.objects.count(),
            "registrations": Registration.objects.count(),
            "publications": Publication.objects.count(),
            "faqs": Question.objects.count(),
        },
        "certificate": _nth(Certificate.objects.order_by("pk").values_list("number", flat=True), 500),
        "partner": _nth(Partner.objects.published().order_by("pk").values_list("slug", flat=True), 100),
        "application": list(_nth(submitted, 5000) or (0, "")),
        "event": _nth(Event.objects.published().upcoming().values_list("slug", flat=True), 0),
        "publication": _nth(Publication.objects.published().order_by("pk").values_list("slug", flat=True), 0),
        "information_pages": list(Page.objects.published().order_by("slug").values_list("slug", flat=True)),
        # The second to last page: deep in the list, and there whatever the exact count.
        "registry_late_page": max(1, math.ceil(listed / 25) - 1),
        "partners_late_page": max(1, math.ceil(published_partners / PARTNERS_PAGE_SIZE) - 1),
        "admin_late_page": max(1, math.ceil(applications / 50) - 1),
        "country": "US",
        "program": program,
        "reviewer": reviewer,
        "past_week": urllib.parse.urlencode(
            {"submitted_at__gte": str(today - timedelta(days=7)), "submitted_at__lt": str(today + timedelta(days=1))}
        ),
    }


def _nth(values, n):
    count = values.count()
    return values[min(n, count - 1)] if count else ""


def _search_rows():
    """For each text search: the searchable text of what it can find, and whether it matches parts of
    words (substring searches) or whole words (PostgreSQL full-text search)."""
    from apps.certifications.models import Certificate
    from apps.faq.models import Question
    from apps.library.models import Publication
    from apps.partners.models import Partner

    publications = Publication.objects.published().values_list("title", "abstract", "authors", "source")
    return {
        "FAQ search": (Question.objects.published().values_list("question", "answer"), False),
        # Words of the text (english stems) and of the authors and source (as written) are matched by
        # two separate queries: a term mixing both finds nothing, so each term takes words of one.
        "library search": ([part for row in publications for part in (row[:2], row[2:])], False),
        "registry search": (Certificate.objects.active().listed().values_list("holder_name", "city"), True),
        "partners search": (Partner.objects.published().values_list("name", "city", "region"), True),
    }


def _words(row):
    seen = {}
    for text in row:
        for word in WORD.findall(text.lower()):
            if (len(word) >= 3 or word.isdigit()) and word not in STOPWORDS:
                seen.setdefault(word, None)
    return list(seen)


def make_terms(rows, count, *, parts_of_words, rng):
    """Up to `count` distinct terms, each one to four words (in the order they appear) of one row, so
    each finds at least that row; a substring search also gets the first letters of a word, as typed."""
    rows = [words for words in map(_words, rows) if words]
    terms = {}
    attempts = 0
    while rows and len(terms) < count and attempts < count * 20:
        attempts += 1
        words = rng.choice(rows)
        picked = sorted(rng.sample(range(len(words)), min(len(words), rng.choice([1, 2, 2, 3, 3, 4]))))
        chosen = []
        for index in picked:
            word = words[index]
            if parts_of_words and len(word) > 4 and rng.random() < 0.3:
                word = word[: rng.randint(3, len(word) - 1)]
            chosen.append(word)
        terms.setdefault(" ".join(chosen), None)
    return list(terms)


def _finds_something(name, term):
    from apps.certifications.filters import RegistryFilterForm
    from apps.certifications.models import Certificate
    from apps.faq.models import Question
    from apps.library.models import Publication
    from apps.partners.models import Partner

    if name == "FAQ search":
        return Question.objects.published().search(term).exists()
    if name == "library search":
        return Publication.objects.published().search(term).exists()
    if name == "registry search":
        return RegistryFilterForm({"q": term}).filter(Certificate.objects.active().listed()).exists()
    return Partner.objects.published().search(term).exists()


def terms(count, sample=20):
    """{name: {"path", "terms", "checked", "found"}}: `checked` terms spread over the list were run
    through the page's own query, `found` of them found something."""
    rng = random.Random(2026)
    out = {}
    for name, path in SEARCHES:
        rows, parts_of_words = _search_rows()[name]
        found_terms = make_terms(rows, count, parts_of_words=parts_of_words, rng=rng)
        checked = found_terms[:: max(1, len(found_terms) // sample)][:sample]
        found = sum(_finds_something(name, term) for term in checked)
        out[name] = {"path": path, "terms": found_terms, "checked": len(checked), "found": found}
    return out


def queries(paths):
    """[who, path, status, number of SQL queries] for each [who, path], the second time it is asked."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.core.admin_site import ADMIN_SESSION_KEY, admin_sign_in_state

    anonymous, reviewer = Client(), Client()
    account = get_user_model().objects.get(username="bench-reviewer")
    reviewer.force_login(account)
    # As the admin's own sign-in leaves the session (a reviewer with no second factor set up): a
    # force_login alone is sent to the admin's login page.
    session = reviewer.session
    session[ADMIN_SESSION_KEY] = admin_sign_in_state(account, second_factor=False)
    session.save()
    out = []
    for who, path in paths:
        client = reviewer if who == "reviewer" else anonymous
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        out.append([who, path, status, len(captured)])
    return out


def main(argv):
    import django

    django.setup()
    command = argv[0]
    if command == "facts":
        result = facts()
    elif command == "terms":
        result = terms(int(argv[1]))
    elif command == "queries":
        result = queries(json.load(sys.stdin))
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
