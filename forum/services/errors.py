"""Errors a use case raises; views turn them into flash messages, 4xx pages or JSON errors."""


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class NotAllowed(ServiceError):
    status = 403
    code = "forbidden"


class NeedsReputation(NotAllowed):
    """Refused only for want of reputation: the web answers with how to earn the privilege."""


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_failed"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class StateConflict(ValidationFailed, Conflict):
    """A request that is valid but conflicts with the current state (already locked, not suspended…): 409.

    Still a ValidationFailed, so callers that show a form's errors keep handling it.
    """

    status = 409
    code = "conflict"


class FieldNotAllowed(ValidationFailed, NotAllowed):
    """A form whose only errors are privileges the actor lacks (a new tag below "create tags"): 403.

    Still a ValidationFailed, so forms show it beside the field; the API answers 403 because the
    request was valid and only the actor's standing refused it.
    """

    status = 403
    code = "forbidden"


class PrivilegeRefusal(str):
    """A field error that is a privilege refusal, not a malformed value (see FieldNotAllowed)."""


class MissingReference(ValidationFailed, NotFound):
    """A field names something that doesn't exist (a duplicate target, an answer, an agent): 404."""

    status = 404
    code = "not_found"
class Gone(ServiceError):
    """A link that worked once and no longer does (used, or expired)."""

    status = 410
    code = "gone"
