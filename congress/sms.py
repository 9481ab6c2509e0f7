"""SMS delivery behind one small interface. The default backend writes to the log; a real
provider plugs in by pointing ``SMS_BACKEND`` at a class with the same ``send`` method."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("congress.sms")


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes each message to the log instead of sending it (development and demo)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in ``outbox`` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        type(self).outbox.append((phone, text))


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
