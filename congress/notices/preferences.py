"""Which channels outside the platform a notice to one user goes out on.

Every notice lands in the in-app inbox. On top of it each channel (e-mail, SMS, WeChat Work) has
a mode — all notices, urgent ones only (deadline day, overdue, 催办), or none — taken from the
user's own choice, else the office default for the user's role (set by staff in the admin), else
the built-in default below. A channel is used only when the user has its address.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from congress.models import ChannelMode, NoticeChannelDefault, NoticePreference, User

from .wecom import wecom_enabled

CHANNELS = ("email", "sms", "wecom")
CHANNEL_LABELS = {"email": "电子邮件", "sms": "短信", "wecom": "企业微信"}
BUILTIN_MODES = {"email": ChannelMode.ALL, "sms": ChannelMode.URGENT, "wecom": ChannelMode.ALL}


@dataclass
class Contact:
    email: str = ""
    phone: str = ""
    wecom_userid: str = ""
    modes: dict = field(default_factory=lambda: dict(BUILTIN_MODES))
    office_modes: dict = field(default_factory=lambda: dict(BUILTIN_MODES))

    def address(self, channel: str) -> str:
        if channel == "wecom":
            return self.wecom_userid if wecom_enabled() else ""
        return self.phone if channel == "sms" else self.email

    def channels(self, *, urgent: bool) -> list[str]:
        """The external channels for one notice, in the order they are written."""
        return [
            ch for ch in CHANNELS
            if self.address(ch)
            and (self.modes[ch] == ChannelMode.ALL or (urgent and self.modes[ch] == ChannelMode.URGENT))
        ]


def contacts_for(user_ids) -> dict[int, Contact]:
    """Addresses and channel modes of many users in three queries."""
    rows = list(
        User.objects.filter(pk__in=set(user_ids)).values(
            "pk", "email", "phone", "wecom_userid", "role", "township_id", "department__township_id"
        )
    )
    townships = {r["township_id"] or r["department__township_id"] for r in rows} - {None}
    defaults = {
        (d.township_id, d.role): d for d in NoticeChannelDefault.objects.filter(township_id__in=townships)
    }
    own = {p.user_id: p for p in NoticePreference.objects.filter(user_id__in=[r["pk"] for r in rows])}
    contacts = {}
    for r in rows:
        office = defaults.get((r["township_id"] or r["department__township_id"], r["role"]))
        office_modes = {ch: getattr(office, ch) if office else BUILTIN_MODES[ch] for ch in CHANNELS}
        mine = own.get(r["pk"])
        modes = {ch: getattr(mine, ch, "") or office_modes[ch] for ch in CHANNELS}
        contacts[r["pk"]] = Contact(r["email"], r["phone"], r["wecom_userid"], modes, office_modes)
    return contacts


def contact_of(user: User) -> Contact:
    return contacts_for([user.pk])[user.pk]


def notice_channels(user: User, *, urgent: bool) -> list[str]:
    return contact_of(user).channels(urgent=urgent)


def notice_preference_set(*, actor: User, email: str = "", sms: str = "", wecom: str = "") -> NoticePreference:
    """Save the actor's own channel choice ("" follows the office default)."""
    if not {email, sms, wecom} <= {"", *ChannelMode.values}:
        raise ValidationError("提醒方式选择不正确。")
    with transaction.atomic():
        preference, _ = NoticePreference.objects.select_for_update().get_or_create(user=actor)
        preference.email, preference.sms, preference.wecom = email, sms, wecom
        preference.save(update_fields=["email", "sms", "wecom", "updated_at"])
    return preference
