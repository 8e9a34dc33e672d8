"""The per-event CE report in the admin: who attended, the credit they earned and the certificates
issued, and what the evaluation said (rating averages and distributions; the free-text comments as
an anonymous CSV). A constant number of queries, however many attendees.

The views are plain functions the event admin routes to (admin/events.py, `get_urls`), each given
the event's ModelAdmin as `model_admin`.
"""

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify

from apps.events.models import Event, Registration

from ..models import CECertificate, CreditAward, EvaluationAnswer, EvaluationQuestion

RATINGS = range(1, 6)
REPORT_PERMISSIONS = ("learning.view_cecertificate", "learning.view_creditaward")


def can_view_ce_report(request, model_admin, event=None):
    """Who may read an event's CE report: whoever may view the event and the CE credit or
    certificates (content editors and site administrators; reviewers read certificates, not events)."""
    user = request.user
    return model_admin.has_view_permission(request, event) and any(user.has_perm(name) for name in REPORT_PERMISSIONS)


@dataclass
class AttendeeRow:
    registration: Registration
    minutes_attended: int | None
    credits: list  # per offer of the event: its CreditAward or None
    evaluation_done: bool
    post_test_attempts: int
    post_test_best: int | None
    post_test_passed: bool
    certificates: list

    @property
    def name(self):
        return self.registration.name

    @property
    def email(self):
        return self.registration.email


@dataclass
class OfferTotals:
    offer: object
    with_credit: int = 0
    hours_earned: Decimal = Decimal(0)
    certificates: int = 0
    hours_issued: Decimal = Decimal(0)


@dataclass
class RatingResult:
    question: EvaluationQuestion
    count: int
    average: Decimal | None
    distribution: list  # (rating, count, percent) for 1 to 5


@dataclass
class TextResult:
    question: EvaluationQuestion
    comments: int


@dataclass
class CEReport:
    event: Event
    offers: list
    confirmed: int = 0
    attended: int = 0
    with_credit: int = 0
    evaluations: int = 0
    post_test_passed: int = 0
    certificates: int = 0
    certificates_revoked: int = 0
    totals: list = field(default_factory=list)
    attendees: list = field(default_factory=list)
    ratings: list = field(default_factory=list)
    texts: list = field(default_factory=list)


def ce_report(event):
    """The CEReport of `event`: six queries."""
    offers = list(event.credit_offers.all())
    registrations = list(
        event.registrations.select_related("evaluation")
        .prefetch_related(
            Prefetch("credit_awards", queryset=CreditAward.objects.order_by()),
            Prefetch("ce_certificates", queryset=CECertificate.objects.order_by("number")),
            "post_test_attempts",
        )
        .order_by("name", "email", "pk")
    )
    report = CEReport(event=event, offers=offers)
    totals = {offer.pk: OfferTotals(offer) for offer in offers}
    for registration in registrations:
        awards = {award.offer_id: award for award in registration.credit_awards.all()}
        certificates = list(registration.ce_certificates.all())
        attempts = list(registration.post_test_attempts.all())
        evaluation_done = hasattr(registration, "evaluation")
        report.confirmed += registration.status == Registration.Status.CONFIRMED
        report.attended += registration.attended is True
        report.with_credit += any(award.hours > 0 for award in awards.values())
        report.evaluations += evaluation_done
        report.post_test_passed += any(attempt.passed for attempt in attempts)
        for award in awards.values():
            if award.hours > 0 and award.offer_id in totals:
                totals[award.offer_id].with_credit += 1
                totals[award.offer_id].hours_earned += award.hours
        for certificate in certificates:
            if certificate.is_revoked:
                report.certificates_revoked += 1
            else:
                report.certificates += 1
                if certificate.offer_id in totals:
                    totals[certificate.offer_id].certificates += 1
                    totals[certificate.offer_id].hours_issued += certificate.hours
        if registration.attended or certificates:
            report.attendees.append(
                AttendeeRow(
                    registration=registration,
                    minutes_attended=max((award.minutes_attended for award in awards.values()), default=None),
                    credits=[awards.get(offer.pk) for offer in offers],
                    evaluation_done=evaluation_done,
                    post_test_attempts=len(attempts),
                    post_test_best=max((attempt.score_percent for attempt in attempts), default=None),
                    post_test_passed=any(attempt.passed for attempt in attempts),
                    certificates=certificates,
                )
            )
    report.totals = list(totals.values())
    report.ratings, report.texts = _evaluation_results(event)
    return report


