"""The deputy's own pages in the mobile portal: duty records (add in under a minute), the
annual summary, the voter-contact register, the ledgers, the profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from congress.exceptions import add_form_errors

from ..forms import DutyRecordQuickForm, VoterContactForm
from ..ledgers import LEDGERS, export_ledger
from ..models import DutyRecord, VoterContact
from ..predicates import deputy_of
from ..selectors import deputy_records, deputy_year_summary
from ..services import (
    DeputyError,
    duty_record_create,
    duty_record_delete,
    duty_record_update,
    voter_contact_create,
    voter_contact_delete,
)


def get_own_deputy(user):
    """The Deputy row of the logged-in deputy; 403 with a message for anyone else."""
    deputy = deputy_of(user)
    if deputy is None:
        raise PermissionDenied("您的账号尚未关联人大代表信息,请联系人大办。")
    return deputy


def get_record_for_user(user, pk, *, action="view") -> DutyRecord:
    """A duty record the user may ``action``; another deputy's record is a 404, not a hint."""
    record = get_object_or_404(DutyRecord.objects.select_related("deputy"), pk=pk)
    if not user.has_perm(f"deputies.{action}_dutyrecord", record):
        raise Http404
    return record


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _report(request, form, exc):
    add_form_errors(form, exc)


@login_required
def records(request):
    deputy = get_own_deputy(request.user)
    year = _year(request)
    return render(
        request,
        "deputies/portal/records.html",
        {
            "deputy": deputy,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "records": deputy_records(deputy, year=year),
            "summary": deputy_year_summary(deputy, year),
        },
    )


@login_required
def record_add(request):
    deputy = get_own_deputy(request.user)
    form = DutyRecordQuickForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            duty_record_create(
                actor=request.user,
                deputy=deputy,
                photos=form.cleaned_data["photos"],
                **form.service_kwargs(),
            )
        except (DeputyError, ValidationError) as exc:
            _report(request, form, exc)
        else:
            messages.success(request, "已记入履职档案。")
            return redirect("deputies:records")
    return render(
        request,
        "deputies/portal/record_form.html",
        {"form": form},
    )


@login_required
def record_edit(request, pk):
    get_own_deputy(request.user)
    record = get_record_for_user(request.user, pk, action="change")
    initial = {
        name: getattr(record, name) for name in DutyRecordQuickForm.base_fields if name != "photos"
    }
    form = DutyRecordQuickForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            duty_record_update(
                actor=request.user,
                record=record,
                photos=form.cleaned_data["photos"],
                **form.service_kwargs(),
            )
        except (DeputyError, ValidationError) as exc:
            _report(request, form, exc)
        else:
            messages.success(request, "履职记录已修改。")
            return redirect("deputies:records")
    return render(
        request,
        "deputies/portal/record_form.html",
        {"form": form, "record": record},
    )


@login_required
@require_POST
def record_delete(request, pk):
    get_own_deputy(request.user)
    record = get_record_for_user(request.user, pk, action="delete")
    duty_record_delete(actor=request.user, record=record)
    messages.success(request, "履职记录已删除。")
    return redirect("deputies:records")


@login_required
def voters(request):
    deputy = get_own_deputy(request.user)
    form = VoterContactForm(request.POST or None, township=deputy.township)
    if request.method == "POST" and form.is_valid():
        try:
            voter_contact_create(actor=request.user, deputy=deputy, **form.cleaned_data)
        except (DeputyError, ValidationError) as exc:
            _report(request, form, exc)
        else:
            messages.success(request, "已加入联系选民登记簿。")
            return redirect("deputies:voters")
    contacts = deputy.voter_contacts.select_related("village")
    return render(request, "deputies/portal/voters.html", {"form": form, "contacts": contacts})


@login_required
@require_POST
def voter_delete(request, pk):
    get_own_deputy(request.user)
    contact = get_object_or_404(VoterContact, pk=pk)
    if not request.user.has_perm("deputies.delete_votercontact", contact):
        raise Http404
    voter_contact_delete(actor=request.user, contact=contact)
    messages.success(request, "已从登记簿中删除。")
    return redirect("deputies:voters")


@login_required
def ledgers(request):
    deputy = get_own_deputy(request.user)
    year = _year(request)
    return render(
        request,
        "deputies/portal/ledgers.html",
        {
            "deputy": deputy,
            "ledgers": LEDGERS,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


def ledger_response(deputy, *, year, key, fmt, user) -> HttpResponse:
    try:
        content, filename, content_type = export_ledger(
            deputy,
            year,
            key=key,
            fmt=fmt,
            show_phone=user.has_perm("deputies.view_deputy_phone", deputy),
        )
    except KeyError as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def ledger_download(request, key, fmt):
    deputy = get_own_deputy(request.user)
    return ledger_response(deputy, year=_year(request), key=key, fmt=fmt, user=request.user)


@login_required
def profile(request):
    deputy = get_own_deputy(request.user)
    deputy = (
        type(deputy)
        .objects.select_related("district", "group", "township")
        .prefetch_related("stations", "presidium_contacts__member", "mandates")
        .get(pk=deputy.pk)
    )
    return render(request, "deputies/portal/profile.html", {"deputy": deputy})
