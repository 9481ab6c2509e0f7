"""催办 (staff chase whoever must act now, at most once a day per item) and 督办 (the supervising
leader or the chair issue a 督办函 on a key suggestion): recipients per stage, inbox and outbox
rows, the rate limit, permissions, the doors, and the letter."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from congress.models import Delivery, Notification
from congress.roles import Role
from suggestions import actions, services
from suggestions.models import EventKind, State, Suggestion, SuggestionEvent
from suggestions.workflow import TransitionNotAllowed
from tests.factories import UserFactory, staff_of
from tests.suggestions import factories as f

pytestmark = pytest.mark.django_db


def _counts(s):
    return (SuggestionEvent.objects.filter(suggestion=s).count(), Notification.objects.count(),
            Delivery.objects.count())


# --- 催办 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage, who", [
    ("submitted", lambda w: {w.deputy1.user, w.deputy2.user}),  # the routed deputies
    ("claimed", lambda w: {w.deputy1.user}),  # the lead deputy
    ("presented", lambda w: {w.staff, w.chair}),  # the presidium office
    ("dispatched", lambda w: {w.handler}),  # the lead department's handlers
    ("in_progress", lambda w: {w.handler}),
    ("replied", lambda w: {w.deputy1.user}),  # the lead deputy rates
])
def test_chase_tells_whoever_must_act_in_the_stage(w, stage, who):
    s = getattr(f, stage)(w)
    assert s.state == stage
    Notification.objects.all().delete()
    services.suggestion_chase(actor=w.staff, suggestion=s, message="请本周内办理")
    told = {n.recipient for n in Notification.objects.all()}
    assert told == who(w)
    assert {n.title for n in Notification.objects.all()} == {f"【催办】{s.title}"}
    assert all(n.sms_requested for n in Notification.objects.all())  # urgent
    event = SuggestionEvent.objects.get(suggestion=s, action=EventKind.CHASE)
    assert not event.is_public and event.actor == w.staff
    assert "请本周内办理" in event.note and event.from_state == event.to_state == stage
    s.refresh_from_db()
    assert s.state == stage  # a chase moves nothing


def test_chase_outbox_rows_by_channel_and_template(w, django_capture_on_commit_callbacks):
    s = f.in_progress(w)
    w.handler.phone = "13900001111"
    w.handler.wecom_userid = "handler1"
    w.handler.save()
    Notification.objects.all().delete()
    Delivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        services.suggestion_chase(actor=w.staff, suggestion=s)
    rows = {(d.recipient_id, d.channel, d.template) for d in Delivery.objects.all()}
    assert rows == {(w.handler.pk, "email", "notification"), (w.handler.pk, "sms", "chase"),
                    (w.handler.pk, "wecom", "notification")}
    sms = Delivery.objects.get(channel="sms")
    assert sms.params["title"] == s.title and sms.params["stage"] == "承办中"
    from congress.notices.catalog import get_template

    text = get_template("chase").render(sms.params, sign_name="某镇人大")
    assert "人大办催办" in text and "承办中" in text


@pytest.mark.parametrize("kind", [EventKind.CHASE, EventKind.SUPERVISE])
def test_second_press_within_a_day_is_refused_and_writes_nothing(w, request, kind):
    """催办 and 督办 alike: once per item per 24 hours, whoever presses."""
    if kind == EventKind.CHASE:
        s, first, again = f.dispatched(w), w.staff, w.chair
        press = services.suggestion_chase
    else:
        s, first, again = request.getfixturevalue("key"), w.vice, w.chair
        press = services.suggestion_supervise
    label = EventKind(kind).label
    press(actor=first, suggestion=s)
    before = _counts(s)
    with pytest.raises(TransitionNotAllowed, match=f"该建议今天已{label}过,请于.*后再{label}"):
        press(actor=again, suggestion=s)
    assert _counts(s) == before
    # A day later it may be pressed again.
    SuggestionEvent.objects.filter(suggestion=s, action=kind).update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=24, minutes=1))
    press(actor=again, suggestion=s)
    assert SuggestionEvent.objects.filter(suggestion=s, action=kind).count() == 2


@pytest.mark.parametrize("who", ["handler", "deputy", "viewer", "other_staff", "station_admin"])
def test_only_the_township_office_may_chase(w, who):
    s = f.in_progress(w)
    actor = {"handler": w.handler, "deputy": w.deputy1.user, "viewer": w.viewer, "other_staff": w.staff_b,
             "station_admin": UserFactory(township=w.a, role=Role.STATION_ADMIN)}[who]
    before = _counts(s)
    with pytest.raises(PermissionDenied):
        services.suggestion_chase(actor=actor, suggestion=s)
    assert _counts(s) == before
    assert "chase" not in actions.available_actions(actor, s)


def test_closed_items_cannot_be_chased(w):
    s = f.replied(w)
    s = services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating="satisfied")
    assert s.state == State.EVALUATED
    assert "chase" not in actions.available_actions(w.staff, s)
    with pytest.raises(TransitionNotAllowed):
        services.suggestion_chase(actor=w.staff, suggestion=s)


def test_chase_through_the_portal_and_the_admin(w, client):
    s = f.in_progress(w)
    client.force_login(w.staff)
    page = client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
    assert 'data-testid="action-chase"' in page and "催办说明(可选)" in page
    url = reverse("suggestions_portal:act", args=[s.pk, "chase"])
    r = client.post(url, {"seen_state": s.state, "message": "请尽快"}, follow=True)
    assert "已催办" in r.content.decode()
    r = client.post(url, {"seen_state": s.state}, follow=True)
    assert "该建议今天已催办过" in r.content.decode()
    assert SuggestionEvent.objects.filter(suggestion=s, action=EventKind.CHASE).count() == 1
    # The admin's change page offers the same action through the same table.
    w.chair.is_staff = True
    w.chair.save()
    client.force_login(w.chair)
    change = client.get(reverse("admin:suggestions_suggestion_change", args=[s.pk])).content.decode()
    act = reverse("admin:suggestions_suggestion_act", args=[s.pk, "chase"])
    assert act in change
    r = client.post(act, {"seen_state": s.state}, follow=True)
    assert "该建议今天已催办过" in r.content.decode()
    # The timeline shows it to the office, never to the citizen.
    track = SuggestionEvent.objects.filter(suggestion=s, is_public=True, action=EventKind.CHASE)
    assert not track.exists()


# --- 督办 -------------------------------------------------------------------------------------


@pytest.fixture
def key(w):
    """A key suggestion in handling, supervised by a vice-chair."""
    w.vice = staff_of(w.a, role=Role.VICE_CHAIR, username="vice_a")
    s = f.presented(w)
    s = services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=w.dept, is_key=True,
                                     supervisor=w.vice)
    return services.suggestion_sign(actor=w.handler, suggestion=s)


@pytest.mark.parametrize("who", ["supervisor", "chair"])
def test_supervisor_and_chair_issue_a_supervision(w, key, who):
    actor = w.vice if who == "supervisor" else w.chair
    Notification.objects.all().delete()
    services.suggestion_supervise(actor=actor, suggestion=key, note="请月底前拿出方案")
    event = SuggestionEvent.objects.get(suggestion=key, action=EventKind.SUPERVISE)
    assert not event.is_public and "督办函" in event.note and "请月底前拿出方案" in event.note
    told = {(n.recipient, n.title) for n in Notification.objects.all()}
    assert told == {(w.handler, f"【督办】{key.title}")}  # the lead department's handler only


@pytest.mark.parametrize("who", ["staff", "handler", "deputy", "viewer", "other_chair", "co_handler"])
def test_others_may_not_supervise(w, key, who):
    actor = {"staff": w.staff, "handler": w.handler, "deputy": w.deputy1.user, "viewer": w.viewer,
             "other_chair": staff_of(w.b, role=Role.CHAIR), "co_handler": w.handler2}[who]
    before = _counts(key)
    with pytest.raises(PermissionDenied):
        services.suggestion_supervise(actor=actor, suggestion=key)
    assert _counts(key) == before
    assert "supervise" not in actions.available_actions(actor, key)


def test_a_suggestion_that_is_not_key_has_no_supervision(w):
    s = f.in_progress(w)
    assert "supervise" not in actions.available_actions(w.chair, s)
    with pytest.raises(PermissionDenied):
        services.suggestion_supervise(actor=w.chair, suggestion=s)


def test_supervisor_reaches_it_by_clicks_and_downloads_the_letter(w, key, client):
    client.force_login(w.vice)
    queue = client.get(reverse("suggestions_portal:index")).content.decode()
    assert 'data-testid="supervised"' in queue and key.get_absolute_url() in queue  # 我督办的重点建议
    page = client.get(key.get_absolute_url()).content.decode()
    assert 'data-testid="action-supervise"' in page
    r = client.post(reverse("suggestions_portal:act", args=[key.pk, "supervise"]),
                    {"seen_state": key.state, "note": "加快进度"}, follow=True)
    html = r.content.decode()
    assert "已发出督办" in html
    letter = reverse("suggestions_portal:document", args=[key.pk, "supervision"])
    assert letter in html
    response = client.get(letter)
    assert response.status_code == 200
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(response.streaming_content)
                                                         if response.streaming else response.content)).paragraphs)
    key.refresh_from_db()
    assert "关于督促办理代表建议的函" in text
    assert f"{w.dept.name}:" in text
    assert f"{w.a.name}人民代表大会主席团" in text  # the issuing office
    d = key.deadline
    assert f"答复期限为{d.year}年{d.month}月{d.day}日" in text
    assert f"由{w.vice.display_name}同志督办" in text


def test_letter_presses_a_rehandled_item_on_its_current_deadline(w, key):
    from suggestions import documents

    services.suggestion_reply(actor=w.handler, suggestion=key, reply_class="B", text="列入明年计划")
    services.suggestion_evaluate(actor=w.deputy1.user, suggestion=Suggestion.objects.get(pk=key.pk),
                                 rating="unsatisfied", comment="太慢")
    s = Suggestion.objects.get(pk=key.pk)
    assert s.state == State.IN_PROGRESS and s.rehandle_count == 1 and s.due_date != s.deadline
    from docx import Document

    doc = Document(io.BytesIO(documents.supervision_letter(s).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"答复期限为{s.due_date.year}年{s.due_date.month}月{s.due_date.day}日" in text
    assert "第1次重新办理" in text

