"""The blank application form is rendered once and personalised per visitor."""

import re

import pytest

from apps.certifications.views import BLANK_SUBMISSION_KEY
from apps.core.form_cache import CSRF_PLACEHOLDER
from tests.factories import make_program

pytestmark = pytest.mark.django_db

KEY = re.compile(r'name="submission_key" value="([0-9a-f-]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_each_visitor_gets_their_own_csrf_token_and_submission_key(client, django_assert_max_num_queries):
    make_program(name="NMT Phase I", slug="phase-1")
    first = client.get("/apply/individual/").content.decode()

    with django_assert_max_num_queries(0):  # the page, programs and all, comes from the cache
        second = client.get("/apply/individual/").content.decode()

    assert KEY.search(first).group(1) != KEY.search(second).group(1)
    assert str(BLANK_SUBMISSION_KEY) not in first + second
    assert CSRF_PLACEHOLDER not in first + second
    assert CSRF.search(second) is not None
    assert KEY.sub("", CSRF.sub("", first)) == KEY.sub("", CSRF.sub("", second))


def test_editing_a_program_shows_in_the_form_at_once(client, django_capture_on_commit_callbacks):
    program = make_program(name="NMT Phase I", slug="phase-1")
    client.get("/apply/individual/")

    with django_capture_on_commit_callbacks(execute=True):
        program.name = "NMT Phase I (2027 edition)"
        program.save()

    assert "NMT Phase I (2027 edition)" in client.get("/apply/individual/").content.decode()


def test_the_placeholder_key_is_refused(client):
    program = make_program(name="NMT Phase I", slug="phase-1")

    response = client.post(
        "/apply/individual/", {"submission_key": str(BLANK_SUBMISSION_KEY), "program": program.pk, "action": "submit"}
    )

    assert response.status_code == 400
