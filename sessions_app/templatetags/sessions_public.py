import re

from django import template

from congress.validators import mask_phone

register = template.Library()
MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@register.filter
def mask_phones(text):
    """Mask every mainland mobile number inside free text (138****1234) for public pages."""
    return MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), str(text or ""))
