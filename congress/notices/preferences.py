"""Which channels outside the platform a notice to one user goes out on.

Every notice lands in the in-app inbox. On top of it each channel (e-mail, SMS, WeChat Work) has
a mode — all notices, urgent ones only (deadline day, overdue, 催办), or none — taken from the
user's own choice, else the office default for the user's role (set by staff in the admin), else
the built-in default below. A channel is used only when the user has its address.
"""

from django.db import transaction

from congress.models import ChannelMode, NoticeChannelDefault, NoticePreference, User

from .wecom import wecom_enabled

CHANNELS = ("email", "sms", "wecom")
CHANNEL_LABELS = {"email": "电子邮件", "sms": "短信", "wecom": "企业微信"}
BUILTIN_MODES = {"email": ChannelMode.ALL, "sms": ChannelMode.URGENT, "wecom": ChannelMode.ALL}


def office_township_id(user: User) -> int | None:
    if user.township_id:
        return user.township_id
    if user.department_id:
        return user.department.township_id
    return None


def office_default_modes(user: User) -> dict[str, str]:
    """The modes the office set for the user's role (built-in defaults where it set none)."""
    township_id = office_township_id(user)
    row = None
    if township_id and user.role:
        row = NoticeChannelDefault.objects.filter(township_id=township_id, role=user.role).first()
    return {ch: (getattr(row, ch) if row else BUILTIN_MODES[ch]) for ch in CHANNELS}


def channel_modes(user: User) -> dict[str, str]:
    defaults = office_default_modes(user)
    own = NoticePreference.objects.filter(user=user).first()
    return {ch: (getattr(own, ch, "") or defaults[ch]) for ch in CHANNELS}


def channel_address(user: User, channel: str) -> str:
    if channel == "email":
        return user.email
    if channel == "sms":
        return user.phone
    if channel == "wecom":
        return user.wecom_userid if wecom_enabled() else ""
    raise ValueError(channel)


def notice_channels(user: User, *, urgent: bool) -> list[str]:
    """The external channels for one notice to ``user``, in the order they are tried."""
    modes = channel_modes(user)
    return [
        ch
        for ch in CHANNELS
        if channel_address(user, ch)
        and (modes[ch] == ChannelMode.ALL or (urgent and modes[ch] == ChannelMode.URGENT))
    ]


def notice_preference_set(*, actor: User, email: str = "", sms: str = "", wecom: str = "") -> NoticePreference:
    """Save the actor's own channel choice ("" follows the office default)."""
    allowed = {"", *ChannelMode.values}
    if not {email, sms, wecom} <= allowed:
        from django.core.exceptions import ValidationError

        raise ValidationError("提醒方式选择不正确。")
    with transaction.atomic():
        preference, _ = NoticePreference.objects.select_for_update().get_or_create(user=actor)
        preference.email, preference.sms, preference.wecom = email, sms, wecom
        preference.save(update_fields=["email", "sms", "wecom", "updated_at"])
    return preference
