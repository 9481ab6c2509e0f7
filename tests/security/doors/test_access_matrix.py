"""The role × URL × method matrix, generated from the URL resolver (admin URLs are covered by
test_admin_side_doors). One concrete URL per pattern for each township, GET and POST, for the
accounts below. What each column may get is written in EXPECT; nothing answers 5xx.

A new URL pattern with parameters must be added to PARAMS, so the matrix keeps covering it."""

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from congress.middleware import COUNTY_VIEWER_WRITES

from .helpers import TOWNSHIPS, user

pytestmark = pytest.mark.django_db

PUBLIC_NAMESPACES = ("public", "suggestions_public", "stations_public", "deputies_public", "sessions_public")
# The session's own pages, and the health probe (503 without a running worker in tests).
LOGIN_PAGES = ("portal:login", "portal:logout", "portal:twofactor_setup", "portal:twofactor_verify", "healthz")
# Statuses that mean "not for you": refused, not found, sent to log in, or wrong method.
REFUSED = {302, 403, 404, 405}

# Who posts and gets: anonymous, the county viewer, and the own/other township's accounts.
ACCOUNTS = ("anonymous", "county_viewer", "{own}_staff", "{own}_station", "{own}_deputy",
            "{own}_handler", "{other}_staff")

# Expected outcome per URL group and account kind:
#   ok      = 200 (or a redirect/400 for a form that needs more input): the page is theirs
#   refused = 302 to log in / 403 / 404 / 405
#   any     = depends on the record (own work vs. another's) — only "no 5xx" is checked
EXPECT = {
    #  group            anonymous  viewer     own staff  own others  other township
    "public":          ("ok",      "ok",      "ok",      "ok",       "ok"),
    "public-session":  ("any",     "any",     "any",     "any",      "any"),
    "portal":          ("refused", "any",     "any",     "any",      "any"),
    "portal-object":   ("refused", "any",     "any",     "any",      "refused"),
    "dashboard":       ("refused", "ok",      "any",     "refused",  "any"),
    "dashboard-object": ("refused", "ok",     "any",     "refused",  "refused"),
}
COLUMNS = ("anonymous", "viewer", "own staff", "own others", "other township")


def _pk(label, township, **filters):
    model = apps.get_model(label)
    path = getattr(model, "TOWNSHIP_FIELD", "township")
    return model._default_manager.filter(**{path: township}, **filters).order_by("pk").values_list("pk", flat=True).first()


def _suggestion(t):
    return apps.get_model("suggestions.Suggestion")._default_manager.filter(township=t).order_by("pk").first()


# Parameters of each pattern that has any, for township ``t``.
PARAMS = {
    "dashboards:records": lambda t: {"figure": "duty_records"},
    "dashboards:township": lambda t: {"slug": t.slug},
    "dashboards:annex": lambda t: {"slug": t.slug},
    "dashboards:station": lambda t: {"slug": t.slug, "pk": _pk("liaison_stations.Station", t)},
    "dashboards:deputy": lambda t: {"slug": t.slug, "pk": _pk("deputies.Deputy", t)},
    "portal:notification_open": lambda t: {"pk": apps.get_model("congress.Notification").objects.filter(
        recipient__township=t).order_by("pk").values_list("pk", flat=True).first()},
    "deputies:record_edit": lambda t: {"pk": _pk("deputies.DutyRecord", t)},
    "deputies:record_delete": lambda t: {"pk": _pk("deputies.DutyRecord", t)},
    "deputies:voter_delete": lambda t: {"pk": _pk("deputies.VoterContact", t)},
    "deputies:ledger_download": lambda t: {"key": "personal", "fmt": "xlsx"},
    "deputies_public:township_deputies": lambda t: {"slug": t.slug},
    "deputies_public:district_board": lambda t: {"slug": t.slug, "number": 1},
    **{f"deputies_public:{name}": (lambda t: {"slug": t.slug, "pk": _pk("deputies.Deputy", t)}) for name in (
        "deputy_qr_card", "deputy_qr_svg", "deputy_qr_png")},
    **{f"stations_portal:{name}": (lambda t: {"pk": _pk("liaison_stations.Station", t)}) for name in (
        "station", "schedule", "rule_add", "generate", "receptions", "reception_add", "activities",
        "activity_add", "checklist")},
    "stations_portal:roster": lambda t: {"pk": _pk("liaison_stations.ReceptionDay", t)},
    "stations_portal:reception": lambda t: {"pk": _pk("liaison_stations.ReceptionRecord", t)},
    "stations_portal:activity": lambda t: {"pk": _pk("liaison_stations.StationActivity", t)},
    "stations_portal:activity_edit": lambda t: {"pk": _pk("liaison_stations.StationActivity", t)},
    "stations_portal:evidence": lambda t: {"pk": _pk("liaison_stations.Station", t),
                                           "item_pk": apps.get_model("liaison_stations.StandardItem").objects.order_by("pk").values_list("pk", flat=True).first()},
    "stations_public:list": lambda t: {"township": t.slug},
    **{f"stations_public:{name}": (lambda t: {"township": t.slug, "pk": _pk("liaison_stations.Station", t)})
       for name in ("detail", "calendar", "poster", "qr_svg", "qr_png")},
    "suggestions_portal:detail": lambda t: {"pk": _suggestion(t).pk},
    "suggestions_portal:act": lambda t: {"pk": _suggestion(t).pk, "action": "claim"},
    "suggestions_portal:reveal_phone": lambda t: {"pk": _suggestion(t).pk},
    "suggestions_portal:document": lambda t: {"pk": _suggestion(t).pk, "kind": "dispatch"},
    "suggestions_portal:from_reception_issue": lambda t: {"issue_pk": _pk("liaison_stations.ReceptionIssue", t)},
    "stations_portal:issue_phone": lambda t: {"pk": _pk("liaison_stations.ReceptionIssue", t)},
    "suggestions_public:submit": lambda t: {"township": t.slug},
    "suggestions_public:done": lambda t: {"township": t.slug, "code": _suggestion(t).code},
    "suggestions_public:results": lambda t: {"township": t.slug},
    "suggestions_public:rate_link": lambda t: {"code": _suggestion(t).code},
    "sessions_portal:project_progress_new": lambda t: {"pk": _pk("sessions_app.LivelihoodProject", t)},
    **{f"sessions_portal:{name}": (lambda t: {"pk": _pk("sessions_app.CongressSession", t)}) for name in (
        "session_detail", "session_open", "session_close", "screen", "attendance", "livelihood_ballot",
        "livelihood_open", "livelihood_finalize", "project_from_suggestion", "session_suggestion_new")},
    **{f"sessions_portal:{name}": (lambda t: {"pk": _pk("sessions_app.Vote", t)}) for name in (
        "vote_detail", "vote_open", "vote_close", "vote_paper")},
    "sessions_public:congress_home": lambda t: {"township": t.slug},
    "sessions_public:project_detail": lambda t: {"township": t.slug, "pk": _pk("sessions_app.LivelihoodProject", t)},
    "public:township": lambda t: {"slug": t.slug},
    "media": None,  # covered by test_uploads (the owning record's permission)
}


