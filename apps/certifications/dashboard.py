"""Figures for the staff dashboard, each from one aggregate query whatever the number of rows."""

import statistics
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Extract, TruncMonth
from django.utils import timezone
from django.utils.translation import ngettext

from .lifecycle import AWAITING_REVIEW
from .models import Application, Certificate, Status

AGE_BUCKETS = [(0, 7, "under a week"), (7, 14, "1–2 weeks"), (14, 30, "2–4 weeks"), (30, None, "over 30 days")]
MONTHS = 12
EXPIRING_DAYS = 90
EXPIRING_SHOWN = 20

# The chart's drawing area, in SVG user units.
CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 720, 240, 20, 40


class Median(Aggregate):
    """PostgreSQL's median of a numeric expression."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class Bar:
    label: str
    year: str
    title: str
    count: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    value_y: float


def _month_starts(today, months):
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def _median_days_to_decision(decided):
    """Median days from submission to decision of `decided` (a queryset), or None."""
    duration = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        seconds = decided.aggregate(median=Median(Extract(duration, "epoch")))["median"]
        return None if seconds is None else round(seconds / 86400, 1)
    # The embedded SQLite of `make run`: small enough to compute here.
    durations = [(d - s).total_seconds() for s, d in decided.values_list("submitted_at", "decided_at")]
    return round(statistics.median(durations) / 86400, 1) if durations else None


def submissions_chart(counts_by_month, months):
    """Bars of a server-rendered SVG chart: coordinates computed here, drawn by the template."""
    peak = max([*counts_by_month.values(), 1])
    slot = CHART_WIDTH / len(months)
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bars = []
    for index, month in enumerate(months):
        count = counts_by_month.get(month, 0)
        height = round(plot_height * count / peak, 1)
        x = round(index * slot + slot * 0.15, 1)
        y = round(CHART_TOP + plot_height - height, 1)
        bars.append(
            Bar(
                label=month.strftime("%b"),
                year=str(month.year) if index == 0 or month.month == 1 else "",
                title=f"{month:%B %Y}: "
                + ngettext("%(count)d submission", "%(count)d submissions", count) % {"count": count},
                count=count,
                x=x,
                y=y,
                width=round(slot * 0.7, 1),
                height=height,
                label_x=round(index * slot + slot / 2, 1),
                value_y=round(y - 4, 1),
            )
        )
    return {
        "bars": bars,
        "peak": peak,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_HEIGHT - CHART_BOTTOM,
        "label_y": CHART_HEIGHT - CHART_BOTTOM + 18,
        "year_y": CHART_HEIGHT - CHART_BOTTOM + 34,
    }


def dashboard_stats(*, today=None):
    """Everything the dashboard shows, kept for DASHBOARD_CACHE_SECONDS: its aggregates read every
    application, so a reviewer's visits reuse one computation (the page says when it was made)."""
    if not settings.DASHBOARD_CACHE_SECONDS or today is not None:
        return compute_dashboard_stats(today=today)
    key = f"dashboard:stats:{timezone.localdate().isoformat()}"
    return cache.get_or_set(key, compute_dashboard_stats, settings.DASHBOARD_CACHE_SECONDS)


def compute_dashboard_stats(*, today=None):
    """Everything the dashboard shows, in eight queries."""
    today = today or timezone.localdate()
    now = timezone.now()

    counts = dict(Application.objects.values_list("status").annotate(n=Count("pk")).order_by())
    by_status = [(label, counts.get(value, 0), value) for value, label in Status.choices]

    buckets = {}
    for index, (low, high, _) in enumerate(AGE_BUCKETS):
        condition = Q(submitted_at__lte=now - timedelta(days=low))
        if high is not None:
            condition &= Q(submitted_at__gt=now - timedelta(days=high))
        buckets[f"bucket_{index}"] = Count("pk", filter=condition)
    ages = Application.objects.awaiting_review().aggregate(**buckets)

    year_ago = now - timedelta(days=365)
    decided = Application.objects.filter(
        status__in=[Status.APPROVED, Status.REJECTED], decided_at__gte=year_ago, submitted_at__isnull=False
    )
    median_days = _median_days_to_decision(decided)

    months = _month_starts(today, MONTHS)
    per_month = (
        Application.objects.submitted()
        .filter(submitted_at__gte=timezone.make_aware(datetime.combine(months[0], time.min)))
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    counts_by_month = {timezone.localtime(row["month"]).date(): row["n"] for row in per_month}

    expiring = Certificate.objects.active(today).filter(expires_on__lte=today + timedelta(days=EXPIRING_DAYS))
    renewals = Application.objects.renewals().aggregate(
        awaiting=Count("pk", filter=Q(status__in=sorted(AWAITING_REVIEW))),
        audits_open=Count("pk", filter=Q(status=Status.INFO_REQUESTED, audit_selected=True)),
        audits_overdue=Count("pk", filter=Q(audit_overdue_at__isnull=False, status__in=sorted(AWAITING_REVIEW))),
    )
    return {
        "renewals": renewals,
        "by_status": by_status,
        "total": sum(counts.values()),
        "awaiting_by_age": [(label, ages[f"bucket_{i}"]) for i, (_, _, label) in enumerate(AGE_BUCKETS)],
        "awaiting_total": sum(ages.values()),
        "median_days": median_days,
        "chart": submissions_chart(counts_by_month, months),
        "first_month": months[0],
        "expiring_count": expiring.count(),
        "expiring": list(expiring.select_related("program").order_by("expires_on", "number")[:EXPIRING_SHOWN]),
        "expiring_days": EXPIRING_DAYS,
        "today": today,
        "computed_at": now,
    }
