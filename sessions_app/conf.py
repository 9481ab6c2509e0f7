"""Settings of the sessions app with their defaults. Read at call time, never at import time,
so ``override_settings`` and per-deployment settings take effect."""

from django.conf import settings

DEFAULTS = {
    # 三分之二以上 of the term's deputies must be present; 以上 includes the boundary.
    "SESSION_QUORUM": (2, 3),
    # A check-in QR code changes every this many seconds ...
    "SESSION_CHECKIN_WINDOW_SECONDS": 60,
    # ... and is accepted for this long after its window started (its own minute + the next).
    "SESSION_CHECKIN_MAX_AGE_SECONDS": 120,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def quorum_fraction() -> tuple[int, int]:
    numerator, denominator = get("SESSION_QUORUM")
    numerator, denominator = int(numerator), int(denominator)
    if not (0 < numerator <= denominator):
        raise ValueError("SESSION_QUORUM must be a fraction (n, d) with 0 < n <= d")
    return numerator, denominator
