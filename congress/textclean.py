"""One text cleaner for every form.

Every ``django.forms.CharField`` (textareas, search boxes and admin inputs included, and the
subclasses that keep its validators) refuses control characters with a Chinese message; Django's
own validator already refuses NUL, and ``congress.middleware.RejectNulBytesMiddleware`` answers
400 to a NUL anywhere in a query or form. Installed from ``congress/__init__.py`` — before any
form class is defined, since fields copy their validators when they are created. Model fields are
untouched, so no migration changes.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls except tab/newline/carriage return, DEL, C1 controls and the bidirectional
# overrides that disguise text (U+202A–U+202E, U+2066–U+2069).
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@deconstructible
class ControlCharacterValidator:
    """Refuse text with control characters (a NUL, a bell, a bidi override...) with a Chinese
    message. Every form ``CharField`` runs it (see :func:`install`)."""

    message = "输入内容含有不可见的控制字符(%(char)s),请删除后重新输入。"
    code = "control_characters"

    def __call__(self, value):
        if not isinstance(value, str):
            return
        match = CONTROL_CHARACTERS_RE.search(value)
        if match:
            raise ValidationError(
                self.message, code=self.code, params={"char": f"U+{ord(match.group()):04X}"}
            )

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator)


control_character_validator = ControlCharacterValidator()


def install() -> None:
    from django import forms

    if control_character_validator not in forms.CharField.default_validators:
        forms.CharField.default_validators = [
            *forms.CharField.default_validators,
            control_character_validator,
        ]
