"""Reply class D (留作参考): handlers choose it, every page and document names it, and 解决率
counts it as C unless the township's setting leaves it out."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from congress.models import Township
from suggestions import figures as registry
from suggestions import services
from suggestions.models import DeadlineSettings, ReplyClass, State, Suggestion
from suggestions.selectors import figures_by_township

from . import factories as f
from .test_selectors import D, make

pytestmark = pytest.mark.django_db
LABEL = "D类:留作参考"


def test_handler_replies_with_class_d_and_every_page_names_it(w, client):
    s = f.in_progress(w)
    client.force_login(w.handler)
    detail = reverse("suggestions_portal:detail", args=[s.pk])
    assert LABEL in client.get(detail).content.decode()  # a choice of the reply form
    r = client.post(reverse("suggestions_portal:act", args=[s.pk, "reply"]),
                    {"seen_state": "in_progress", "reply_class": "D", "text": "该建议涉及远期规划,留作参考。"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert (s.state, s.reply_class, s.replies.get().reply_class) == (State.REPLIED, "D", "D")
    assert f"社会事务办 · {LABEL}" in client.get(detail).content.decode()
    letter = client.get(reverse("suggestions_portal:document", args=[s.pk, "reply"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(letter.content)).paragraphs)
    assert f"答复类别:{LABEL}。" in text
    client.logout()
    client.post(reverse("suggestions_public:track"), {"code": s.code, "phone_last4": "5678"})
    assert f"答复({LABEL})" in client.get(reverse("suggestions_public:track")).content.decode()


def test_an_unknown_class_is_refused(w):
    from django.core.exceptions import ValidationError

    from suggestions import services

    s = f.in_progress(w)
    with pytest.raises(ValidationError, match="A/B/C/D"):
        services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="E", text="答复")


@pytest.fixture
def replies(w):
    """Township A: one reply of each class A, B, C, D; township B: one A and one D."""
    for cls in "ABCD":
        make(w.a, w.dept, state=State.REPLIED, dispatched=D(2026, 1, 12), deadline=D(2026, 4, 10),
             replied=D(2026, 3, 1), reply_class=cls, due=D(2026, 3, 30))
    other = w.dept.__class__.objects.create(township=w.b, county=w.b.county, name="乙镇办", kind="town_office")
    for cls in "AD":
        make(w.b, other, state=State.REPLIED, dispatched=D(2026, 1, 12), deadline=D(2026, 4, 10),
             replied=D(2026, 3, 1), reply_class=cls, due=D(2026, 3, 30))
    services.figure_counters_rebuild()  # rows made past the services: recount, as after a bulk write
    return w


def _figures():
    return figures_by_township(date_from=D(2026, 1, 1), date_to=D(2026, 12, 31), today=D(2026, 4, 1))


def test_class_d_counts_as_c_by_default(replies, django_capture_on_commit_callbacks):
    w = replies
    by_township = _figures()
    a, b = by_township[w.a.pk], by_township[w.b.pk]
    assert (a.replied, a.resolution_base, a.class_a) == (4, 4, 1)
    assert a.resolution_rate == Decimal("25.0")  # A ÷ (A, B, C, D): D is a reply, not a solved one
    assert b.resolution_rate == Decimal("50.0")
    with django_capture_on_commit_callbacks(execute=True):  # a setting saved: the counters recount
        DeadlineSettings.objects.create(township=w.a)  # a settings row with the default: the same
    assert _figures()[w.a.pk].resolution_rate == Decimal("25.0")


def test_a_township_may_leave_class_d_out_of_the_resolution_rate(replies, django_capture_on_commit_callbacks):
    w = replies
    with django_capture_on_commit_callbacks(execute=True):  # a setting saved: the counters recount
        DeadlineSettings.objects.create(township=w.a, class_d_counts_as="excluded")
    by_township = _figures()
    a, b = by_township[w.a.pk], by_township[w.b.pk]
    assert (a.replied, a.resolution_base, a.class_a) == (4, 3, 1)
    assert a.resolution_rate == Decimal("33.3")  # A ÷ (A, B, C)
    assert a.reply_rate == Decimal("100.0")  # still replied: 办复率 is unchanged
    assert b.resolution_rate == Decimal("50.0")  # the other township keeps its own rule
    # The records behind the cell are the ones counted.
    townships = Township.objects.filter(pk=w.a.pk)
    records = registry.figure("resolution_base").queryset(
        townships=townships, date_from=D(2026, 1, 1), date_to=D(2026, 12, 31), today=D(2026, 4, 1))
    assert sorted(records.values_list("reply_class", flat=True)) == ["A", "B", "C"]
    county = registry.compute(None, date_from=D(2026, 1, 1), date_to=D(2026, 12, 31), today=D(2026, 4, 1),
                              stage_days=False)[None]
    assert (county.counts["resolution_base"], county.value("resolution_rate")) == (5, Decimal("40.0"))


def test_the_definitions_page_explains_class_d(w, client):
    client.force_login(w.viewer)
    html = client.get(reverse("dashboards:definitions")).content.decode()
    assert "D类(留作参考)" in html and "计入解决率的答复" in html
    assert ReplyClass.D.label == LABEL
    assert Suggestion._meta.get_field("reply_class").max_length == 1
