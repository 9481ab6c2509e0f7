"""SMS to the citizen who submitted an item (issue 15 item 3), as outbox rows.

A citizen is told only when they left a phone number, agreed to the privacy notice and did not
submit anonymously. Each notice is one outbox row written in the caller's transaction (so it
exists exactly when the change does) with a dedupe key, so the same notice is never written —
or sent — twice:

| kind | when | says |
|---|---|---|
| ``accepted`` | the item is received (any channel) | the tracking code |
| ``rejected`` | staff reject it | the reason |
| ``replied`` | a department replies (each handling cycle) | a link to rate it |
| ``closed`` | it is closed | that it is closed |
| ``revisit`` | replied, not rated by the citizen after N working days (once) | a link to rate it |

The texts are the templates of :mod:`congress.notices.catalog`. The suggestion services call
:func:`citizen_notice_add` at those transitions; the daily 回访 sweep (:mod:`suggestions.callbacks`)
writes ``revisit``, choosing its candidates with :data:`MAY_BE_TOLD`, the same rule as
:func:`citizen_may_be_told` written as a query.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from congress.notices.catalog import NoticeKind
from congress.outbox import delivery_add, publish_after_commit

from .models import Suggestion

CITIZEN_KINDS = (NoticeKind.ACCEPTED, NoticeKind.REJECTED, NoticeKind.REPLIED, NoticeKind.CLOSED,
                 NoticeKind.REVISIT)


def citizen_may_be_told(suggestion: Suggestion) -> bool:
    return bool(suggestion.submitter_phone and suggestion.consent_at and not suggestion.is_anonymous)


# The rule above as a query (a test checks they agree).
MAY_BE_TOLD = ~Q(submitter_phone="") & Q(consent_at__isnull=False, is_anonymous=False)


def reply_notice_key(suggestion_id: int, cycle: int) -> str:
    """The outbox key of the ``replied`` SMS of one handling cycle."""
    return f"suggestion:{suggestion_id}:citizen:{NoticeKind.REPLIED}:{cycle}"


def rating_link(suggestion: Suggestion) -> str:
    """A short link (``/r/<code>/``, so the SMS stays one message) to the tracking page with the
    code filled in; the citizen adds the phone digits and rates."""
    return f"{settings.SITE_URL}{reverse('suggestions_public:rate_link', args=[suggestion.code])}"


def _params(suggestion: Suggestion, kind: str) -> dict:
    params = {"code": suggestion.code}
    if kind == NoticeKind.REJECTED:
        params["reason"] = suggestion.rejection_reason or "不属于本平台受理范围"
    if kind in (NoticeKind.REPLIED, NoticeKind.REVISIT):
        params["link"] = rating_link(suggestion)
    return params


def citizen_notice_add(*, suggestion: Suggestion, kind: str):
    """Write the citizen's SMS of ``kind`` for this item (None when the citizen may not be told
    or the same notice was already written). Call inside the transaction of the change."""
    if kind not in CITIZEN_KINDS:
        raise ValueError(f"not a citizen notice: {kind}")
    if not citizen_may_be_told(suggestion):
        return None
    # A reply is told once per handling cycle; every other notice once per item.
    if kind == NoticeKind.REPLIED:
        key = reply_notice_key(suggestion.pk, suggestion.rehandle_count)
    else:
        key = f"suggestion:{suggestion.pk}:citizen:{kind}:0"
    row = delivery_add(
        channel="sms", address=suggestion.submitter_phone, template=kind,
        params=_params(suggestion, kind), dedupe_key=key,
    )
    if row is not None:
        publish_after_commit([row.pk])
    return row
