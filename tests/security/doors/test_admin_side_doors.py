"""Every admin URL of every registered model, POSTed by every kind of account with the record's
own form data (one text field altered), for a record of each township: a row changes only where
the admin's ``/change/`` permission allows it, a row appears only where ``add`` is allowed, no
history page ever saves, and nothing answers 500."""

import datetime
import decimal

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse

from .helpers import TOWNSHIPS, request_as, user

pytestmark = pytest.mark.django_db

# Own township's staff and deputy (no admin), the other township's staff, the county viewer, anonymous.
POSTERS = ("{own}_staff", "{own}_deputy", "{other}_staff", "county_viewer", None)


def _snapshot(obj):
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return None
    # Logging in as the sampled user itself moves its last_login; that is not a write by the POST.
    return {
        f.attname: getattr(fresh, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname != "last_login"
    }


def _form_data(model_admin, obj, superuser):
    """The change form's own values for ``obj`` with one text field altered."""
    request = request_as(superuser)
    form = model_admin.get_form(request, obj, change=True)(instance=obj)
    data, altered = {}, None
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
            continue
        if value is None:
            value = ""
        elif isinstance(value, bool):
            value = "on" if value else ""
        elif isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal, int)):
            value = str(value)
        data[name] = value
        if altered is None and type(field).__name__ == "CharField" and name in data:
            altered = name
            data[name] = f"{value}篡改"[: getattr(field, "max_length", None) or 100]
    data.update({"_save": "保存", "post": "yes", "_change_history": "1"})
    return data


def _object_urls(model_admin, obj):
    opts = model_admin.model._meta
    history_id = None
    manager = getattr(opts, "simple_history_manager_attribute", None)
    if manager:
        version = getattr(obj, manager).order_by("history_id").first()
        history_id = version.history_id if version else None
    urls = []
    for pattern in model_admin.get_urls():
        name = getattr(pattern, "name", None)
        if not name:
            continue
        for args in ((), (obj.pk,), (obj.pk, history_id)):
            if None in args:
                continue
            try:
                urls.append((name, reverse(f"admin:{name}", args=args)))
                break
            except NoReverseMatch:
                continue
    return urls


def _sample_object(model_admin, township):
    staff = user(f"{township}_staff")
    return model_admin.get_queryset(request_as(staff)).order_by("pk").first()


def _act_as(client, account, acting):
    """Log ``account`` in (``None``: log out), unless the client still holds the session this did
    last time for the same account: each POST runs in a transaction rolled back after it, so a
    session its response did not replace (same cookie) is exactly as that login left it."""
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    who, key = (account.pk if account else None), (cookie.value if cookie else None)
    if acting and acting == {"who": who, "key": key}:
        return
    if account:
        client.force_login(account)
    else:
        client.logout()
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    acting.update(who=who, key=cookie.value if cookie else None)


@pytest.mark.parametrize("own", TOWNSHIPS)
def test_admin_posts_change_only_what_change_allows(demo, client, own):
    other = next(t for t in TOWNSHIPS if t != own)
    superuser = user("admin")
    client.raise_request_exception = False
    failures, checked, acting = [], 0, {}
    for model, model_admin in admin.site._registry.items():
        obj = _sample_object(model_admin, own)
        if obj is None:
            continue
        data = _form_data(model_admin, obj, superuser)
        for poster in POSTERS:
            account = user(poster.format(own=own, other=other)) if poster else None
            for name, url in _object_urls(model_admin, obj):
                _act_as(client, account, acting)
                before = _snapshot(obj)
                count_before = model._default_manager.count()
                with transaction.atomic():
                    response = client.post(url, data)
                    after = _snapshot(obj)
                    count_after = model._default_manager.count()
                    transaction.set_rollback(True)
                checked += 1
                who = account.username if account else "anonymous"
                if response.status_code >= 500:
                    failures.append(f"{who} POST {url}: {response.status_code}")
                    continue
                request = request_as(account) if account else None
                may_change = bool(account) and model_admin.has_change_permission(request, obj)
                may_delete = bool(account) and model_admin.has_delete_permission(request, obj)
                may_add = bool(account) and model_admin.has_add_permission(request)
                if name.endswith("_simple_history"):
                    refused = response.status_code == 403 or (
                        response.status_code == 302 and "/login/" in response["Location"]
                    )
                    if after != before or not refused:
                        failures.append(f"{who} POST {url} (history): {response.status_code}, changed={after != before}")
                elif after is None and not may_delete:
                    failures.append(f"{who} POST {url} deleted a row without delete permission")
                elif after is not None and after != before and not may_change:
                    failures.append(f"{who} POST {url} changed a row without change permission")
                elif count_after > count_before and not may_add:
                    failures.append(f"{who} POST {url} added a row without add permission")
    assert checked > 300
    assert not failures, "\n".join(failures)


def test_history_version_page_is_read_only_for_staff(demo, client):
    from congress.models import Department

    staff = user("liuhe_staff")
    department = Department.objects.filter(township=staff.township).first()
    version = department.history.order_by("history_id").first()
    client.force_login(staff)
    url = reverse("admin:congress_department_simple_history", args=[department.pk, version.history_id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # shown, not editable
    response = client.post(url, {"name": "改名", "kind": department.kind, "_change_history": "1"})
    assert response.status_code == 403
    department.refresh_from_db()
    assert department.name != "改名"


@pytest.mark.parametrize("model_name", ["suggestion", "changerequest", "deadlinesettings"])
def test_history_pages_of_models_without_history_table(demo, client, model_name):
    staff = user("liuhe_staff")
    model_admin = next(ma for m, ma in admin.site._registry.items() if m._meta.model_name == model_name)
    obj = _sample_object(model_admin, "liuhe")
    client.force_login(staff)
    response = client.get(reverse(f"admin:suggestions_{model_name}_history", args=[obj.pk]))
    assert response.status_code == 200


def test_nul_in_admin_filter_is_a_400(demo, client):
    client.force_login(user("liuhe_staff"))
    response = client.get(reverse("admin:suggestions_suggestion_changelist") + "?state__exact=%00")
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
