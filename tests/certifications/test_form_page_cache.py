"""The start of the journey: the task list, the same for every visitor, costs no query; the blank
first section's form is a `{% cache %}` fragment every visitor shares, with each visitor's own CSRF
token and submission key around it."""

import re
import uuid

import pytest

from apps.certifications.models import Application
from tests.factories import individual_form_data, make_program, section_post
from tests.html import elements

pytestmark = pytest.mark.django_db

TASKS = "/apply/individual/"
URL = "/apply/individual/sections/program/"
KEY = re.compile(r'name="submission_key" value="([0-9a-f-]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fragment_cache_on(page_cache):
    pass


def fragments(cache_keys):
    return cache_keys("template.cache.application-section")


def test_each_visitor_gets_their_own_csrf_token_and_submission_key(client, django_assert_max_num_queries):
    make_program(name="NMT Phase I", slug="phase-1")
    first = client.get(URL).content.decode()

    with django_assert_max_num_queries(0):  # the form, programs and all, comes from the fragment
        second = client.get(URL).content.decode()

    assert KEY.search(first).group(1) != KEY.search(second).group(1)
    assert uuid.UUID(KEY.search(second).group(1)).version == 4
    assert (len(KEY.findall(first + second)), len(CSRF.findall(first + second))) == (2, 2)
    assert CSRF.search(second) is not None
    assert KEY.sub("", CSRF.sub("", first)) == KEY.sub("", CSRF.sub("", second))


def test_the_shared_fragment_holds_neither_token_nor_key(client, cache_keys):
    from django.core.cache import cache

    make_program(name="NMT Phase I", slug="phase-1")
    page = client.get(URL).content.decode()

    [key] = fragments(cache_keys)
    fragment = cache.get(key.split(":", 2)[2])
    assert 'name="program"' in fragment
    assert "csrfmiddlewaretoken" not in fragment and "submission_key" not in fragment
    assert fragment in page


def test_the_form_from_the_fragment_can_be_submitted(client, django_capture_on_commit_callbacks):
    program = make_program(name="NMT Phase I", slug="phase-1")
    client.get(URL)
    page = client.get(URL).content.decode()

    data = {**individual_form_data(program), "submission_key": KEY.search(page).group(1)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, section_post(data, "program"))

    assert (response.status_code, response["Location"]) == (302, "/apply/individual/sections/about-you/")
    assert str(Application.objects.get().submission_key) == KEY.search(page).group(1)


def test_the_blank_task_list_costs_no_query_and_stores_nothing_in_the_session(client, django_assert_max_num_queries):
    make_program(name="NMT Phase I", slug="phase-1")
    client.get(TASKS)

    with django_assert_max_num_queries(0):
        response = client.get(TASKS, {"program": "phase-1"})

    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "/apply/individual/sections/program/?program=phase-1" in response.content.decode()


def test_editing_a_program_shows_in_the_form_at_once(client, django_capture_on_commit_callbacks):
    program = make_program(name="NMT Phase I", slug="phase-1")
    client.get(URL)

    with django_capture_on_commit_callbacks(execute=True):
        program.name = "NMT Phase I (2027 edition)"
        program.save()

    assert "NMT Phase I (2027 edition)" in client.get(URL).content.decode()


def test_a_chosen_program_is_preselected_from_its_own_fragment(client, django_assert_max_num_queries):
    make_program(name="NMT Phase I", slug="phase-1", order=10)
    mentor = make_program(name="NMT Mentor", slug="mentor", order=20)
    client.get(URL, {"program": "mentor"})

    with django_assert_max_num_queries(0):
        html = client.get(URL, {"program": "mentor"}).content.decode()
    blank = client.get(URL).content.decode()

    checked = [a["value"] for _, a, _ in elements(html, "input", name="program") if "checked" in a]
    assert checked == [str(mentor.pk)]
    assert [a for _, a, _ in elements(blank, "input", name="program") if "checked" in a] == []


def test_a_program_no_one_offers_adds_no_fragment(client, cache_keys):
    make_program(name="NMT Phase I", slug="phase-1")
    make_program(name="NMT Mentor", slug="mentor")
    client.get(URL)
    stored = fragments(cache_keys)

    answers = [client.get(URL, {"program": f"made-up-{n}"}) for n in range(20)]

    assert {answer.status_code for answer in answers} == {200}
    assert fragments(cache_keys) == stored
    assert len(stored) == 1


@pytest.mark.parametrize("path", [TASKS, URL])
def test_closed_applications_cost_no_query_either(client, django_assert_max_num_queries, path):
    make_program(name="Closed level", slug="closed", is_open=False)
    client.get(path)

    with django_assert_max_num_queries(0):
        response = client.get(path)

    assert response.context.get("form") is None
    assert "closed at the moment" in response.content.decode()


def test_a_form_with_errors_renders_whole_with_what_was_typed(client):
    make_program(name="NMT Phase I", slug="phase-1")
    client.get(URL)
    key = str(uuid.uuid4())

    data = {"submission_key": key, "program": "", "prior_training": "Two trainings", "action": "continue"}
    response = client.post(URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert elements(html, "div", id="form-errors") != []
    assert [t for _, _, t in elements(html, "textarea", name="prior_training")] == ["Two trainings"]
    assert KEY.findall(html) == [key]
    assert [a for _, a, _ in elements(html, "input", name="program") if "checked" in a] == []


def test_a_redis_outage_fails_neither_the_form_nor_a_submission(client, settings, django_capture_on_commit_callbacks):
    program = make_program(name="NMT Phase I", slug="phase-1")
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    page = client.get(URL).content.decode()
    tasks = client.get(TASKS)
    data = {**individual_form_data(program), "submission_key": KEY.search(page).group(1)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, section_post(data, "program"))

    assert 'name="program"' in page
    assert tasks.status_code == 200
    assert response.status_code == 302
    assert Application.objects.count() == 1
