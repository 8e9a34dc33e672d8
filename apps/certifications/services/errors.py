"""The refusals of the certification services. Views and the admin catch `ServiceError` and show
its text, which is written for the person who acted."""


class ServiceError(Exception):
    """A refusal: nothing was changed, and the message says why."""


class InvalidTransition(ServiceError):
    """An action the lifecycle does not allow from the application's status (or no longer: someone
    else acted first), or on an application that is no longer a draft."""


class NotPermitted(ServiceError):
    """The acting staff member lacks the permission the action needs."""


class MessageRequired(ServiceError):
    """A required message, reason or note is empty."""


class DocumentLimit(ServiceError):
    """An application would hold more documents than allowed."""


class InvalidExpiry(ServiceError):
    """A certificate's new expiry date does not come after its date of issue."""


class StorageUnavailable(ServiceError):
    """The file store could not take the documents (down, unreachable, full); nothing was kept."""
