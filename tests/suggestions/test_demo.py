"""The demo: every state, overdue and near-deadline items, last year's real figures, idempotent."""

import datetime

import pytest

from congress.demo import load_demo
from suggestions.models import Channel, Kind, State, Suggestion
from suggestions.selectors import suggestion_figures
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def test_demo_every_state_real_figures_and_idempotent(monkeypatch):
    # The deputies demo may not be present: give each township a few deputies up front.
    from congress import demo as core_demo

    original = core_demo._build_accounts

    def with_deputies(ctx, township, prefix):
        original(ctx, township, prefix)
        from congress.models import User

        user = User.objects.get(username=f"{prefix}_deputy")
        if not hasattr(user, "deputy"):
            DeputyFactory(township=township, user=user, name=user.name)
            DeputyFactory(township=township)

    monkeypatch.setattr(core_demo, "_build_accounts", with_deputies)
    load_demo(today=TODAY)
    counts = dict.fromkeys(State.values, 0)
    for state in Suggestion.objects.values_list("state", flat=True):
        counts[state] += 1
    assert all(counts[s] > 0 for s in State.values), counts
    open_qs = Suggestion.objects.filter(state__in=["submitted", "claimed", "presented", "dispatched", "in_progress", "replied"])
    assert open_qs.filter(due_date__lt=TODAY).exists()
    assert open_qs.filter(due_date__gte=TODAY, due_date__lte=TODAY + datetime.timedelta(days=5)).exists()
    last_year = Suggestion.objects.filter(township__slug="liuhe", submitted_at__year=TODAY.year - 1)
    session = last_year.filter(channel=Channel.SESSION)
    assert session.count() == 7 and session.filter(state=State.CLOSED).count() == 7
    receptions = last_year.filter(channel__in=[Channel.RECEPTION, Channel.VISIT], kind=Kind.SUGGESTION)
    assert receptions.count() == 21 and receptions.filter(reply_class="A").count() == 12
    disputes = last_year.filter(kind=Kind.DISPUTE)
    assert disputes.count() == 4 and disputes.filter(state=State.CLOSED).count() == 4
    petitions = last_year.filter(kind=Kind.PETITION)
    assert petitions.count() == 3 and petitions.filter(state=State.CLOSED).count() == 3
    figures = suggestion_figures(townships=[session.first().township], date_from=datetime.date(TODAY.year - 1, 1, 1),
                                 date_to=datetime.date(TODAY.year - 1, 12, 31), today=TODAY)
    assert figures.closure_rate == 100

    before = (Suggestion.objects.count(), list(Suggestion.objects.order_by("pk").values_list("code", "state", "due_date")))
    load_demo(today=TODAY)
    after = (Suggestion.objects.count(), list(Suggestion.objects.order_by("pk").values_list("code", "state", "due_date")))
    assert before == after


def test_demo_departments_fit_their_cases(demo_county):
    # The departments a case goes to do not depend on the day: the session's shared demo.
    lead = dict(
        Suggestion.objects.filter(township__slug="liuhe", lead_department__isnull=False)
        .values_list("title", "lead_department__name").distinct()
    )
    assert lead.get("农田灌溉渠道淤塞") in {"水利站", "农业农村办公室"}
    assert lead.get("邻里宅基地纠纷") == "司法所"
    assert lead.get("村卫生室缺少常用药") == "卫生院"
    assert "财政所" not in {lead.get(t) for t in ("农田灌溉渠道淤塞", "邻里宅基地纠纷")}
    assert "中心学校" != lead.get("农田灌溉渠道淤塞")
