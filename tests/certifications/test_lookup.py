"""/status/: a fresh private link by email on a match, and an answer that tells nobody anything."""

import re

import pytest
from django_tasks_db.models import DBTaskResult

from apps.certifications.lookup import send_status_link
from apps.certifications.models import Status
from tests.factories import make_application
from tests.html import text_of

pytestmark = pytest.mark.django_db

URL = "/status/"


@pytest.fixture
def application():
    return make_application(status=Status.IN_REVIEW)


def test_lookup_form_renders_labelled_fields(client):
    html = client.get(URL).content.decode()

    assert text_of(html, "label", for_="id_reference") == "Reference number*"
    assert text_of(html, "label", for_="id_email") == "Email*"
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_match_emails_a_fresh_status_link_through_the_worker(client, application, send_queued, mailoutbox):
    mailoutbox.clear()

    with send_queued():
        response = client.post(URL, {"reference": application.reference, "email": "dana@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/status/sent/"
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["dana@example.org"]
    assert email.subject == f"Your link to application {application.reference}"
    path = re.search(r"https?://\S+(/applications/\S+/)", email.body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    assert text_of(page.content.decode(), "h1") == f"Application {application.reference}"


@pytest.mark.parametrize(
    ("reference", "email"),
    [
        ("own", "someone-else@example.org"),
        ("NMT-I-2020-99999", "dana@example.org"),
        ("NMT-S-2020-00001", "dana@example.org"),
    ],
)
def test_no_match_looks_exactly_like_a_match_and_sends_nothing(
    client, application, send_queued, mailoutbox, reference, email
):
    reference = application.reference if reference == "own" else reference
    with send_queued():  # the match's lookup is run and its link sent: only the no match's is counted
        matched = client.post(URL, {"reference": application.reference, "email": "dana@example.org"}, follow=True)
    mailoutbox.clear()

    with send_queued():
        unmatched = client.post(URL, {"reference": reference, "email": email}, follow=True)

    assert mailoutbox == []
    assert unmatched.redirect_chain == matched.redirect_chain == [("/status/sent/", 302)]
    assert unmatched.content == matched.content
    assert text_of(unmatched.content.decode(), "h1") == "Check your email"


def _queued_lookups():
    """(reference, email) of each lookup queued for the worker and not run yet, oldest first."""
    tasks = DBTaskResult.objects.filter(task_path=send_status_link.module_path, status="READY").order_by("enqueued_at")
    return [(task.args_kwargs["kwargs"]["reference"], task.args_kwargs["kwargs"]["email"]) for task in tasks]


def test_the_request_does_the_same_work_whether_or_not_it_matches(client, application, django_assert_num_queries):
    """The view only queues the lookup (one query: the insert of its task row); the worker decides.
    Same queries, same queued task."""
    queued = []
    for email in ["dana@example.org", "nobody@example.org"]:
        with django_assert_num_queries(1):
            client.post(URL, {"reference": application.reference, "email": email})
        queued.append((application.reference, email))
        assert _queued_lookups() == queued


def test_references_and_emails_are_matched_however_they_were_typed(client, application, send_queued, mailoutbox):
    mailoutbox.clear()
    typed = " " + application.reference.lower().replace("-", "–") + " "

    with send_queued():
        client.post(URL, {"reference": typed, "email": "Dana@Example.ORG"})

    assert [m.to for m in mailoutbox] == [["dana@example.org"]]


def test_drafts_are_never_found(client, send_queued, mailoutbox):
    make_application(status=Status.DRAFT)

    with send_queued():
        client.post(URL, {"reference": "NMT-I-2026-00001", "email": "dana@example.org"})

    assert mailoutbox == []


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"reference": "12345", "email": "dana@example.org"},
            {"reference": ["Enter the reference as it appears in your email, e.g. NMT-I-2026-00042."]},
        ),
        (
            {"reference": "NMT-I-2026-00001", "email": "dana"},
            {"email": ["Enter an email address in the correct format, like name@example.org."]},
        ),
        (
            {"reference": "", "email": ""},
            {
                "reference": ["Enter your reference number, like NMT-I-2026-00042."],
                "email": ["Enter the email address you applied with."],
            },
        ),
    ],
)
def test_malformed_input_is_refused_at_the_field(client, data, errors):
    response = client.post(URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors == errors


def test_lookup_is_rate_limited_per_reference_from_any_address(client, application):
    data = {"reference": application.reference, "email": "guess@example.org"}
    for n in range(5):
        assert client.post(URL, data, REMOTE_ADDR=f"198.51.100.{n}").status_code == 302

    response = client.post(URL, data, REMOTE_ADDR="198.51.100.99")

    assert response.status_code == 429
    other = {"reference": "NMT-I-2020-00001", "email": "guess@example.org"}
    assert client.post(URL, other, REMOTE_ADDR="198.51.100.99").status_code == 302


def test_lookup_is_rate_limited_per_address_across_references(client):
    for n in range(20):
        data = {"reference": f"NMT-I-2026-{n:05d}", "email": "guess@example.org"}
        assert client.post(URL, data, REMOTE_ADDR="203.0.113.7").status_code == 302

    response = client.post(URL, {"reference": "NMT-I-2026-00099", "email": "x@example.org"}, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429
    assert client.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 200
