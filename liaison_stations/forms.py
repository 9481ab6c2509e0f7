"""Portal forms (rendered with crispy-forms). Validation messages are Chinese and sit next to
the field; the services re-check everything."""

import datetime

from django import forms
from django.utils import timezone

from congress.models import Village
from congress.validators import mobile_validator, normalize_mobile
from deputies.models import Deputy

from .models import (
    ActivityPhoto,
    ReceptionIssue,
    ReceptionRecord,
    ReceptionRule,
    StandardEvidence,
    StationActivity,
    WorkPlanItem,
)
from .schedule import parse_month_days


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DeputyChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


def township_deputies(station):
    """Deputies of the station's township with an active mandate, the station's own first."""
    return (
        Deputy.objects.filter(township=station.township)
        .on_roster()
        .only("pk", "name", "township_id")
        .order_by("name")
    )


class StationDeputiesMixin:
    deputy_field = "deputies"

    def _limit_deputies(self, station, field_name, only_station=False):
        qs = township_deputies(station)
        if only_station:
            own = station.deputies.values_list("pk", flat=True)
            qs = qs.filter(pk__in=own) if station.deputies.exists() else qs
        self.fields[field_name].queryset = qs


class ReceptionRuleForm(forms.ModelForm):
    class Meta:
        model = ReceptionRule
        fields = ["frequency", "month_days", "weekday", "month_end", "start_date", "end_date",
                  "time_note"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, station=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.station = station
        if not self.is_bound:
            self.initial.setdefault("start_date", timezone.localdate())
            self.initial.setdefault("month_days", "15,20")

    def clean_month_days(self):
        value = self.cleaned_data.get("month_days", "")
        try:
            days = parse_month_days(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return ",".join(str(d) for d in days)


class GenerateDaysForm(forms.Form):
    start = forms.DateField(label="从", widget=DateInput())
    end = forms.DateField(label="到", widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "结束日期不能早于开始日期。")
            elif (end - start).days > 366 * 2:
                self.add_error("end", "一次最多生成两年的接待日。")
        return data

    @classmethod
    def for_year(cls, today: datetime.date):
        return cls(initial={"start": today, "end": datetime.date(today.year, 12, 31)})


class RosterForm(StationDeputiesMixin, forms.Form):
    deputies = DeputyChoiceField(label="值班代表", queryset=Deputy.objects.none(), required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_deputies(station, "deputies", only_station=True)


class ReceptionRecordForm(StationDeputiesMixin, forms.ModelForm):
    deputies_present = DeputyChoiceField(label="接待代表", queryset=Deputy.objects.none())

    class Meta:
        model = ReceptionRecord
        fields = ["date", "deputies_present", "summary"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_deputies(station, "deputies_present", only_station=True)
        self.fields["deputies_present"].error_messages["required"] = "请至少选择一名接待代表。"
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("接待记录只能登记今天或以前的接待。")
        return date


class ReceptionIssueForm(forms.ModelForm):
    visitor_phone = forms.CharField(
        label="来访人电话", max_length=20, required=False,
        help_text="公开页面不显示;工作台只显示隐藏中间四位的号码,有权查看者点击后显示(留痕)。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    class Meta:
        model = ReceptionIssue
        fields = ["visitor_name", "visitor_phone", "village", "content", "answered_on_spot", "answer"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "answer": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(township=township)
        self.fields["content"].error_messages["required"] = "请填写来访人反映的问题。"

    def clean_visitor_phone(self):
        value = normalize_mobile(self.cleaned_data.get("visitor_phone", ""))
        if value:
            mobile_validator(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("answered_on_spot") and not (data.get("answer") or "").strip():
            self.add_error("answer", "已勾选“当场答复”,请填写答复情况。")
        return data


class ActivityForm(StationDeputiesMixin, forms.ModelForm):
    participants = DeputyChoiceField(label="参加代表", queryset=Deputy.objects.none())

    class Meta:
        model = StationActivity
        fields = ["title", "kind", "date", "place", "hours", "plan_item", "content", "participants"]
        widgets = {"date": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_deputies(station, "participants")
        self.fields["participants"].error_messages["required"] = "请至少选择一名参加活动的代表。"
        self.fields["plan_item"].queryset = WorkPlanItem.objects.filter(
            plan__station=station
        ).select_related("plan")
        self.fields["plan_item"].label_from_instance = lambda o: f"{o.plan.year}年{o}"
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate() + datetime.timedelta(days=0):
            raise forms.ValidationError("请登记已经开展的活动,日期不能晚于今天。")
        return date


class ActivityPhotoForm(forms.ModelForm):
    class Meta:
        model = ActivityPhoto
        fields = ["image", "caption"]
        widgets = {"image": forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})}


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = StandardEvidence
        fields = ["photo", "note"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "photo": forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def clean(self):
        data = super().clean()
        has_photo = bool(data.get("photo")) or bool(self.instance.photo)
        if not has_photo and not (data.get("note") or "").strip():
            self.add_error("note", "请上传照片或填写说明,至少一项。")
        return data