def _evaluation_results(event):
    questions = list(event.evaluation_questions.all())
    counts = (
        EvaluationAnswer.objects.filter(question__event=event)
        .values("question_id", "rating")
        .annotate(answers=Count("pk"), comments=Count("pk", filter=~Q(text="")))
        .order_by()
    )
    ratings, comments = defaultdict(Counter), Counter()
    for row in counts:
        if row["rating"] is not None:
            ratings[row["question_id"]][row["rating"]] += row["answers"]
        comments[row["question_id"]] += row["comments"]
    rating_results, text_results = [], []
    for question in questions:
        if question.kind == EvaluationQuestion.Kind.RATING:
            given = ratings[question.pk]
            count = sum(given.values())
            total = sum(rating * n for rating, n in given.items())
            average = (Decimal(total) / count).quantize(Decimal("0.1"), ROUND_HALF_UP) if count else None
            distribution = [
                (rating, given[rating], round(100 * given[rating] / count) if count else 0) for rating in RATINGS
            ]
            rating_results.append(RatingResult(question, count, average, distribution))
        else:
            text_results.append(TextResult(question, comments[question.pk]))
    return rating_results, text_results


def _event_for(request, pk, model_admin):
    event = get_object_or_404(Event, pk=pk)
    if not can_view_ce_report(request, model_admin, event):
        raise PermissionDenied
    return event


def ce_report_view(request, pk, *, model_admin):
    event = _event_for(request, pk, model_admin)
    report = ce_report(event)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"CE report: {event.title}",
        "event": event,
        "original": event,
        "report": report,
        "change_url": reverse("admin:events_event_change", args=[event.pk]),
        "comments_url": reverse("admin:events_event_ce_comments", args=[event.pk]),
        "attendees_url": reverse("admin:events_event_ce_attendees", args=[event.pk]),
    }
    return TemplateResponse(request, "admin/learning/ce_report.html", context)


def _csv_response(filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8
    return response


def ce_comments_csv_view(request, pk, *, model_admin):
    """The evaluation's free-text answers: question, answer, when submitted. Anonymous: no name, no
    email, and ordered by question and time, not by person."""
    event = _event_for(request, pk, model_admin)
    answers = (
        EvaluationAnswer.objects.filter(question__event=event, question__kind=EvaluationQuestion.Kind.TEXT)
        .exclude(text="")
        .select_related("question", "response")
        .order_by("question__position", "question__pk", "response__submitted_at", "pk")
    )
    response = _csv_response(f"{slugify(event.slug)}-evaluation-comments.csv")
    writer = csv.writer(response)
    writer.writerow(["question", "answer", "submitted (UTC)"])
    for answer in answers:
        submitted = answer.response.submitted_at.astimezone(UTC)
        writer.writerow([answer.question.text, answer.text, f"{submitted:%Y-%m-%d %H:%M}"])
    return response


def ce_attendees_csv_view(request, pk, *, model_admin):
    """The report's attendee table: name, email, minutes, hours per credit type, certificate numbers."""
    event = _event_for(request, pk, model_admin)
    report = ce_report(event)
    response = _csv_response(f"{slugify(event.slug)}-ce-attendees.csv")
    writer = csv.writer(response)
    writer.writerow(
        [
            "name",
            "email",
            "minutes attended",
            *(f"{offer.name} hours" for offer in report.offers),
            "evaluation",
            "post-test best (%)",
            "certificates",
        ]
    )
    for row in report.attendees:
        writer.writerow(
            [
                row.name,
                row.email,
                "" if row.minutes_attended is None else row.minutes_attended,
                *("" if award is None else award.hours for award in row.credits),
                "yes" if row.evaluation_done else "no",
                "" if row.post_test_best is None else row.post_test_best,
                " ".join(
                    f"{certificate.number} (revoked)" if certificate.is_revoked else certificate.number
                    for certificate in row.certificates
                ),
            ]
        )
    return response
