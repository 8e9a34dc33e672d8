"""Every action of the lifecycle table through its service, allowed and forbidden, and two reviewers at once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.certifications import services
from apps.certifications.lifecycle import LIFECYCLE, REOPEN_PERMISSION, Message, staff_actions
from apps.certifications.models import Application, ApplicationEvent, Certificate, Status
from apps.core.roles import CONTENT_EDITORS, REVIEWERS, SITE_ADMINISTRATORS
from tests.factories import make_application, make_certificate, make_staff

pytestmark = pytest.mark.django_db


def _act(action, application, *, reviewer, admin):
    """Perform `action` (a row of the lifecycle table) through its service, as someone allowed to."""
    service = getattr(services, f"application_{action.name}")
    if action.name == "audit":
        # Only a renewal drawn for audit is asked for evidence.
        Application.objects.filter(pk=application.pk).update(renews=make_certificate(), audit_selected=True)
    if action.name == "audit_lapse":
        # Only an audit past its deadline lapses.
        Application.objects.filter(pk=application.pk).update(
            renews=make_certificate(), audit_selected=True, audit_due_on=timezone.localdate() - timedelta(days=1)
        )
    arguments = {"application": application}
    if action.message != Message.NONE:
        arguments["message"] = "Appeal upheld."
    if action.by_staff:
        arguments["reviewer"] = admin if action.permission == REOPEN_PERMISSION else reviewer
    return service(**arguments)


# action -> {from status: resulting status}; every other status refuses the action. The lifecycle
# of DESIGN.md, stated here on its own so that changing the table means changing this too.
ALLOWED = {
    "submit": {"draft": "submitted"},
    "withdraw": dict.fromkeys(["submitted", "in_review", "info_requested", "answered"], "withdrawn"),
    "answer": {"info_requested": "answered"},
    "audit": {"submitted": "info_requested"},
    "audit_lapse": {"info_requested": "in_review"},
    "start_review": {"submitted": "in_review"},
    "resume_review": {"answered": "in_review"},
    "request_info": {"in_review": "info_requested"},
    "approve": {"in_review": "approved"},
    "reject": {"in_review": "rejected"},
    "reopen": {"approved": "in_review", "rejected": "in_review"},
}
# action -> (message, email, permission needed) of its row.
ROWS = {
    "submit": ("", "application_submitted", ""),
    "withdraw": ("optional", "application_withdrawn", ""),
    "answer": ("required", "", ""),
    "audit": ("required", "renewal_audit_requested", ""),
    "audit_lapse": ("required", "renewal_audit_overdue", ""),
    "start_review": ("", "application_review_started", "certifications.change_application"),
    "resume_review": ("", "", "certifications.change_application"),
    "request_info": ("required", "application_info_requested", "certifications.change_application"),
    "approve": ("optional", "application_approved", "certifications.change_application"),
    "reject": ("required", "application_rejected", "certifications.change_application"),
    "reopen": ("required", "application_reopened", "certifications.reopen_application"),
}
CASES = [(action, status.value) for action in LIFECYCLE for status in Status]


def test_the_lifecycle_table_is_the_designed_one():
    assert {name: {s.value: a.target.value for s in a.sources} for name, a in LIFECYCLE.items()} == ALLOWED
    assert {name: (a.message.value, a.email, a.permission) for name, a in LIFECYCLE.items()} == ROWS


def test_every_action_has_its_service_and_every_staff_action_its_wording():
    for action in LIFECYCLE.values():
        assert callable(getattr(services, f"application_{action.name}"))
    assert {a.slug: (a.label, bool(a.explanation)) for a in staff_actions()} == {
        "start-review": ("Start review", True),
        "resume-review": ("Resume review", True),
        "request-info": ("Request information", True),
        "approve": ("Approve", True),
        "reject": ("Reject", True),
        "reopen": ("Reopen decision", True),
    }
    assert all(a.message_label for a in staff_actions() if a.message != Message.NONE)
    assert all(a.message_missing for a in LIFECYCLE.values() if a.message == Message.REQUIRED)


@pytest.mark.parametrize(("action", "from_status"), CASES)
def test_transition_is_allowed_exactly_as_the_lifecycle_says(action, from_status):
    reviewer = make_staff(role=REVIEWERS)
    admin = make_staff(role=SITE_ADMINISTRATORS)
    application = make_application(status=from_status, reviewer=reviewer)
    events_before = application.events.count()
    expected = ALLOWED[action].get(from_status)

    if expected is None:
        with pytest.raises(services.InvalidTransition) as refused:
            _act(LIFECYCLE[action], application, reviewer=reviewer, admin=admin)
        application.refresh_from_db()
        assert application.status == from_status
        assert application.events.count() == events_before
        assert str(refused.value) != ""
    else:
        _act(LIFECYCLE[action], application, reviewer=reviewer, admin=admin)
        application.refresh_from_db()
        assert application.status == expected
        event = application.events.last()
        assert (event.from_status, event.to_status) == (from_status, expected)
        assert application.events.count() == events_before + 1


@pytest.mark.parametrize("action", [a.name for a in staff_actions()])
def test_every_staff_action_is_refused_to_staff_without_its_permission(action):
    action = LIFECYCLE[action]
    application = make_application(status=next(iter(action.sources)))
    outsider = make_staff(role=CONTENT_EDITORS)

    with pytest.raises(services.NotPermitted) as refused:
        _act(action, application, reviewer=outsider, admin=outsider)

    assert str(refused.value) == action.forbidden
    status = application.status
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.parametrize("action", [a.name for a in LIFECYCLE.values() if a.message == Message.REQUIRED])
def test_every_required_message_is_required(action):
    action = LIFECYCLE[action]
    application = make_application(status=next(iter(action.sources)))
    arguments = {"application": application, "message": "  "}
    if action.by_staff:
        arguments["reviewer"] = make_staff(role=SITE_ADMINISTRATORS)

    with pytest.raises(services.MessageRequired) as refused:
        getattr(services, f"application_{action.name}")(**arguments)

    assert str(refused.value) == action.message_missing
    status = application.status
    application.refresh_from_db()
    assert application.status == status


def test_refusal_names_the_application_and_its_state():
    reviewer = make_staff(role=REVIEWERS)
    application = make_application(status="approved", reviewer=reviewer)

    with pytest.raises(services.InvalidTransition) as refused:
        services.application_start_review(application=application, reviewer=reviewer)

    assert str(refused.value) == f"Application {application.reference} is approved; it cannot be taken into review now."


def test_reopen_of_an_undecided_application_is_refused_in_words():
    admin = make_staff(role=SITE_ADMINISTRATORS)
    application = make_application(status="submitted")

    with pytest.raises(services.InvalidTransition) as refused:
        services.application_reopen(application=application, reviewer=admin, message="Why not.")

    assert str(refused.value) == f"Application {application.reference} is submitted; it cannot be reopened now."


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda a, r: services.application_request_info(application=a, reviewer=r, message="  "),
            "A message to the applicant is required.",
        ),
        (
            lambda a, r: services.application_reject(application=a, reviewer=r, message=""),
            "A reason for the rejection is required.",
        ),
    ],
    ids=["request_info", "reject"],
)
def test_messages_are_required_where_the_applicant_must_be_told_why(call, message):
    reviewer = make_staff(role=REVIEWERS)
    application = make_application(status="in_review", reviewer=reviewer)

    with pytest.raises(services.MessageRequired) as refused:
        call(application, reviewer)

    assert str(refused.value) == message
    application.refresh_from_db()
    assert application.status == "in_review"


def test_only_site_administrators_reopen_a_decision():
    reviewer = make_staff(role=REVIEWERS)
    application = make_application(status="rejected", reviewer=reviewer)

    with pytest.raises(services.NotPermitted) as refused:
        services.application_reopen(application=application, reviewer=reviewer, message="Second look.")

    assert str(refused.value) == "Only site administrators can reopen a decision."
    application.refresh_from_db()
    assert application.status == "rejected"


def test_reopening_an_approval_revokes_its_certificate_and_reapproval_restores_it():
    admin = make_staff(role=SITE_ADMINISTRATORS)
    reviewer = make_staff(role=REVIEWERS)
    application = make_application(status="approved", reviewer=reviewer)
    number = Certificate.objects.get(application=application).number

    Certificate.objects.filter(application=application).update(
        reminded_grace_at=timezone.now(),
        renewal_extended_until=timezone.localdate() + timedelta(days=900),
        renewal_extension_reason="Parental leave.",
    )

    services.application_reopen(application=application, reviewer=admin, message="Documents were forged.")
    revoked = Certificate.objects.get(application=application)
    services.application_approve(application=application, reviewer=reviewer)
    restored = Certificate.objects.get(application=application)

    assert (revoked.status, revoked.revoked_reason) == ("revoked", "Decision reopened: Documents were forged.")
    assert (restored.number, restored.status, restored.revoked_reason) == (number, "active", "")
    # Fresh dates: reminders and any renewal extension start over.
    assert (restored.reminded_grace_at, restored.renewal_extended_until, restored.renewal_extension_reason) == (
        None,
        None,
        "",
    )
    assert Certificate.objects.count() == 1


def test_start_review_assigns_the_reviewer_only_when_nobody_has_it():
    first, second = make_staff(role=REVIEWERS), make_staff(role=REVIEWERS)
    unassigned = make_application(status="submitted")
    assigned = services.application_assign(application=make_application(status="submitted"), reviewer=first)

    services.application_start_review(application=unassigned, reviewer=second)
    services.application_start_review(application=assigned, reviewer=second)

    unassigned.refresh_from_db()
    assigned.refresh_from_db()
    assert (unassigned.assigned_to, assigned.assigned_to) == (second, first)


def test_a_draft_cannot_be_assigned():
    with pytest.raises(services.InvalidTransition):
        services.application_assign(application=make_application(status="draft"), reviewer=make_staff())


def test_bulk_start_review_reports_each_refusal_and_does_the_rest():
    reviewer = make_staff(role=REVIEWERS)
    waiting = [make_application(status="submitted") for _ in range(2)]
    decided = make_application(status="rejected")

    done, refused = services.applications_start_review(
        applications=Application.objects.filter(pk__in=[a.pk for a in [*waiting, decided]]).order_by("pk"),
        reviewer=reviewer,
    )

    assert done == 2
    assert refused == [f"Application {decided.reference} is rejected; it cannot be taken into review now."]
    assert set(Application.objects.filter(pk__in=[a.pk for a in waiting]).values_list("status", flat=True)) == {
        "in_review"
    }


def test_certificate_revocation_needs_the_permission_and_a_reason():
    certificate = make_certificate()
    reviewer = make_staff(role=REVIEWERS)
    admin = make_staff(role=SITE_ADMINISTRATORS)
    refusals = []

    for user, reason in [(reviewer, "Fraud."), (admin, " ")]:
        with pytest.raises(services.ServiceError) as refused:
            services.certificate_revoke(certificate=certificate, user=user, reason=reason)
        refusals.append((type(refused.value), str(refused.value)))
    services.certificate_revoke(certificate=certificate, user=admin, reason="Fraud.")
    with pytest.raises(services.InvalidTransition) as again:
        services.certificate_revoke(certificate=certificate, user=admin, reason="Again.")

    assert refusals == [
        (services.NotPermitted, "Only site administrators can revoke a certificate."),
        (services.MessageRequired, "A reason for the revocation is required."),
    ]
    assert str(again.value) == f"Certificate {certificate.number} is already revoked."
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_reason, certificate.revoked_by) == ("revoked", "Fraud.", admin)


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_issue_exactly_one_certificate():
    first, second = make_staff(role=REVIEWERS), make_staff(role=REVIEWERS)
    application = make_application(status="in_review", reviewer=first)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(reviewer):
        try:
            barrier.wait(timeout=5)
            services.application_approve(application=Application.objects.get(pk=application.pk), reviewer=reviewer)
            outcomes.append("approved")
        except services.InvalidTransition as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(reviewer,)) for reviewer in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == sorted(
        ["approved", f"Application {application.reference} is approved; it cannot be approved now."]
    )
    assert Certificate.objects.filter(application=application).count() == 1
    assert ApplicationEvent.objects.filter(application=application, to_status="approved").count() == 1


def test_bulk_start_review_takes_answered_applications_back_into_review_without_an_email(send_queued, mailoutbox):
    reviewer = make_staff(role=REVIEWERS)
    answered = make_application(status="answered")
    submitted = make_application(status="submitted")

    with send_queued():
        done, refused = services.applications_start_review(
            applications=Application.objects.filter(pk__in=[answered.pk, submitted.pk]).order_by("pk"),
            reviewer=reviewer,
        )

    assert (done, refused) == (2, [])
    answered.refresh_from_db()
    assert (answered.status, answered.events.last().from_status) == ("in_review", "answered")
    assert [m.subject for m in mailoutbox] == [f"Application {submitted.reference} is in review"]
