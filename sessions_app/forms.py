from django import forms

from .models import Attendance, Choice, Vote

CHOICE_FIELD_KW = {
    "label": "您的表决意见",
    "choices": Choice.choices,
    "widget": forms.RadioSelect,
    "error_messages": {"required": "请选择赞成、反对或弃权。", "invalid_choice": "请选择赞成、反对或弃权。"},
}


class BallotForm(forms.Form):
    choice = forms.ChoiceField(**CHOICE_FIELD_KW)


class CheckinForm(forms.Form):
    c = forms.CharField(widget=forms.HiddenInput, required=False)


class AttendanceForm(forms.Form):
    deputy = forms.ModelChoiceField(
        label="代表", queryset=None, error_messages={"required": "请选择代表。", "invalid_choice": "该代表不在本届代表名单中。"}
    )
    status = forms.ChoiceField(label="出席情况", choices=Attendance.Status.choices)
    leave_reason = forms.CharField(label="请假事由", required=False, max_length=200)

    def __init__(self, *args, roster=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = roster

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Attendance.Status.LEAVE and not (cleaned.get("leave_reason") or "").strip():
            self.add_error("leave_reason", "请假必须填写请假事由。")
        return cleaned


class PaperCountForm(forms.Form):
    yes = forms.IntegerField(label="赞成票", min_value=0, error_messages={"required": "请填写赞成票数。", "min_value": "票数不能为负数。"})
    no = forms.IntegerField(label="反对票", min_value=0, error_messages={"required": "请填写反对票数。", "min_value": "票数不能为负数。"})
    abstain = forms.IntegerField(label="弃权票", min_value=0, error_messages={"required": "请填写弃权票数。", "min_value": "票数不能为负数。"})


class LivelihoodBallotForm(forms.Form):
    """One 赞成/反对/弃权 choice per candidate project."""

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = list(projects)
        for project in self.projects:
            self.fields[f"p{project.pk}"] = forms.ChoiceField(
                **{**CHOICE_FIELD_KW, "label": f"{project.entry_order}. {project.title}(预算{project.budget}万元)"}
            )

    def choices(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"p{p.pk}"] for p in self.projects}


class LivelihoodOpenForm(forms.Form):
    ballot_kind = forms.ChoiceField(label="表决方式", choices=Vote.BallotKind.choices, initial=Vote.BallotKind.SECRET)
    method = forms.ChoiceField(label="投票形式", choices=Vote.Method.choices, initial=Vote.Method.ELECTRONIC)


class SessionSuggestionForm(forms.Form):
    deputies = forms.ModelMultipleChoiceField(
        label="提出建议的代表(可多选,联名)", queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择提出建议的代表。"},
    )
    kind = forms.ChoiceField(label="类型")
    category = forms.ModelChoiceField(label="类别", queryset=None, required=False, empty_label="(不分类)")
    title = forms.CharField(label="标题", max_length=100, error_messages={"required": "请填写标题。"})
    content = forms.CharField(label="建议内容", widget=forms.Textarea(attrs={"rows": 5}), error_messages={"required": "请填写建议内容。"})

    def __init__(self, *args, roster=None, kinds=(), categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = roster
        self.fields["kind"].choices = kinds
        self.fields["category"].queryset = categories


class ProjectFromSuggestionForm(forms.Form):
    """Promote a suggestion to a 民生实事 candidate project."""

    suggestion = forms.ModelChoiceField(label="来源建议", queryset=None, error_messages={"required": "请选择建议。"})
    department = forms.ModelChoiceField(label="责任单位", queryset=None, error_messages={"required": "请选择责任单位。"})
    budget = forms.DecimalField(
        label="预算(万元)", min_value=0, max_digits=10, decimal_places=2,
        error_messages={"required": "请填写预算。", "min_value": "预算不能为负数。"},
    )

    def __init__(self, *args, suggestions=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestion"].queryset = suggestions
        self.fields["department"].queryset = departments


class ProgressReportForm(forms.Form):
    """A department's progress report on a selected 民生实事 project."""

    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}), error_messages={"required": "请填写日期。", "invalid": "日期格式不正确。"})
    percent = forms.IntegerField(label="完成进度(%)", min_value=0, max_value=100, required=False, error_messages={"min_value": "进度应在0到100之间。", "max_value": "进度应在0到100之间。"})
    content = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "请填写进展情况。"})
    completion = forms.ChoiceField(label="完成情况", choices=())

    def __init__(self, *args, **kwargs):
        from .models import LivelihoodProject

        super().__init__(*args, **kwargs)
        self.fields["completion"].choices = LivelihoodProject.Completion.choices