def _patterns(resolver=None, namespace=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue
            yield from _patterns(entry, f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


# Public pages that show what this browser's session looked up (404 without one).
SESSION_BOUND = {"suggestions_public:receipt"}


def _group(name):
    if name in SESSION_BOUND:
        return "public-session"
    if name.split(":")[0] in PUBLIC_NAMESPACES:
        return "public"
    has_object = name in PARAMS and name not in ("dashboards:records", "deputies:ledger_download")
    if name.startswith("dashboards:"):
        return "dashboard-object" if has_object else "dashboard"
    return "portal-object" if has_object else "portal"


def _column(account, own):
    if account == "anonymous":
        return "anonymous"
    if account == "county_viewer":
        return "viewer"
    if account.startswith(own):
        return "own staff" if account.endswith(("_staff", "_chair")) else "own others"
    return "other township"


def test_every_parameterised_pattern_is_in_the_table():
    missing = [name for name, entry in _patterns() if entry.pattern.regex.groups and name not in PARAMS]
    assert not missing, f"add these URL patterns to PARAMS: {missing}"


@pytest.mark.parametrize("own", TOWNSHIPS)
def test_role_url_method_matrix(demo, client, own):
    from congress.models import Township

    other = next(t for t in TOWNSHIPS if t != own)
    township = Township.objects.get(slug=own)
    client.raise_request_exception = False
    urls = []
    for name, entry in _patterns():
        if name in LOGIN_PAGES or PARAMS.get(name, ...) is None:
            continue
        kwargs = PARAMS[name](township) if name in PARAMS else {}
        if any(v is None for v in kwargs.values()):
            continue
        urls.append((name, reverse(name, kwargs=kwargs)))
    assert len(urls) > 70
    failures = []
    for account in ACCOUNTS:
        username = account.format(own=own, other=other)
        if username == "anonymous":
            client.logout()
        else:
            client.force_login(user(username))
        column = _column(username, own)
        for name, url in urls:
            expected = EXPECT[_group(name)][COLUMNS.index(column)]
            for method in ("get", "post"):
                if method == "post" and name in ("portal:notifications_read",):
                    continue
                response = getattr(client, method)(url)
                status = response.status_code
                label = f"{username} {method.upper()} {url} ({name}, {_group(name)})"
                if status >= 500:
                    failures.append(f"{label}: {status}")
                elif (method == "post" and column == "viewer" and status not in REFUSED
                      and name not in COUNTY_VIEWER_WRITES):
                    failures.append(f"{label}: viewer write answered {status}")
                elif method == "post" and column == "anonymous" and _group(name) != "public" and status not in REFUSED:
                    failures.append(f"{label}: anonymous write answered {status}")
                elif method == "get" and expected == "refused" and status not in REFUSED:
                    failures.append(f"{label}: expected refused, got {status}")
                elif method == "get" and expected == "ok" and status not in (200, 302, 400):
                    failures.append(f"{label}: expected ok, got {status}")
    assert not failures, "\n".join(failures)
