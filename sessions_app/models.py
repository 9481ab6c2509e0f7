"""Congress sessions (人代会) and the presidium's work between them.

Term (congress.models.Term) → CongressSession (第N次会议) → agenda items with documents and the
resolution adopted; attendance per deputy; votes with their ballots; 民生实事 candidate projects
voted per project and followed through the year; presidium meetings; supervision activities.

Secret ballots: ``BallotReceipt`` records *that* a deputy voted (unique per vote and deputy,
which is what stops double voting); while the vote is open the choice only increments a total
in the sealed ``BallotBox``; when the vote closes the box is opened and the ``Ballot`` rows are
written in one batch in random order (random UUID keys, no deputy, no timestamp), so neither
transaction ids, row order, sequences nor a backup lead from a choice back to a receipt. For
open (recorded) ballots the receipt carries the choice as well. See docs/sessions_app.md.
"""

import uuid

from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from congress import permissions as p
from congress.models import Department, Term, Township, TownshipScopedModel, User
from congress.validators import cn_number
from deputies.models import Deputy

from . import rules  # noqa: F401  (registers the app's permissions)

DOCUMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "wps", "ofd", "jpg", "jpeg", "png"]


class Choice(models.TextChoices):
    YES = "yes", "赞成"
    NO = "no", "反对"
    ABSTAIN = "abstain", "弃权"


