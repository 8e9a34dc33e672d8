"""The staff dashboard: figures, chart and query count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.certifications.dashboard import dashboard_stats
from apps.certifications.models import Application
from apps.core.roles import CONTENT_EDITORS, REVIEWERS
from tests.factories import make_application, make_certificate, make_program, make_staff
from tests.html import elements
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/certifications/application/dashboard/"


def _age(application, *, submitted_days_ago, decided_days_ago=None):
    now = timezone.now()
    values = {"submitted_at": now - timedelta(days=submitted_days_ago)}
    if decided_days_ago is not None:
        values["decided_at"] = now - timedelta(days=decided_days_ago)
    Application.objects.filter(pk=application.pk).update(**values)


def test_figures_count_statuses_ages_median_and_expiring():
    program = make_program()
    _age(make_application(status="submitted", program=program), submitted_days_ago=2)
    _age(make_application(status="in_review", program=program), submitted_days_ago=10)
    _age(make_application(status="submitted", program=program), submitted_days_ago=45)
    make_application(status="draft", program=program)
    approved = []
    for submitted, decided in [(30, 20), (20, 16), (12, 6)]:  # 10, 4 and 6 days to a decision
        approved.append(make_application(status="approved", program=program))
        _age(approved[-1], submitted_days_ago=submitted, decided_days_ago=decided)
    today = timezone.localdate()
    soon = make_certificate(
        application=approved[0], issued_on=today - timedelta(days=700), expires_on=today + timedelta(days=20)
    )

    stats = dashboard_stats()

    assert [(label, count) for label, count, _ in stats["by_status"]] == [
        ("Draft", 1),
        ("Submitted", 2),
        ("In review", 1),
        ("Information requested", 0),
        ("Answer received", 0),
        ("Approved", 3),
        ("Rejected", 0),
        ("Withdrawn", 0),
    ]
    assert stats["awaiting_by_age"] == [("under a week", 1), ("1–2 weeks", 1), ("2–4 weeks", 0), ("over 30 days", 1)]
    assert stats["median_days"] == 6.0
    assert (stats["expiring_count"], stats["expiring"]) == (1, [soon])


def test_an_answered_request_counts_as_awaiting_review():
    _age(make_application(status="answered"), submitted_days_ago=8)
    make_application(status="info_requested")

    stats = dashboard_stats()

    counts = {label: count for label, count, _ in stats["by_status"]}
    assert (counts["Answer received"], counts["Information requested"]) == (1, 1)
    assert stats["awaiting_by_age"] == [("under a week", 0), ("1–2 weeks", 1), ("2–4 weeks", 0), ("over 30 days", 0)]
    assert stats["awaiting_total"] == 1


def test_chart_has_a_bar_per_month_scaled_to_the_busiest():
    program = make_program()
    for _ in range(4):
        make_application(status="submitted", program=program)
    _age(make_application(status="submitted", program=program), submitted_days_ago=40)

    chart = dashboard_stats()["chart"]

    assert len(chart["bars"]) == 12
    assert chart["bars"][-1].count == 4
    assert chart["bars"][-1].height == 180.0  # the full plotting height
    assert sum(bar.count for bar in chart["bars"]) == 5


def test_no_decisions_yet_has_no_median():
    make_application(status="submitted")

    assert dashboard_stats()["median_days"] is None


def test_dashboard_page_draws_an_accessible_svg_without_inline_styles(client):
    admin_login(client, make_staff(role=REVIEWERS))
    make_application(status="submitted")

    response = client.get(DASHBOARD)

    html = response.content.decode()
    assert response.status_code == 200
    svg = elements(html, "svg", class_="bar-chart")[0][1]
    assert (svg["role"], svg["aria-labelledby"]) == ("img", "chart-title chart-desc")
    assert len(elements(html, "rect")) == 12
    assert " style=" not in html.split('<div id="content-main"', 1)[1]


@pytest.mark.parametrize("size", [5, 50])
def test_dashboard_query_count_does_not_grow(client, django_assert_max_num_queries, size):
    admin_login(client, make_staff(role=REVIEWERS))
    program = make_program()
    for i in range(size):
        make_application(status=["submitted", "approved", "in_review"][i % 3], program=program)

    with django_assert_max_num_queries(14):
        client.get(DASHBOARD)


def test_admin_index_links_the_dashboard_for_reviewers_only(client):
    admin_login(client, make_staff(role=REVIEWERS))
    reviewer_links = [attrs["href"] for _, attrs, _ in elements(client.get("/admin/").content.decode(), "a")]
    admin_login(client, make_staff(role=CONTENT_EDITORS))
    editor_links = [attrs["href"] for _, attrs, _ in elements(client.get("/admin/").content.decode(), "a")]

    assert DASHBOARD in reviewer_links
    assert DASHBOARD not in editor_links


def test_the_figures_are_kept_for_the_configured_time_and_the_page_says_when_they_were_made(client, settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    make_application(status="submitted")
    admin_login(client, make_staff(role=REVIEWERS))

    first = client.get(DASHBOARD)
    make_application(status="submitted")
    second = client.get(DASHBOARD)

    assert first.context["stats"]["awaiting_total"] == second.context["stats"]["awaiting_total"] == 1
    assert second.context["stats"]["computed_at"] == first.context["stats"]["computed_at"]
    made = timezone.localtime(first.context["stats"]["computed_at"])
    assert f"Figures as of {made:%-d %B %Y, %H:%M}" in second.content.decode()

    settings.DASHBOARD_CACHE_SECONDS = 0
    assert dashboard_stats()["awaiting_total"] == 2
