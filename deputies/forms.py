import datetime

from django import forms
from django.utils import timezone

from congress.models import Term, Village
from congress.validators import MOBILE_RE, normalize_mobile, photo_validator

from . import roster_excel
from .models import Deputy, DutyKind, Level

# The kinds a deputy most often records first, so the picker needs no scrolling on a phone.
QUICK_KINDS = [
    DutyKind.VOTER_CONTACT,
    DutyKind.RECEPTION,
    DutyKind.GROUP_ACTIVITY,
    DutyKind.TRAINING,
    DutyKind.INSPECTION,
    DutyKind.PRACTICAL_DEED,
    DutyKind.SUGGESTION,
    DutyKind.LAW_ENFORCEMENT_CHECK,
    DutyKind.ATTEND_MEETING,
    DutyKind.ATTEND_SESSION,
    DutyKind.PERFORMANCE_REVIEW,
]


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more photos, each checked by content and size (JPEG/PNG/WebP)."""

    widget = MultiplePhotoInput

    def __init__(self, *args, max_files=6, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > self.max_files:
            raise forms.ValidationError(f"一次最多上传 {self.max_files} 张照片。")
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            if upload:
                photo_validator(upload)
                cleaned.append(upload)
        return cleaned


class DutyRecordQuickForm(forms.Form):
    """What a deputy fills in on the phone: a kind, a line of content; everything else has a
    sensible default (today, no place, no hours) or is optional."""

    kind = forms.ChoiceField(
        label="类别", choices=[(k.value, k.label) for k in QUICK_KINDS], widget=forms.RadioSelect
    )
    content = forms.CharField(
        label="做了什么",
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "如:走访上坪村5户村民,听取修路意见"}
        ),
    )
    date = forms.DateField(
        label="日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    place = forms.CharField(label="地点", max_length=100, required=False)
    hours = forms.DecimalField(
        label="时长(小时)",
        required=False,
        min_value=0,
        max_value=999,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    photos = PhotosField(
        label="照片(可选)",
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    # Shown only for the kinds that use them (see the template).
    contact_persons = forms.CharField(label="接待/联系对象", max_length=200, required=False)
    outcome = forms.CharField(
        label="办理结果或成效", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    satisfied_count = forms.IntegerField(label="满意票", min_value=0, required=False)
    basically_satisfied_count = forms.IntegerField(label="基本满意票", min_value=0, required=False)
    unsatisfied_count = forms.IntegerField(label="不满意票", min_value=0, required=False)

    # Fields shown only for some kinds (the template hides the others).
    SHOWN_FOR = {
        "contact_persons": [DutyKind.RECEPTION, DutyKind.VOTER_CONTACT, DutyKind.PRACTICAL_DEED],
        "outcome": [DutyKind.RECEPTION, DutyKind.VOTER_CONTACT, DutyKind.PRACTICAL_DEED],
        "satisfied_count": [DutyKind.PERFORMANCE_REVIEW],
        "basically_satisfied_count": [DutyKind.PERFORMANCE_REVIEW],
        "unsatisfied_count": [DutyKind.PERFORMANCE_REVIEW],
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        for name, field in self.fields.items():
            if name != "kind":
                field.widget.attrs.setdefault("class", "form-control")
            if name in self.SHOWN_FOR:
                field.widget.attrs["data-shown-for"] = " ".join(self.SHOWN_FOR[name])

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天。")
        if date < timezone.localdate() - datetime.timedelta(days=366 * 5):
            raise forms.ValidationError("日期过早,请检查。")
        return date

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") != DutyKind.PERFORMANCE_REVIEW:
            for name in ("satisfied_count", "basically_satisfied_count", "unsatisfied_count"):
                cleaned[name] = None
        cleaned["hours"] = cleaned.get("hours") or 0
        return cleaned

    def service_kwargs(self) -> dict:
        """Keyword arguments for :func:`deputies.services.duty_record_create`."""
        c = self.cleaned_data
        names = (
            "kind",
            "date",
            "content",
            "place",
            "hours",
            "contact_persons",
            "outcome",
            "satisfied_count",
            "basically_satisfied_count",
            "unsatisfied_count",
        )
        return {name: c[name] for name in names}


class VoterContactForm(forms.Form):
    name = forms.CharField(label="选民姓名", max_length=30)
    village = forms.ModelChoiceField(
        label="所在村(社区)", queryset=Village.objects.none(), required=False
    )
    address = forms.CharField(label="住址或单位", max_length=100, required=False)
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    since = forms.DateField(
        label="建立联系日期",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(township=township).order_by("name")
        self.fields["since"].initial = timezone.localdate()
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")

    def clean_phone(self):
        phone = normalize_mobile(self.cleaned_data.get("phone", ""))
        if phone and not MOBILE_RE.match(phone):
            raise forms.ValidationError("请输入正确的11位手机号码,例如 13812345678。")
        return phone


# --- Admin: roster import --------------------------------------------------------------------


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="花名册文件(.xlsx、.xls 或 .csv)",
        help_text="第一张工作表;表头含 " + "、".join(roster_excel.HEADERS),
    )
    term = forms.ModelChoiceField(
        label="乡镇人大届次", queryset=Term.objects.none(), help_text="镇级代表资格登记在此届次"
    )
    county_term = forms.IntegerField(label="县(区)人大代表届次", min_value=1, initial=18)
    city_term = forms.IntegerField(label="市人大代表届次", min_value=1, initial=6)
    province_term = forms.IntegerField(label="省人大代表届次", min_value=1, initial=14)
    national_term = forms.IntegerField(label="全国人大代表届次", min_value=1, initial=14)

    def __init__(self, *args, terms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms if terms is not None else Term.objects.none()
        current = [t for t in self.fields["term"].queryset if t.is_current]
        if current:
            self.fields["term"].initial = current[0].pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.sheet = roster_excel.read_roster(upload)
        except roster_excel.RosterFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

    def level_terms(self) -> dict[str, int]:
        c = self.cleaned_data
        return {
            Level.COUNTY: c["county_term"],
            Level.CITY: c["city_term"],
            Level.PROVINCE: c["province_term"],
            Level.NATIONAL: c["national_term"],
        }


class DeputyAdminForm(forms.ModelForm):
    """Keeps a deputy's district and group inside their own township."""

    class Meta:
        model = Deputy
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        township = cleaned.get("township")
        for name in ("district", "group"):
            value = cleaned.get(name)
            if value is not None and township is not None and value.township_id != township.pk:
                self.add_error(name, "必须属于该代表所在的乡镇。")
        return cleaned
