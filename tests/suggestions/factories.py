"""Suggestions in a given state, made by calling the real services."""

from suggestions import services
from suggestions.models import Kind


def submitted(w, **kwargs):
    data = dict(township=w.a, kind=Kind.SUGGESTION, title="路灯坏了", content="上坪村村口路灯坏了三个月",
                village=w.village, submitter_name="张三", submitter_phone="13812345678", consent=True)
    data.update(kwargs)
    return services.suggestion_submit_public(**data)


def claimed(w, **kwargs):
    s = submitted(w, **kwargs)
    return services.suggestion_claim(actor=w.deputy1.user, suggestion=s)


def presented(w, **kwargs):
    s = claimed(w, **kwargs)
    return services.suggestion_present(actor=w.deputy1.user, suggestion=s, title="修复上坪村路灯", content="建议尽快修复")


def dispatched(w, **kwargs):
    s = presented(w, **kwargs)
    return services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=w.dept, co_departments=[w.dept2])


def in_progress(w, **kwargs):
    s = dispatched(w, **kwargs)
    return services.suggestion_sign(actor=w.handler, suggestion=s)


def replied(w, reply_class="A", **kwargs):
    s = in_progress(w, **kwargs)
    services.suggestion_reply(actor=w.handler, suggestion=s, reply_class=reply_class, text="已更换灯具,恢复照明。")
    s.refresh_from_db()
    return s
