"""Where existing callers find the SMS backend. The backends and their template interface
(``send(phone, template, params) -> message id``) live in :mod:`congress.notices.sms`;
``SMS_BACKEND`` may name either path."""

from .notices.sms import (  # noqa: F401
    AliyunSmsBackend,
    BaseSmsBackend,
    ConsoleSmsBackend,
    LocmemSmsBackend,
    TencentSmsBackend,
    get_sms_backend,
)
