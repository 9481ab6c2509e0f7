"""Errors a notice transport raises. The outbox retries a :class:`TemporaryDeliveryError` with
backoff and gives up at once on a :class:`PermanentDeliveryError`."""


class DeliveryError(Exception):
    """A notice could not be delivered. ``code`` is the provider's own error code (kept on the
    delivery row so staff can look it up in the provider's console)."""

    permanent = False

    def __init__(self, message: str, *, code: str = "", provider: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.provider = provider

    def __str__(self) -> str:
        prefix = f"[{self.provider}:{self.code}] " if self.code or self.provider else ""
        return f"{prefix}{self.message}"


class TemporaryDeliveryError(DeliveryError):
    """Worth retrying later: rate limits, provider outages, timeouts, network errors."""


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help: a bad number, an unapproved template, wrong credentials, no balance."""

    permanent = True
