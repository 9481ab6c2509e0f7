"""Forms: validate input only; the services decide and write."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from congress.models import Department, User, Village
from congress.roles import PRESIDIUM_STAFF
from congress.validators import document_validator, mobile_validator, normalize_mobile, photo_validator

from .models import STAFF_ENTRY_CHANNELS, Category, ChangeRequest, Channel, Kind, Rating, ReplyClass

MAX_PHOTOS = 6
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input, each checked by content (not by file name) and size."""

    def __init__(self, *args, max_files=MAX_PHOTOS, image=True, **kwargs):
        self.max_files = max_files
        self.image = image
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"} if image else {}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > self.max_files:
            raise ValidationError(f"最多上传{self.max_files}个文件。")
        cleaned = []
        errors = []
        for upload in files:
            upload = super().clean(upload, initial)
            try:
                if self.image:
                    photo_validator(upload)
                elif upload.size > MAX_ATTACHMENT_BYTES:
                    raise ValidationError("附件不能超过 10 MB。")
                else:
                    document_validator(upload)
            except ValidationError as exc:
                errors.extend(f"{upload.name}:{m}" for m in exc.messages)
            cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _helper(submit_label: str, *, form_tag=True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit_label:
        helper.add_input(Submit("submit", submit_label, css_class="btn-primary w-100"))
    return helper


class PhoneField(forms.CharField):
    def to_python(self, value):
        return normalize_mobile(super().to_python(value))


class PublicSuggestionForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Kind.choices, initial=Kind.SUGGESTION)
    category = forms.ModelChoiceField(label="类别", queryset=Category.objects.none(), required=False, empty_label="请选择")
    village = forms.ModelChoiceField(label="所在村(社区)", queryset=Village.objects.none(), required=False, empty_label="请选择")
    title = forms.CharField(label="标题", max_length=100, widget=forms.TextInput(attrs={"placeholder": "一句话说明反映的事情"}))
    content = forms.CharField(label="具体内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    photos = MultiplePhotoField(label="照片(可选,最多6张)")
    is_anonymous = forms.BooleanField(label="匿名反映(不留姓名和电话,将无法收到回访)", required=False)
    submitter_name = forms.CharField(label="姓名", max_length=30, required=False)
    submitter_phone = PhoneField(label="手机号码", max_length=20, required=False,
                                 help_text="仅用于办理和查询,公开页面不会显示。")
    consent = forms.BooleanField(
        label="我已阅读并同意隐私声明:个人信息仅用于办理本事项,不对外公开。", required=True,
        error_messages={"required": "请阅读并同意隐私声明后再提交。"},
    )
    station = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["village"].queryset = Village.objects.filter(township=township)
        self.helper = _helper("提交")
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean_submitter_phone(self):
        phone = self.cleaned_data.get("submitter_phone", "")
        if phone:
            mobile_validator(phone)
        return phone

    def clean_station(self):
        from liaison_stations.models import Station

        pk = self.cleaned_data.get("station")
        if not pk:
            return None
        return Station.objects.filter(pk=pk, township=self.township).first()

    def clean(self):
        data = super().clean()
        if not data.get("is_anonymous") and not data.get("submitter_phone") and "submitter_phone" not in self.errors:
            self.add_error("submitter_phone", "请填写手机号码,或勾选匿名反映。")
        return data


class StaffEntryForm(PublicSuggestionForm):
    """Staff or a deputy enter an item received by WeChat group, phone, letter or a visit."""

    channel = forms.ChoiceField(label="来源渠道", choices=[(c.value, c.label) for c in STAFF_ENTRY_CHANNELS])

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, township=township, **kwargs)
        del self.fields["consent"]
        del self.fields["is_anonymous"]
        self.fields["submitter_phone"].help_text = "可不填。"
        self.order_fields(["channel", "kind", "category", "village", "title", "content"])
        self.helper = _helper("录入")
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean(self):
        return forms.Form.clean(self)


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=12)
    phone_last4 = forms.CharField(label="手机号后四位", max_length=4, min_length=4, required=False,
                                  help_text="匿名反映的事项不填。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("查询")
        self.helper.form_method = "post"  # never put phone digits into an address

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class CitizenRatingForm(forms.Form):
    rating = forms.ChoiceField(label="您对办理结果的评价", choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见(可选)", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("提交评价", form_tag=False)


# --- portal action forms -------------------------------------------------------------------------


class _ActionForm(forms.Form):
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)
    submit_label = "提交"

    def __init__(self, *args, suggestion=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion
        self.user = user
        if suggestion is not None and not self.is_bound:
            self.initial.setdefault("seen_state", suggestion.state)
        self.helper = _helper(self.submit_label, form_tag=False)

    # Fixed arguments of the action's service beside the form's fields.
    service_constants: dict = {}

    def service_kwargs(self) -> dict:
        """The valid form's data as the keyword arguments of the action's service."""
        data = {**self.cleaned_data, **self.service_constants}
        data["seen_state"] = data.get("seen_state") or None
        return data


class EmptyActionForm(_ActionForm):
    pass


class AnswerForm(_ActionForm):
    submit_label = "直接答复并办结"
    answer = forms.CharField(label="答复或解释", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="代表能自行解决的,或不属于受理范围的,写明情况后直接办结。")


class PresentForm(_ActionForm):
    submit_label = "提交主席团"
    title = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="建议内容(完善后)", widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ModelChoiceField(label="类别", queryset=Category.objects.filter(is_active=True), required=False)

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        if suggestion is not None and not self.is_bound:
            self.initial.update(title=suggestion.title, content=suggestion.content, category=suggestion.category_id)


class ReviseForm(_ActionForm):
    submit_label = "保存更正"
    title = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="群众原文保持不变,更正作为新版本与原文并列显示。")
    note = forms.CharField(label="更正说明", required=False)

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        if suggestion is not None and not self.is_bound:
            self.initial.update(title=suggestion.title, content=suggestion.content)


class ReasonForm(_ActionForm):
    submit_label = "确定"
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


def _departments_for(suggestion):
    from django.db.models import Q

    return Department.objects.filter(Q(township_id=suggestion.township_id) | Q(township__isnull=True, county_id=suggestion.township.county_id), is_active=True)


class DispatchForm(_ActionForm):
    submit_label = "派单"
    lead_department = forms.ModelChoiceField(label="主办单位", queryset=Department.objects.none())
    co_departments = forms.ModelMultipleChoiceField(label="协办单位", queryset=Department.objects.none(), required=False,
                                                    widget=forms.CheckboxSelectMultiple)
    is_complex = forms.BooleanField(label="涉及面广或办理难度大(答复期限六个月)", required=False)
    deadline = forms.DateField(label="答复期限", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="不填则按规定:交办后三个月,复杂的六个月。")
    is_key = forms.BooleanField(label="重点建议", required=False)
    supervisor = forms.ModelChoiceField(label="督办领导", queryset=User.objects.none(), required=False)
    note = forms.CharField(label="交办意见(仅内部可见,群众查询页不显示)", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        if suggestion is not None:
            departments = _departments_for(suggestion)
            self.fields["lead_department"].queryset = departments
            self.fields["co_departments"].queryset = departments
            self.fields["supervisor"].queryset = User.objects.filter(township_id=suggestion.township_id, role__in=PRESIDIUM_STAFF)
            if not self.is_bound and suggestion.proposed_department_id:
                self.initial["lead_department"] = suggestion.proposed_department_id

    def clean(self):
        data = super().clean()
        if data.get("is_key") and not data.get("supervisor"):
            self.add_error("supervisor", "重点建议须指定督办领导。")
        if data.get("deadline") and data["deadline"] <= timezone.localdate():
            self.add_error("deadline", "答复期限须晚于今天。")
        return data

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["co_departments"] = list(data.get("co_departments") or [])
        return data


class ChangeRequestForm(_ActionForm):
    submit_label = "提交申请"
    service_constants = {"kind": ChangeRequest.Kind.REASSIGN}
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionRequestForm(ChangeRequestForm):
    service_constants = {"kind": ChangeRequest.Kind.EXTEND}
    months = forms.IntegerField(label="延期月数", min_value=1, max_value=3, initial=1)


class DecideRequestForm(forms.Form):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(label="审批", choices=[("1", "同意"), ("0", "不同意")], coerce=lambda v: v == "1",
                                     widget=forms.RadioSelect)
    new_department = forms.ModelChoiceField(label="改由主办单位(同意改办时必选)", queryset=Department.objects.none(), required=False)
    note = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, suggestion=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion
        if suggestion is not None:
            self.fields["new_department"].queryset = _departments_for(suggestion)
            pending = suggestion.change_requests.filter(status="pending").order_by("pk").first()
            if pending is not None and not self.is_bound:
                self.initial["request_id"] = pending.pk
                self.fields["approve"].label = f"审批:{pending.get_kind_display()}(#{pending.pk})"
        self.helper = _helper("提交审批", form_tag=False)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class ProgressForm(_ActionForm):
    submit_label = "保存进展"
    text = forms.CharField(label="办理进展", widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(_ActionForm):
    submit_label = "正式答复"
    reply_class = forms.ChoiceField(label="答复类别", choices=ReplyClass.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="C类答复须说明暂不能解决的原因;D类(留作参考)用于不具备办理条件、供今后工作参考的建议。")
    attachments = MultiplePhotoField(label="附件(答复函扫描件等,可选)", image=False, max_files=5,
                                     widget=MultipleFileInput())


class EvaluateForm(_ActionForm):
    submit_label = "提交评价"
    rating = forms.ChoiceField(label="评价", choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="评价意见", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="不满意时请写明理由,建议将退回重新办理。")
    late_reason = forms.CharField(
        label="逾期补录说明", required=False,
        help_text="评价期限(答复后20个工作日)已过时,仅人大办工作人员可补录并须说明原因;补录的评价不计入满意率。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        if user is not None and not (user.is_superuser or user.role in PRESIDIUM_STAFF):
            del self.fields["late_reason"]  # only the presidium office records a late rating


class CloseForm(_ActionForm):
    submit_label = "销单"
    is_public = forms.BooleanField(label="在办理结果页公开(不显示反映人信息)", required=False, initial=True)
    note = forms.CharField(label="说明", required=False)


class QueueFilterForm(forms.Form):
    state = forms.CharField(required=False)
    q = forms.CharField(required=False)
    overdue = forms.BooleanField(required=False)
    light = forms.ChoiceField(required=False, choices=[("", "全部"), ("red", "红灯"), ("yellow", "黄灯")])
    department = forms.RegexField(required=False, regex=r"^(none|\d{1,10})$")
    township = forms.RegexField(required=False, regex=r"^\d{1,10}$")


class ChaseForm(_ActionForm):
    submit_label = "催办"
    message = forms.CharField(label="催办说明(可选)", required=False, max_length=200,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="将以站内消息和短信/企业微信(按对方的提醒方式)通知当前环节的办理人。")


class SuperviseForm(_ActionForm):
    submit_label = "发出督办函"
    note = forms.CharField(label="督办意见(可选)", required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="通知主办单位经办人,并记入办理记录;督办函(Word)可在本页“打印”处下载。")


def date_or_none(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
