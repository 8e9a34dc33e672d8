"""The application lifecycle of DESIGN.md: the statuses and one table of actions.

Each action names the statuses it starts from, the status it leads to, the permission it needs
(none for the applicant's own actions, taken through their private link, and for the portal's own
audit request and overdue audit), whether a message is
required, optional or not asked, and the email the applicant receives. The services
(`services/transitions.py`, one function per action, named `application_<action>`) refuse what
the table does not allow; the admin builds its buttons and confirmation pages from it, the
status page asks it whether the applicant may withdraw or answer, and the transition tests walk
every action from every status.

django-fsm-2 would state the same rules as `@transition` decorators on model methods. It is not
used: its transitions change the field in memory and leave the row lock, the event record and
the email to us anyway, the message and email columns and the admin wording would still need a
table of their own, and a plain table is what the admin, the status page and the tests read.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    INFO_REQUESTED = "info_requested", "Information requested"
    ANSWERED = "answered", "Answer received"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Message(StrEnum):
    """Whether an action asks for a message to the applicant (shown on their status page)."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = ""


REVIEW_PERMISSION = "certifications.change_application"
REOPEN_PERMISSION = "certifications.reopen_application"


@dataclass(frozen=True)
class Action:
    """One row of the lifecycle. Staff actions also carry the wording of their admin button and
    confirmation page; `verb` completes the refusal "… it cannot be <verb> now"."""

    name: str
    sources: frozenset
    target: Status
    verb: str
    permission: str = ""  # empty: the applicant's own action
    message: Message = Message.NONE
    message_missing: str = ""  # the refusal when a required message is empty
    email: str = ""  # the applicant's email: templates/certifications/email/<email>.txt
    label: str = ""
    explanation: str = ""
    message_label: str = ""
    preview: bool = False  # the email is previewed on the confirmation page before it is sent
    danger: bool = False
    forbidden: str = "Only reviewers can move an application through the review."

    @property
    def slug(self):
        """The action in the admin's URLs: start-review, request-info…"""
        return self.name.replace("_", "-")

    @property
    def by_staff(self):
        return bool(self.permission)

    def allows(self, status):
        return status in self.sources


SUBMIT = Action(
    name="submit",
    sources=frozenset({Status.DRAFT}),
    target=Status.SUBMITTED,
    verb="submitted",
    email="application_submitted",
)
WITHDRAW = Action(
    name="withdraw",
    sources=frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED, Status.ANSWERED}),
    target=Status.WITHDRAWN,
    verb="withdrawn",
    message=Message.OPTIONAL,
    email="application_withdrawn",
)
ANSWER = Action(
    name="answer",
    sources=frozenset({Status.INFO_REQUESTED}),
    target=Status.ANSWERED,
    verb="submitted",
    message=Message.REQUIRED,
    message_missing="Your answer is required.",
)
# The portal's own action: a renewal drawn for audit is asked for its evidence as soon as it is
# submitted, through the same round trip as a reviewer's request (the holder answers on the status page).
AUDIT = Action(
    name="audit",
    sources=frozenset({Status.SUBMITTED}),
    target=Status.INFO_REQUESTED,
    verb="sent an audit request",
    message=Message.REQUIRED,
    message_missing="The audit request needs its message to the holder.",
    email="renewal_audit_requested",
)
# The portal's own action too: the daily job takes an audit unanswered past its deadline back into
# review, where it comes up in the queue for a reviewer to decide (or to ask again).
AUDIT_LAPSE = Action(
    name="audit_lapse",
    sources=frozenset({Status.INFO_REQUESTED}),
    target=Status.IN_REVIEW,
    verb="returned to review as an overdue audit",
    message=Message.REQUIRED,
    message_missing="The overdue audit needs its message to the holder.",
    email="renewal_audit_overdue",
)
START_REVIEW = Action(
    name="start_review",
    sources=frozenset({Status.SUBMITTED}),
    target=Status.IN_REVIEW,
    verb="taken into review",
    permission=REVIEW_PERMISSION,
    email="application_review_started",
    label="Start review",
    explanation="The application moves to “in review”, is assigned to you if nobody has it, and the applicant "
    "is told that the review has started.",
)
RESUME_REVIEW = Action(
    name="resume_review",
    sources=frozenset({Status.ANSWERED}),
    target=Status.IN_REVIEW,
    verb="taken back into review",
    permission=REVIEW_PERMISSION,
    label="Resume review",
    explanation="The applicant has answered your request: the application returns to “in review”, assigned to "
    "you if nobody has it. The applicant, already told that the review is under way, is not emailed again.",
)
REQUEST_INFO = Action(
    name="request_info",
    sources=frozenset({Status.IN_REVIEW}),
    target=Status.INFO_REQUESTED,
    verb="sent an information request",
    permission=REVIEW_PERMISSION,
    message=Message.REQUIRED,
    message_missing="A message to the applicant is required.",
    email="application_info_requested",
    label="Request information",
    explanation="The application waits for the applicant, who is emailed your message and answers through "
    "their private status page; the answer comes back to the queue as “answer received”, first in line.",
    message_label="Message to the applicant",
    preview=True,
)
APPROVE = Action(
    name="approve",
    sources=frozenset({Status.IN_REVIEW}),
    target=Status.APPROVED,
    verb="approved",
    permission=REVIEW_PERMISSION,
    message=Message.OPTIONAL,
    email="application_approved",
    label="Approve",
    explanation="The application is approved and a certificate is issued at once: it appears on the verification "
    "page (and in the registry if the holder agreed). The applicant is emailed the certificate.",
    message_label="Message to the applicant (optional)",
)
REJECT = Action(
    name="reject",
    sources=frozenset({Status.IN_REVIEW}),
    target=Status.REJECTED,
    verb="rejected",
    permission=REVIEW_PERMISSION,
    message=Message.REQUIRED,
    message_missing="A reason for the rejection is required.",
    email="application_rejected",
    label="Reject",
    explanation="The application is rejected. The applicant is emailed your reason, which also appears on their "
    "status page.",
    message_label="Reason, for the applicant",
    preview=True,
    danger=True,
)
REOPEN = Action(
    name="reopen",
    sources=frozenset({Status.APPROVED, Status.REJECTED}),
    target=Status.IN_REVIEW,
    verb="reopened",
    permission=REOPEN_PERMISSION,
    message=Message.REQUIRED,
    message_missing="A reason for reopening is required.",
    email="application_reopened",
    label="Reopen decision",
    explanation="The decision is withdrawn and the application returns to review. An approval's certificate is "
    "revoked. The applicant is emailed your reason.",
    message_label="Reason, for the applicant",
    preview=True,
    danger=True,
    forbidden="Only site administrators can reopen a decision.",
)

# The table, keyed by action; the admin shows the staff actions' buttons in this order.
LIFECYCLE = {
    action.name: action
    for action in [
        SUBMIT,
        WITHDRAW,
        ANSWER,
        AUDIT,
        AUDIT_LAPSE,
        START_REVIEW,
        RESUME_REVIEW,
        REQUEST_INFO,
        APPROVE,
        REJECT,
        REOPEN,
    ]
}

DECIDED = frozenset({Status.APPROVED, Status.REJECTED})
# The review queue: everything a reviewer has to act on.
AWAITING_REVIEW = frozenset({Status.ANSWERED, Status.SUBMITTED, Status.IN_REVIEW})


def staff_actions():
    return [action for action in LIFECYCLE.values() if action.by_staff]


def action_for_slug(slug):
    """The staff action whose admin URL slug is `slug`, or None."""
    return next((action for action in staff_actions() if action.slug == slug), None)
