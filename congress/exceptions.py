"""Errors a user sees, and the one way every door turns them into a Chinese message.

A service refuses a write by raising a subclass of :class:`ApplicationError` (a business rule:
wrong state, outside a deadline, already done), :class:`django.core.exceptions.PermissionDenied`
(not this actor) or :class:`django.core.exceptions.ValidationError` (bad input, keyed by field).
Views, admin pages and commands catch :data:`USER_ERRORS` and call :func:`user_message` (for a
flash message) or :func:`add_form_errors` (to put each message next to its field), so the same
refusal reads the same wherever it happens.
"""

from django.core.exceptions import PermissionDenied, ValidationError

DEFAULT_PERMISSION_MESSAGE = "您无权执行该操作。"


class ApplicationError(Exception):
    """A business rule refused the action; ``message`` is Chinese and shown to the user as is.

    ``field`` optionally names the form field the message belongs to.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


# Everything a view or admin action turns into a message instead of a server error.
USER_ERRORS = (ApplicationError, PermissionDenied, ValidationError)


def user_messages(exc: Exception) -> list[str]:
    """The Chinese messages carried by a user-facing error, in order."""
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    if isinstance(exc, PermissionDenied):
        return [str(exc) or DEFAULT_PERMISSION_MESSAGE]
    return [str(exc)]


def user_message(exc: Exception) -> str:
    """One line for a flash message or an admin message."""
    return ";".join(user_messages(exc))


def add_form_errors(form, exc: Exception) -> None:
    """Put a service's error next to the matching form field, or on top of the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, user_messages(exc))
