"""Every write to applications, their documents and the certificates approvals issue.

One module per concern: `transitions` (the lifecycle table's actions), `drafts`, `documents`,
`certificates`, `numbers`; `errors` holds the refusals, all `ServiceError`s. The public names
are here; callers import from `apps.certifications.services`.
"""

from .certificates import (
    REMINDER_STAGES,
    REVOKE_PERMISSION,
    certificate_build,
    certificate_change_expiry,
    certificate_issue,
    certificate_revoke,
    certificates_daily,
    certificates_expire,
    certificates_send_reminders,
)
from .documents import MAX_DOCUMENTS, application_documents_add, documents_orphaned_delete
from .drafts import (
    application_draft_save,
    application_draft_submit,
    application_drafts_purge,
    application_links_revoke,
    application_status_link_request,
)
from .errors import DocumentLimit, InvalidExpiry, InvalidTransition, MessageRequired, NotPermitted, ServiceError
from .numbers import CERTIFICATE_PREFIX, REFERENCE_PREFIX, next_certificate_number, next_number, with_unguessable_part
from .transitions import (
    application_answer,
    application_approve,
    application_assign,
    application_note_add,
    application_reject,
    application_reopen,
    application_request_info,
    application_resume_review,
    application_start_review,
    application_submit,
    application_withdraw,
    applications_assign,
    applications_start_review,
    staff_action_service,
)

__all__ = [
    "CERTIFICATE_PREFIX",
    "MAX_DOCUMENTS",
    "REFERENCE_PREFIX",
    "REMINDER_STAGES",
    "REVOKE_PERMISSION",
    "DocumentLimit",
    "InvalidExpiry",
    "InvalidTransition",
    "MessageRequired",
    "NotPermitted",
    "ServiceError",
    "application_answer",
    "application_approve",
    "application_assign",
    "application_documents_add",
    "application_draft_save",
    "application_draft_submit",
    "application_drafts_purge",
    "application_links_revoke",
    "application_note_add",
    "application_reject",
    "application_reopen",
    "application_request_info",
    "application_resume_review",
    "application_start_review",
    "application_status_link_request",
    "application_submit",
    "application_withdraw",
    "applications_assign",
    "applications_start_review",
    "certificate_build",
    "certificate_change_expiry",
    "certificate_issue",
    "certificate_revoke",
    "certificates_daily",
    "certificates_expire",
    "certificates_send_reminders",
    "documents_orphaned_delete",
    "next_certificate_number",
    "next_number",
    "staff_action_service",
    "with_unguessable_part",
]
