"""Red and yellow lights (suggestions/lights.py): the pure rule, its agreement with the reminder
sweep, the SQL form used by lists and filters, counts per department, and constant query counts
on the pages that show them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress.workdays import WorkCalendar
from suggestions import lights, selectors
from suggestions.models import DeadlineSettings, Reminder, State, Suggestion
from suggestions.reminders import reminder_sweep
from tests.suggestions import factories as f

TODAY = datetime.date(2026, 6, 10)  # a Wednesday; 2026-06-19 is 端午节 (a holiday)


def _due(s, day):
    Suggestion.objects.filter(pk=s.pk).update(due_date=day)


# --- the pure rule ---------------------------------------------------------------------------


@pytest.mark.django_db  # the calendar reads staff overrides (none here)
def test_classify_follows_working_days_and_states():
    cal = WorkCalendar([2026])
    horizon = lights.yellow_horizon(TODAY, 3, cal)
    assert horizon == datetime.date(2026, 6, 15)  # Thu, Fri, (weekend), Mon
    for due, expected in [
        (TODAY - datetime.timedelta(days=1), lights.Light.RED),
        (TODAY, lights.Light.YELLOW),
        (datetime.date(2026, 6, 12), lights.Light.YELLOW),
        (datetime.date(2026, 6, 15), lights.Light.YELLOW),
        (datetime.date(2026, 6, 16), None),
        (None, None),
    ]:
        assert lights.classify(State.IN_PROGRESS, due, TODAY, horizon) == expected, due
    # Evaluated, closed, withdrawn, rejected: never lit, whatever the date.
    for state in (State.EVALUATED, State.CLOSED, State.WITHDRAWN, State.REJECTED):
        assert lights.classify(state, TODAY - datetime.timedelta(days=9), TODAY, horizon) is None
    # Over a holiday: three working days from Tue 16 June skip 端午 (Fri 19 June).
    assert lights.yellow_horizon(datetime.date(2026, 6, 16), 3, cal) == datetime.date(2026, 6, 22)
    assert lights.yellow_horizon(TODAY, 0, cal) == TODAY


def test_every_stage_with_a_deadline_is_lit_and_only_those():
    assert set(lights.LIT_STATES) == {State.SUBMITTED, State.CLAIMED, State.PRESENTED, State.DISPATCHED,
                                      State.IN_PROGRESS, State.REPLIED}


# --- the same rule as the reminders ----------------------------------------------------------


@pytest.mark.django_db
def test_lights_and_reminders_agree_for_every_due_date(w):
    """For due dates from a week ago to two weeks ahead, in two townships with different
    horizons: the light each list shows is exactly the reminder the sweep sends."""
    DeadlineSettings.objects.create(township=w.a, remind_before_workdays=1)  # B keeps the default 3
    days = [TODAY + datetime.timedelta(days=d) for d in range(-7, 15)]
    items = []
    for n, day in enumerate(days):
        a = f.in_progress(w, title=f"甲{n}")
        b = f.submitted(w, township=w.b, village=None, title=f"乙{n}")
        _due(a, day)
        _due(b, day)
        items += [a, b]
    reminder_sweep(today=TODAY)
    sent = {}
    for sid, kind in Reminder.objects.exclude(kind=Reminder.Kind.ESCALATED).values_list("suggestion_id", "kind"):
        sent[sid] = kind
    expected_light = {Reminder.Kind.OVERDUE: "red", Reminder.Kind.DUE_TODAY: "yellow",
                      Reminder.Kind.DUE_SOON: "yellow", None: ""}
    horizons = lights.Horizons.load(TODAY)
    annotated = dict(lights.with_lights(Suggestion.objects.all(), horizons).values_list("pk", "light"))
    for s in Suggestion.objects.filter(pk__in=[i.pk for i in items]):
        light = expected_light[sent.get(s.pk)]
        assert annotated[s.pk] == light, (s.township_id, s.due_date)
        assert (horizons.light(s) or "") == light
        assert selectors.light_of(s, TODAY) == light
    # Both horizons were used: A is yellow up to Thu 11 June, B up to Mon 15 June.
    yellow_a = {s.due_date for s in Suggestion.objects.filter(township=w.a) if annotated[s.pk] == "yellow"}
    yellow_b = {s.due_date for s in Suggestion.objects.filter(township=w.b) if annotated[s.pk] == "yellow"}
    assert max(yellow_a) == datetime.date(2026, 6, 11)
    assert max(yellow_b) == datetime.date(2026, 6, 15)


@pytest.mark.django_db
def test_sql_filters_match_the_python_rule(w):
    made = [f.in_progress(w, title=f"事项{n}") for n in range(5)]
    for s, d in zip(made, (-2, 0, 2, 3, 10)):
        _due(s, TODAY + datetime.timedelta(days=d))
    evaluated = f.replied(w, title="已答复")
    _due(evaluated, TODAY - datetime.timedelta(days=5))
    Suggestion.objects.filter(pk=evaluated.pk).update(state=State.CLOSED)  # closed: no light
    horizons = lights.Horizons.load(TODAY)
    python = {s.pk: horizons.light(s) for s in Suggestion.objects.all()}
    for light in lights.Light:
        in_sql = set(Suggestion.objects.filter(lights.light_q(light, horizons)).values_list("pk", flat=True))
        assert in_sql == {pk for pk, lit in python.items() if lit == light}
    assert python[evaluated.pk] is None


# --- counts per department ---------------------------------------------------------------------


@pytest.mark.django_db
def test_counts_per_department_against_an_independent_count(w):
    rows = []
    for n, (dept, d) in enumerate([(w.dept, -3), (w.dept, -1), (w.dept, 1), (w.dept2, 0), (w.dept2, 2),
                                   (w.dept2, 30), (w.dept, 40)]):
        s = f.dispatched(w, title=f"事项{n}")
        Suggestion.objects.filter(pk=s.pk).update(lead_department=dept)
        _due(s, TODAY + datetime.timedelta(days=d))
        rows.append(s)
    waiting = f.submitted(w, title="待接单")
    _due(waiting, TODAY - datetime.timedelta(days=1))
    f.submitted(w, township=w.b, village=None, title="乙镇的")  # another township: not counted
    _due(Suggestion.objects.get(title="乙镇的"), TODAY - datetime.timedelta(days=1))

    horizons = lights.Horizons.load(TODAY)
    counts = {d.name: (d.red, d.yellow) for d in selectors.light_counts_by_department(w.staff, horizons)}
    independent = {}
    for s in Suggestion.objects.filter(township=w.a).select_related("lead_department"):
        light = horizons.light(s)
        if light:
            name = s.lead_department.name if s.lead_department_id else "未交办(待接单/派单)"
            red, yellow = independent.get(name, (0, 0))
            independent[name] = (red + (light == "red"), yellow + (light == "yellow"))
    assert counts == independent == {"社会事务办": (2, 1), "农业农村办": (0, 2), "未交办(待接单/派单)": (1, 0)}


# --- pages: the badge, and query counts that do not grow ----------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "handler", "deputy"])
def test_lists_show_the_light_with_constant_queries(w, client, who):
    user = {"staff": w.staff, "handler": w.handler, "deputy": w.deputy1.user}[who]
    client.force_login(user)
    url = reverse("suggestions_portal:index")
    counts = []
    for size in (2, 6):
        while Suggestion.objects.count() < size:
            n = Suggestion.objects.count()
            s = f.dispatched(w, title=f"事项{n}") if who != "deputy" else f.submitted(w, title=f"事项{n}")
            from django.utils import timezone

            _due(s, timezone.localdate() - datetime.timedelta(days=1) if n % 2 else timezone.localdate())
        client.get(url)  # warm
        queries, html = _queries(client, url)
        counts.append(queries)
        assert html.count('data-light="red"') == size // 2
        assert html.count('data-light="yellow"') == size - size // 2
        assert "红灯 · 已逾期" in html and "黄灯 · 今日到期" in html
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_staff_queue_counts_per_department_and_filters(w, client):
    from django.utils import timezone

    today = timezone.localdate()
    for n, d in enumerate((-2, -1, 1)):
        s = f.dispatched(w, title=f"事项{n}")
        _due(s, today + datetime.timedelta(days=d))
    client.force_login(w.staff)
    html = client.get(reverse("suggestions_portal:queue")).content.decode()
    assert 'data-testid="department-lights"' in html
    assert "红灯 2" in html and "黄灯 1" in html
    red = client.get(reverse("suggestions_portal:queue") + f"?state=open&light=red&department={w.dept.pk}")
    assert red.content.decode().count('data-testid="suggestion-row"') == 2
    yellow = client.get(reverse("suggestions_portal:queue") + "?light=yellow")
    assert yellow.content.decode().count('data-testid="suggestion-row"') == 1
    none = client.get(reverse("suggestions_portal:queue") + "?light=red&department=none")
    assert none.content.decode().count('data-testid="suggestion-row"') == 0


@pytest.mark.django_db
def test_detail_page_shows_the_light(w, client):
    from django.utils import timezone

    s = f.in_progress(w)
    _due(s, timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(w.handler)
    html = client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
    assert 'data-light="red"' in html and "红灯 · 已逾期" in html
    _due(s, timezone.localdate() + datetime.timedelta(days=60))
    html = client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
    assert 'data-testid="light"' not in html


@pytest.mark.django_db
def test_admin_list_column_filter_and_constant_queries(w, client):
    from django.utils import timezone

    today = timezone.localdate()
    w.staff.is_staff = True
    w.staff.save()
    client.force_login(w.staff)
    url = reverse("admin:suggestions_suggestion_changelist")
    counts = []
    for size in (2, 6):
        while Suggestion.objects.count() < size:
            n = Suggestion.objects.count()
            s = f.dispatched(w, title=f"事项{n}")
            _due(s, today - datetime.timedelta(days=1) if n % 2 else today + datetime.timedelta(days=1))
        client.get(url)
        queries, html = _queries(client, url)
        counts.append(queries)
        assert html.count('data-light="red"') == size // 2
    assert counts[0] == counts[1]
    red = client.get(url + "?light=red").content.decode()
    assert red.count('data-light="red"') == 3 and 'data-light="yellow"' not in red
    assert "红黄灯" in red  # the filter's title
    yellow = client.get(url + "?light=yellow").content.decode()
    assert yellow.count('data-light="yellow"') == 3
    late = Suggestion.objects.filter(due_date__lt=today).first()
    change = client.get(reverse("admin:suggestions_suggestion_change", args=[late.pk])).content.decode()
    assert 'data-testid="admin-light"' in change and "红灯" in change


@pytest.mark.django_db
def test_township_dashboard_shows_lights_per_department(w, client):
    from django.utils import timezone

    today = timezone.localdate()
    for n, d in enumerate((-2, 0)):
        s = f.dispatched(w, title=f"事项{n}")
        _due(s, today + datetime.timedelta(days=d))
    client.force_login(w.staff)
    html = client.get(reverse("dashboards:township", args=[w.a.slug])).content.decode()
    assert 'data-testid="queue-yellow">1<' in html
    assert 'data-testid="queue-overdue">1<' in html
    assert 'data-testid="dashboard-department-lights"' in html and "社会事务办" in html


@pytest.mark.django_db
def test_county_viewer_counts_name_the_township(w):
    for township in (w.a, w.b):
        s = f.submitted(w, township=township, village=None, title=f"{township.name}的")
        _due(s, TODAY - datetime.timedelta(days=1))
    counts = selectors.light_counts_by_department(w.viewer, lights.Horizons.load(TODAY))
    assert {(d.name, d.red, d.yellow) for d in counts} == {
        ("甲镇未交办(待接单/派单)", 1, 0), ("乙镇未交办(待接单/派单)", 1, 0)}
    assert [(d.name, d.red) for d in selectors.light_counts_by_department(w.staff, lights.Horizons.load(TODAY))] == [
        ("未交办(待接单/派单)", 1)]


@pytest.mark.django_db
def test_each_light_row_links_to_exactly_the_items_it_counts(w):
    """The county viewer's rows are per township (a county department, or 未交办, appears once per
    township): each row's filter lists exactly its count."""
    for township in (w.a, w.a, w.b):
        s = f.submitted(w, township=township, village=None, title=f"{township.name}的")
        _due(s, TODAY - datetime.timedelta(days=1))
    horizons = lights.Horizons.load(TODAY)
    rows = selectors.light_counts_by_department(w.viewer, horizons)
    assert sorted(d.red for d in rows) == [1, 2]
    for d in rows:
        params = dict(pair.split("=") for pair in d.query.split("&"))
        listed = selectors.work_queue(w.viewer, state="open", light="red", horizons=horizons, **params)
        assert listed.count() == d.red, (d.name, d.query)
    assert selectors.light_counts_by_department(w.staff, horizons)[0].query == "department=none"


@pytest.mark.django_db
def test_the_queue_page_keeps_a_rows_township_filter(w, client):
    for township in (w.a, w.a, w.b):
        s = f.submitted(w, township=township, village=None, title=f"{township.name}的事项")
        _due(s, timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(w.viewer)
    url = reverse("suggestions_portal:queue")
    html = client.get(url, {"state": "open", "light": "red", "department": "none", "township": w.b.pk}).content.decode()
    assert html.count("乙镇的事项") == 1 and "甲镇的事项" not in html
    assert f'name="township" value="{w.b.pk}"' in html  # the search form keeps it


def test_the_lights_partial_index_covers_exactly_the_lit_states():
    """The index behind the light counts is partial on the states with a deadline; models keep
    their own copy of the list (they cannot import the workflow)."""
    from suggestions.lights import LIT_STATES
    from suggestions.models import LIT_INDEX_STATES, Suggestion

    assert set(LIT_INDEX_STATES) == set(LIT_STATES)
    index = next(i for i in Suggestion._meta.indexes if i.name == "suggestion_lit_due")
    assert set(dict(index.condition.children)["state__in"]) == set(LIT_STATES)