class CongressSession(TownshipScopedModel):
    """第N次会议 of a township congress term."""

    class Kind(models.TextChoices):
        EARLY_YEAR = "early_year", "年初会议"
        MID_YEAR = "mid_year", "年中会议"
        EXTRAORDINARY = "extraordinary", "临时会议"

    class Status(models.TextChoices):
        PLANNED = "planned", "筹备中"
        OPEN = "open", "已开幕"
        CLOSED = "closed", "已闭幕"

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="congress_sessions"
    )
    term = models.ForeignKey(
        Term, verbose_name="届次", on_delete=models.PROTECT, related_name="congress_sessions"
    )
    number = models.PositiveSmallIntegerField("会议次数", help_text="第几次会议,例如第三次会议填 3")
    kind = models.CharField("会议类型", max_length=20, choices=Kind.choices)
    start_date = models.DateField("开幕日期")
    end_date = models.DateField("闭幕日期")
    venue = models.CharField("会场", max_length=100)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    opened_at = models.DateTimeField("开幕时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("闭幕时间", null=True, blank=True, editable=False)
    livelihood_quota = models.PositiveSmallIntegerField(
        "民生实事项目入选名额", default=0, help_text="本次会议票决民生实事项目时最多入选的项目数;不票决填 0"
    )
    notes = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "人代会会议"
        verbose_name_plural = "人代会会议"
        ordering = ["township", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_number_in_term"),
            models.CheckConstraint(condition=Q(number__gte=1), name="session_number_positive"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_at_least_one_day"
            ),
        ]
        rules_permissions = p.TOWNSHIP_RECORD_RULES

    def __str__(self):
        return f"{self.township.name}第{cn_number(self.term.number)}届人民代表大会第{cn_number(self.number)}次会议"

    @property
    def short_title(self) -> str:
        return f"第{cn_number(self.term.number)}届第{cn_number(self.number)}次会议"

    def get_absolute_url(self):
        return reverse("sessions_portal:session_detail", kwargs={"pk": self.pk})


class AgendaItem(TownshipScopedModel):
    class Kind(models.TextChoices):
        GOVERNMENT_REPORT = "government_report", "政府工作报告"
        PRESIDIUM_REPORT = "presidium_report", "主席团工作报告"
        BUDGET = "budget", "财政预算"
        FINAL_ACCOUNTS = "final_accounts", "财政决算"
        ELECTION = "election", "选举"
        LIVELIHOOD_VOTE = "livelihood_vote", "民生实事项目票决"
        SUGGESTION_REPORT = "suggestion_report", "代表建议办理情况报告"
        RESOLUTION = "resolution", "决议"
        OTHER = "other", "其他"

    session = models.ForeignKey(
        CongressSession, verbose_name="会议", on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField("议程序号")
    kind = models.CharField("议程类型", max_length=30, choices=Kind.choices)
    title = models.CharField("议程名称", max_length=200)
    resolution_title = models.CharField("通过的决议名称", max_length=200, blank=True)
    resolution_text = models.TextField("决议全文", blank=True)
    resolution_adopted_on = models.DateField("决议通过日期", null=True, blank=True)
    resolution_published = models.BooleanField(
        "在公开页面公布决议", default=False, help_text="勾选后决议显示在本乡镇的公开页面"
    )
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "session__township"

    class Meta:
        verbose_name = "会议议程"
        verbose_name_plural = "会议议程"
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="agenda_unique_order"),
            models.CheckConstraint(
                condition=Q(resolution_published=False) | ~Q(resolution_text=""),
                name="agenda_published_resolution_has_text",
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class AgendaDocument(TownshipScopedModel):
    class Kind(models.TextChoices):
        REPORT = "report", "报告"
        BUDGET = "budget", "预算/决算"
        DRAFT_RESOLUTION = "draft_resolution", "决议草案"
        OTHER = "other", "其他材料"

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name="议程", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("材料类型", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    file = models.FileField(
        "文件",
        upload_to="sessions/documents/%Y/",
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
        help_text="PDF、Word、Excel、WPS、OFD 或图片",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "agenda_item__session__township"

    class Meta:
        verbose_name = "会议材料"
        verbose_name_plural = "会议材料"
        ordering = ["agenda_item", "id"]

    def __str__(self):
        return self.title


class Attendance(TownshipScopedModel):
    """One row per deputy of the roster who checked in or asked for leave; a roster deputy
    without a row (or with ``absent``) is absent."""

    class Status(models.TextChoices):
        PRESENT = "present", "出席"
        LEAVE = "leave", "请假"
        ABSENT = "absent", "缺席"

    class Method(models.TextChoices):
        QR = "qr", "扫码签到"
        MANUAL = "manual", "工作人员登记"

    session = models.ForeignKey(
        CongressSession, verbose_name="会议", on_delete=models.CASCADE, related_name="attendances"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.PROTECT, related_name="session_attendances"
    )
    status = models.CharField("出席情况", max_length=10, choices=Status.choices)
    leave_reason = models.CharField("请假事由", max_length=200, blank=True)
    method = models.CharField("登记方式", max_length=10, choices=Method.choices)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name="登记人", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "session__township"

    class Meta:
        verbose_name = "出席登记"
        verbose_name_plural = "出席登记"
        ordering = ["session", "deputy__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="attendance_one_per_deputy"),
            models.CheckConstraint(
                condition=~Q(status="leave") | ~Q(leave_reason=""), name="attendance_leave_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.deputy} {self.get_status_display()}"


class Vote(TownshipScopedModel):
    """A motion put to the vote (表决事项). Passes with more than half of ALL the deputies of
    the term (``roster_size``, fixed when the vote opens), not of those present."""

    class BallotKind(models.TextChoices):
        OPEN = "open", "记名表决"
        SECRET = "secret", "无记名投票"

    class Method(models.TextChoices):
        ELECTRONIC = "electronic", "手机表决"
        PAPER = "paper", "纸质选票(录入票数)"

    class Status(models.TextChoices):
        DRAFT = "draft", "未开始"
        OPEN = "open", "表决中"
        CLOSED = "closed", "已结束"

    session = models.ForeignKey(
        CongressSession, verbose_name="会议", on_delete=models.CASCADE, related_name="votes"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name="议程", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="votes",
    )
    title = models.CharField("表决事项", max_length=200)
    ballot_kind = models.CharField("表决方式", max_length=10, choices=BallotKind.choices)
    method = models.CharField(
        "投票形式", max_length=12, choices=Method.choices, default=Method.ELECTRONIC
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    roster_size = models.PositiveIntegerField("应到代表数(全体代表)", null=True, editable=False)
    opened_at = models.DateTimeField("开始时间", null=True, editable=False)
    closed_at = models.DateTimeField("结束时间", null=True, editable=False)
    yes_count = models.PositiveIntegerField("赞成", null=True, editable=False)
    no_count = models.PositiveIntegerField("反对", null=True, editable=False)
    abstain_count = models.PositiveIntegerField("弃权", null=True, editable=False)
    passed = models.BooleanField("通过", null=True, editable=False)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "session__township"

    class Meta:
        verbose_name = "表决事项"
        verbose_name_plural = "表决事项"
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(yes_count__isnull=False) & Q(no_count__isnull=False)
                   & Q(abstain_count__isnull=False) & Q(passed__isnull=False)),
                name="vote_closed_has_result",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def not_voted_count(self) -> int | None:
        """未表决: deputies of the term who cast no ballot (absent, on leave or silent)."""
        if self.yes_count is None or self.roster_size is None:
            return None
        return self.roster_size - self.yes_count - self.no_count - self.abstain_count

    def get_absolute_url(self):
        return reverse("sessions_portal:vote_detail", kwargs={"pk": self.pk})


class BallotReceipt(models.Model):
    """The record that a deputy voted. Unique per (vote, deputy): nobody votes twice. For a
    secret ballot ``choice`` stays empty; the choice lives only in an unlinked ``Ballot``."""

    vote = models.ForeignKey(Vote, verbose_name="表决事项", on_delete=models.CASCADE, related_name="receipts")
    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.PROTECT, related_name="ballot_receipts"
    )
    choice = models.CharField(
        "表决意见(仅记名表决)", max_length=10, choices=Choice.choices, blank=True, default=""
    )

    TOWNSHIP_FIELD = "vote__session__township"

    class Meta:
        verbose_name = "投票记录"
        verbose_name_plural = "投票记录"
        constraints = [
            models.UniqueConstraint(fields=["vote", "deputy"], name="ballot_receipt_one_per_deputy"),
        ]

    def __str__(self):
        return f"{self.deputy} 已投票"


class Ballot(models.Model):
    """One counted ballot: the choice and nothing else. Random UUID key (no sequence), no deputy,
    no timestamp, no history; written all at once, shuffled, when the vote closes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, verbose_name="表决事项", on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField("表决意见", max_length=10, choices=Choice.choices)

    TOWNSHIP_FIELD = "vote__session__township"

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = "选票"
        # Never order by anything that reflects when a ballot was cast.
        ordering = ["id"]

    def __str__(self):
        return self.get_choice_display()


class BallotBox(models.Model):
    """The sealed ballot box of one electronic vote: only running totals per choice, no row per
    ballot while the vote is open. Closing the vote "opens the box": one ``Ballot`` per counted
    choice is written in a single transaction, in random order, and ``counted`` is set. The
    totals stay for verification (box totals = ballots by choice; box sum = receipts)."""

    vote = models.OneToOneField(
        Vote, verbose_name="表决事项", on_delete=models.CASCADE, primary_key=True, related_name="box"
    )
    yes = models.PositiveIntegerField("赞成", default=0)
    no = models.PositiveIntegerField("反对", default=0)
    abstain = models.PositiveIntegerField("弃权", default=0)
    counted = models.BooleanField("已开箱计票", default=False)

    TOWNSHIP_FIELD = "vote__session__township"

    class Meta:
        verbose_name = "票箱"
        verbose_name_plural = "票箱"

    def __str__(self):
        return f"{self.vote} 票箱"

    def totals(self) -> dict[str, int]:
        return {"yes": self.yes, "no": self.no, "abstain": self.abstain}


class LivelihoodProject(TownshipScopedModel):
    """民生实事 candidate project voted by the deputies at a session, then followed through the
    year when selected."""

    class Completion(models.TextChoices):
        NOT_STARTED = "not_started", "未开工"
        IN_PROGRESS = "in_progress", "推进中"
        COMPLETED = "completed", "已完成"
        DELAYED = "delayed", "滞后"

    session = models.ForeignKey(
        CongressSession, verbose_name="票决会议", on_delete=models.PROTECT, related_name="livelihood_projects"
    )
    title = models.CharField("项目名称", max_length=200)
    department = models.ForeignKey(
        Department, verbose_name="责任单位", on_delete=models.PROTECT, related_name="livelihood_projects"
    )
    budget = models.DecimalField(
        "预算(万元)", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.TextField("项目内容")
    source_note = models.CharField(
        "项目来源", max_length=100, blank=True, default="政府提出", help_text="例如:政府提出、代表建议"
    )
    source_suggestion = models.ForeignKey(
        "suggestions.Suggestion", verbose_name="来源建议", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="livelihood_projects", help_text="由代表建议或群众点单转为候选项目时填写",
    )
    entry_order = models.PositiveSmallIntegerField("录入顺序", help_text="同票时的最后排序依据")
    vote = models.OneToOneField(
        Vote, verbose_name="票决表决", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="livelihood_project", editable=False,
    )
    rank = models.PositiveSmallIntegerField("排名", null=True, blank=True, editable=False)
    selected = models.BooleanField("入选", null=True, editable=False)
    completion = models.CharField(
        "完成情况", max_length=20, choices=Completion.choices, default=Completion.NOT_STARTED
    )
    completed_on = models.DateField("完成日期", null=True, blank=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "session__township"

    class Meta:
        verbose_name = "民生实事项目"
        verbose_name_plural = "民生实事项目"
        ordering = ["session", "entry_order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "entry_order"], name="livelihood_unique_order"),
            models.CheckConstraint(
                condition=~Q(completion="completed") | Q(completed_on__isnull=False),
                name="livelihood_completed_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        township_id = self.session.township_id if self.session_id else None
        if self.source_suggestion_id and self.source_suggestion.township_id != township_id:
            errors["source_suggestion"] = "所选建议不属于本次会议所在乡镇。"
        if self.department_id and self.department.township_id not in (None, township_id):
            errors["department"] = "责任单位不属于本乡镇。"
        if errors:
            raise ValidationError(errors)

    def get_public_url(self):
        return reverse(
            "sessions_public:project_detail",
            kwargs={"township": self.session.township.slug, "pk": self.pk},
        )


class ProjectProgress(TownshipScopedModel):
    """进展: a progress report from the department or an inspection by deputies."""

    class Kind(models.TextChoices):
        REPORT = "report", "责任单位进展报告"
        INSPECTION = "inspection", "代表视察"

    project = models.ForeignKey(
        LivelihoodProject, verbose_name="项目", on_delete=models.CASCADE, related_name="progress"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    date = models.DateField("日期")
    percent = models.PositiveSmallIntegerField(
        "完成进度(%)", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    content = models.TextField("内容")
    inspectors = models.ManyToManyField(
        Deputy, verbose_name="视察代表", blank=True, related_name="livelihood_inspections"
    )
    created_by = models.ForeignKey(
        User, verbose_name="录入人", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[inspectors])

    TOWNSHIP_FIELD = "project__session__township"

    class Meta:
        verbose_name = "项目进展"
        verbose_name_plural = "项目进展"
        ordering = ["project", "-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100), name="progress_percent_max_100"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class PresidiumMeeting(TownshipScopedModel):
    """主席团会议: at least once a quarter between sessions."""

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="presidium_meetings"
    )
    date = models.DateField("会议日期")
    place = models.CharField("地点", max_length=100, blank=True)
    attendees = models.ManyToManyField(
        Deputy, verbose_name="出席的主席团成员", blank=True, related_name="presidium_meetings"
    )
    agenda = models.TextField("议题")
    minutes = models.TextField("会议纪要", blank=True)
    decisions = models.TextField("议定事项", blank=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = "主席团会议"
        verbose_name_plural = "主席团会议"
        ordering = ["township", "-date"]

    def __str__(self):
        return f"{self.date:%Y年%m月%d日}主席团会议"


class SupervisionActivity(TownshipScopedModel):
    class Kind(models.TextChoices):
        INSPECTION = "inspection", "视察"
        RESEARCH = "research", "调研"
        LAW_CHECK = "law_check", "执法检查"
        INQUIRY = "inquiry", "专题询问"
        WORK_REVIEW = "work_review", "工作评议"

    class Status(models.TextChoices):
        PLANNED = "planned", "计划中"
        DONE = "done", "已开展"

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="supervision_activities"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    title = models.CharField("主题", max_length=200)
    subject_department = models.ForeignKey(
        Department, verbose_name="被监督单位", on_delete=models.PROTECT, null=True, blank=True,
        related_name="supervision_activities",
    )
    planned_date = models.DateField("计划日期")
    held_on = models.DateField("开展日期", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    hours = models.DecimalField("时长(小时)", max_digits=4, decimal_places=1, default=2)
    plan = models.TextField("活动方案")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED)
    participants = models.ManyToManyField(
        Deputy, verbose_name="参加代表", blank=True, related_name="supervision_activities"
    )
    summary = models.TextField("活动总结", blank=True)
    # 工作评议 only: 满意度测评.
    satisfied_count = models.PositiveIntegerField("满意票", null=True, blank=True)
    basically_satisfied_count = models.PositiveIntegerField("基本满意票", null=True, blank=True)
    unsatisfied_count = models.PositiveIntegerField("不满意票", null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = "监督活动"
        verbose_name_plural = "监督活动(视察、调研、执法检查、专题询问、工作评议)"
        ordering = ["township", "-planned_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned") | Q(held_on__isnull=False),
                name="supervision_done_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}:{self.title}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.status == self.Status.DONE and not self.held_on:
            errors["held_on"] = "已开展的活动请填写开展日期。"
        if (
            self.kind == self.Kind.WORK_REVIEW
            and self.status == self.Status.DONE
            and self.satisfied_count is None
        ):
            errors["satisfied_count"] = "工作评议请填写满意度测评票数。"
        if errors:
            raise ValidationError(errors)

    @property
    def satisfaction_total(self) -> int:
        return sum(
            n or 0
            for n in (self.satisfied_count, self.basically_satisfied_count, self.unsatisfied_count)
        )


class SupervisionFinding(TownshipScopedModel):
    """A problem found during a supervision activity; one step turns it into a suggestion to a
    department."""

    activity = models.ForeignKey(
        SupervisionActivity, verbose_name="监督活动", on_delete=models.CASCADE, related_name="findings"
    )
    content = models.TextField("发现的问题")
    department = models.ForeignKey(
        Department, verbose_name="建议交办单位", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    suggestion_ref = models.CharField(
        "已转建议", max_length=40, blank=True, editable=False, help_text="转为建议后记录建议编号"
    )
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "activity__township"

    class Meta:
        verbose_name = "监督发现问题"
        verbose_name_plural = "监督发现问题"
        ordering = ["activity", "id"]

    def __str__(self):
        return self.content[:40]
