"""The SMS template table: one template per notice kind.

Mainland providers send only templates approved in advance. Each row here gives the Chinese text
the office submits for approval (also what the console backend logs), and the parameters in the
order Tencent Cloud numbers them ({1}, {2} …); Alibaba Cloud names them (${code} …). The code each
provider assigned to the approved template is deployment configuration: ``SMS_TEMPLATE_CODES``
(see docs/notices.md).

Texts stay under 70 characters with the signature where possible, so one notice is one SMS;
free-text parameters are cut to ``max_length`` (providers reject longer variables); a link is
never cut — one too long is refused.
"""

from dataclasses import dataclass

from django.db import models

from .errors import PermanentDeliveryError


class NoticeKind(models.TextChoices):
    ACCEPTED = "accepted", "受理告知(含查询码)"
    REJECTED = "rejected", "不予受理告知(含理由)"
    REPLIED = "replied", "答复告知(含评价链接)"
    CLOSED = "closed", "办结告知"
    REVISIT = "revisit", "回访邀请"
    DEADLINE = "deadline", "期限提醒"
    CHASE = "chase", "催办"
    GENERIC = "generic", "通用提醒"


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    max_length: int = 20
    cut: bool = True  # False for links: a cut link is worse than none, so a long one is refused


@dataclass(frozen=True)
class SmsTemplate:
    kind: str
    text: str  # with {name} placeholders, without the 【signature】
    params: tuple[Param, ...]

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]

    def clean(self, params: dict) -> dict[str, str]:
        """The parameters as strings, cut to their maximum length; a missing one is a
        programming error, refused before anything is sent."""
        missing = [p.name for p in self.params if str(params.get(p.name, "") or "").strip() == ""]
        if missing:
            raise PermanentDeliveryError(
                f"短信模板“{NoticeKind(self.kind).label}”缺少参数:{'、'.join(missing)}",
                code="missing_params",
            )
        cleaned = {}
        for p in self.params:
            value = " ".join(str(params[p.name]).split())
            if len(value) > p.max_length and not p.cut:
                raise PermanentDeliveryError(
                    f"短信参数“{p.label}”超过{p.max_length}个字符:{value}", code="param_too_long"
                )
            cleaned[p.name] = value if len(value) <= p.max_length else value[: p.max_length - 1] + "…"
        return cleaned

    def render(self, params: dict, *, sign_name: str = "") -> str:
        body = self.text.format(**self.clean(params))
        return f"【{sign_name}】{body}" if sign_name else body


CODE = Param("code", "查询码", 12)
LINK = Param("link", "链接", 60, cut=False)

TEMPLATES: dict[str, SmsTemplate] = {
    t.kind: t
    for t in (
        SmsTemplate(
            NoticeKind.ACCEPTED,
            "您反映的问题已受理,查询码{code},可凭查询码和手机号后四位查询办理进展。",
            (CODE,),
        ),
        SmsTemplate(
            NoticeKind.REJECTED,
            "您反映的问题(查询码{code})未予受理,原因:{reason}。",
            (CODE, Param("reason", "理由", 30)),
        ),
        SmsTemplate(
            NoticeKind.REPLIED,
            "您反映的问题(查询码{code})已答复,请查看并评价:{link}",
            (CODE, LINK),
        ),
        SmsTemplate(
            NoticeKind.CLOSED,
            "您反映的问题(查询码{code})已办结,感谢您的参与和监督。",
            (CODE,),
        ),
        SmsTemplate(
            NoticeKind.REVISIT,
            "您反映的问题已答复,诚邀您评价办理结果:{link}",
            (LINK,),
        ),
        SmsTemplate(
            NoticeKind.DEADLINE,
            "代表建议“{title}”{stage}期限为{date},请及时办理。",
            (Param("title", "标题", 15), Param("stage", "环节", 8), Param("date", "日期", 11)),
        ),
        SmsTemplate(
            NoticeKind.CHASE,
            "人大办催办:代表建议“{title}”{stage}已逾期或临近期限,请尽快办理。",
            (Param("title", "标题", 15), Param("stage", "环节", 8)),
        ),
        SmsTemplate(
            NoticeKind.GENERIC,
            "您有一条新消息:{title},请登录平台查看。",
            (Param("title", "标题", 30),),
        ),
    )
}


def get_template(kind: str) -> SmsTemplate:
    try:
        return TEMPLATES[kind]
    except KeyError:
        raise PermanentDeliveryError(f"没有此类短信模板:{kind}", code="unknown_template") from None
