"""Suggestions (群众点单 → 代表接单 → 人大派单 → 政府销单): fields, choices and constraints.

The state field is assigned in one place only, the transition runner in
:mod:`suggestions.services`, following the action table in :mod:`suggestions.workflow`
(``tests/architecture`` checks it).
"""

import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from rules.contrib.models import RulesModel

from congress import permissions as p
from congress.models import Department, Township, TownshipScopedModel, User, Village
from congress.validators import mobile_validator, photo_validator

from . import rules as r


class State(models.TextChoices):
    SUBMITTED = "submitted", "群众已点单"
    CLAIMED = "claimed", "代表已接单"
    PRESENTED = "presented", "待人大派单"
    DISPATCHED = "dispatched", "人大已派单"
    IN_PROGRESS = "in_progress", "承办中"
    REPLIED = "replied", "已答复"
    EVALUATED = "evaluated", "已评价"
    CLOSED = "closed", "已销单"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "不予受理"


OPEN_STATES = (
    State.SUBMITTED, State.CLAIMED, State.PRESENTED, State.DISPATCHED, State.IN_PROGRESS,
    State.REPLIED, State.EVALUATED,
)
FINAL_STATES = (State.CLOSED, State.WITHDRAWN, State.REJECTED)
# The states whose stage has a deadline (suggestions.lights.LIT_STATES), for a partial index.
LIT_INDEX_STATES = (
    State.SUBMITTED, State.CLAIMED, State.PRESENTED, State.DISPATCHED, State.IN_PROGRESS, State.REPLIED,
)


class EventKind(models.TextChoices):
    """What a timeline row records: a workflow action (:data:`suggestions.workflow.ACTIONS`) or
    one of the few writes beside it (the citizen's rating, a revision of the text)."""

    SUBMIT = "submit", "群众点单"
    PROPOSE = "propose", "代表提出建议"
    CLAIM = "claim", "代表接单"
    COSIGN = "cosign", "联名"
    ANSWER = "answer", "代表直接答复并办结"
    PRESENT = "present", "提交主席团"
    WITHDRAW = "withdraw", "撤回"
    REJECT = "reject", "不予受理"
    DISPATCH = "dispatch", "人大派单"
    SIGN = "sign", "承办单位签收"
    REQUEST_REASSIGN = "request_reassign", "申请改办"
    APPROVE_REASSIGN = "approve_reassign", "同意改办"
    REFUSE_REASSIGN = "refuse_reassign", "不同意改办"
    REQUEST_EXTENSION = "request_extension", "申请延期"
    APPROVE_EXTENSION = "approve_extension", "同意延期"
    REFUSE_EXTENSION = "refuse_extension", "不同意延期"
    NOTE = "note", "办理进展"
    REPLY = "reply", "正式答复"
    EVALUATE = "evaluate", "评价"
    REHANDLE = "rehandle", "不满意,重新办理"
    CLOSE = "close", "销单"
    CITIZEN_RATE = "citizen_rate", "群众评价"
    CALLBACK = "callback", "回访邀请"
    REVISE = "revise", "修订建议内容"
    CHASE = "chase", "催办"
    SUPERVISE = "supervise", "督办"


class Channel(models.TextChoices):
    WEB = "web", "网上点单"
    RECEPTION = "reception", "接待日"
    VISIT = "visit", "走访选民"
    WECHAT = "wechat", "微信群"
    PHONE = "phone", "电话"
    LETTER = "letter", "来信"
    SESSION = "session", "大会期间"
    SUPERVISION = "supervision", "视察调研"


# Channels where deputies themselves propose the text (no citizen's original).
DEPUTY_CHANNELS = (Channel.SESSION, Channel.SUPERVISION)
STAFF_ENTRY_CHANNELS = (Channel.WECHAT, Channel.PHONE, Channel.LETTER, Channel.VISIT)


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", "建议"
    CRITICISM = "criticism", "批评"
    OPINION = "opinion", "意见"
    PETITION = "petition", "信访"
    DISPUTE = "dispute", "矛盾纠纷"


class ReplyClass(models.TextChoices):
    A = "A", "A类:已解决或采纳"
    B = "B", "B类:列入计划逐步解决"
    C = "C", "C类:因条件限制暂不能解决"
    D = "D", "D类:留作参考"


class ClassDCounting(models.TextChoices):
    """How a township counts class D (留作参考) replies in 解决率 (suggestions.figures)."""

    AS_C = "as_c", "按C类计算(计入分母,不计为已解决)"
    EXCLUDED = "excluded", "不计入解决率(分子、分母均不计)"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Category(RulesModel):
    """Editable list of categories (基础设施、产业发展 …), shared by the county."""

    name = models.CharField("类别名称", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "建议类别"
        verbose_name_plural = "建议类别"
        ordering = ["sort_order", "name"]
        rules_permissions = {
            "view": p.is_authenticated,
            "add": p.is_superuser | p.is_presidium_staff,
            "change": p.is_superuser | p.is_presidium_staff,
            "delete": p.is_superuser,
        }

    def __str__(self):
        return self.name


DEFAULT_CATEGORIES = ["基础设施", "产业发展", "民生实事", "生态环境", "教育", "医疗", "社会治理", "其他"]


class DeadlineSettings(TownshipScopedModel):
    """Per-township deadlines; defaults from 代表法 art. 51 and provincial rules (DOMAIN.md §5)."""

    township = models.OneToOneField(
        Township, verbose_name="乡镇", on_delete=models.CASCADE, related_name="suggestion_settings"
    )
    claim_workdays = models.PositiveSmallIntegerField("代表接单时限(工作日)", default=5)
    present_workdays = models.PositiveSmallIntegerField("代表提交时限(工作日)", default=5)
    dispatch_workdays = models.PositiveSmallIntegerField("人大派单时限(工作日)", default=5)
    sign_workdays = models.PositiveSmallIntegerField("承办单位签收时限(工作日)", default=3)
    reassign_request_workdays = models.PositiveSmallIntegerField(
        "申请改办时限(交办后工作日)", default=5
    )
    reply_months = models.PositiveSmallIntegerField("答复时限(月)", default=3)
    complex_reply_months = models.PositiveSmallIntegerField("复杂建议答复时限(月)", default=6)
    max_extension_months = models.PositiveSmallIntegerField("最长延期(月)", default=3)
    evaluation_workdays = models.PositiveSmallIntegerField("评价时限(工作日)", default=20)
    rehandle_months = models.PositiveSmallIntegerField("重新办理答复时限(月)", default=2)
    rehandle_limit = models.PositiveSmallIntegerField("最多重新办理次数", default=1)
    remind_before_workdays = models.PositiveSmallIntegerField("提前提醒(工作日)", default=3)
    callback_workdays = models.PositiveSmallIntegerField(
        "回访邀请(答复后工作日)", default=5,
        help_text="答复后满该工作日数、群众仍未评价(且在评价期限内)的,短信邀请群众评价一次;0为不发送。",
    )
    class_d_counts_as = models.CharField(
        "D类答复(留作参考)计算口径", max_length=10, choices=ClassDCounting.choices, default=ClassDCounting.AS_C,
        help_text="解决率 = A类答复 ÷ 计入解决率的答复。默认D类与C类相同:计入分母、不算已解决。",
    )

    class Meta:
        verbose_name = "建议办理时限设置"
        verbose_name_plural = "建议办理时限设置"

    def __str__(self):
        return f"{self.township}办理时限"

    @classmethod
    def for_township(cls, township_id: int) -> "DeadlineSettings":
        found = cls.objects.filter(township_id=township_id).first()
        return found or cls(township_id=township_id)


def new_tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Suggestion(TownshipScopedModel):
    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="suggestions"
    )
    code = models.CharField("查询码", max_length=12, unique=True, default=new_tracking_code, editable=False)
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.SUBMITTED, editable=False,
        db_index=True,
    )
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices, default=Channel.WEB)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.SUGGESTION)
    category = models.ForeignKey(
        Category, verbose_name="类别", on_delete=models.PROTECT, null=True, blank=True,
        related_name="suggestions",
    )
    village = models.ForeignKey(
        Village, verbose_name="所在村(社区)", on_delete=models.PROTECT, null=True, blank=True,
        related_name="suggestions",
    )
    station = models.ForeignKey(
        "liaison_stations.Station", verbose_name="联络站(点)", on_delete=models.SET_NULL,
        null=True, blank=True, related_name="suggestions",
    )
    reception_issue = models.OneToOneField(
        "liaison_stations.ReceptionIssue", verbose_name="来访反映事项", null=True, blank=True,
        related_name="suggestion", on_delete=models.SET_NULL,
    )
    # The working text (a deputy's refinement or a staff correction replaces it; each such
    # version is a SuggestionRevision) and the submitter's own words, kept as submitted.
    title = models.CharField("标题", max_length=100)
    content = models.TextField("内容")
    original_title = models.CharField("原文标题", max_length=100, blank=True, editable=False)
    original_content = models.TextField("原文内容", blank=True, editable=False)
    submitter_name = models.CharField("反映人", max_length=30, blank=True)
    submitter_phone = models.CharField(
        "联系电话", max_length=11, blank=True, validators=[mobile_validator]
    )
    is_anonymous = models.BooleanField("匿名", default=False)
    consent_at = models.DateTimeField("同意隐私声明时间", null=True, blank=True)
    submitter_ip = models.GenericIPAddressField("提交IP", null=True, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name="录入人", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Routing and deputies.
    routed_deputies = models.ManyToManyField(
        "deputies.Deputy", verbose_name="推送代表", blank=True, related_name="routed_suggestions"
    )
    lead_deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name="领衔代表", on_delete=models.PROTECT, null=True,
        blank=True, related_name="led_suggestions",
    )
    cosigners = models.ManyToManyField(
        "deputies.Deputy", verbose_name="联名代表", blank=True, related_name="cosigned_suggestions"
    )
    direct_answer = models.TextField("代表直接答复", blank=True)
    # Dispatch.
    proposed_department = models.ForeignKey(
        Department, verbose_name="建议承办单位", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    lead_department = models.ForeignKey(
        Department, verbose_name="主办单位", on_delete=models.PROTECT, null=True, blank=True,
        related_name="led_suggestions",
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name="协办单位", blank=True, related_name="co_suggestions"
    )
    is_complex = models.BooleanField("涉及面广或办理难度大", default=False)
    is_key = models.BooleanField("重点建议", default=False)
    supervisor = models.ForeignKey(
        User, verbose_name="督办领导", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="supervised_suggestions",
    )
    rejection_reason = models.TextField("不予受理理由", blank=True)
    # Deadlines: ``deadline`` is the first reply deadline with any approved extension (what
    # 按期办复率 measures the first reply against; a re-handling never replaces it); every reply
    # deadline of every cycle is a ReplyDeadline row. ``due_date`` is the current stage's.
    deadline = models.DateField("答复期限", null=True, blank=True)
    due_date = models.DateField("当前环节期限", null=True, blank=True, db_index=True)
    due_version = models.PositiveIntegerField("期限版本", default=0, editable=False)
    rehandle_count = models.PositiveSmallIntegerField("重新办理次数", default=0)
    # Reply and evaluation (the latest; every reply is kept in SuggestionReply).
    reply_class = models.CharField("答复类别", max_length=1, choices=ReplyClass.choices, blank=True)
    rating = models.CharField("代表评价", max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField("评价意见", blank=True)
    rating_late = models.BooleanField(
        "逾期评价", default=False, help_text="评价期限后由工作人员补录的评价,不计入满意率。"
    )
    rating_late_reason = models.TextField("逾期补录说明", blank=True)
    citizen_rating = models.CharField("群众评价", max_length=20, choices=Rating.choices, blank=True)
    citizen_comment = models.TextField("群众评价意见", blank=True)
    is_public = models.BooleanField("在办理结果页公开", default=False)
    # Timestamps of each stage.
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField("接单时间", null=True, blank=True)
    presented_at = models.DateTimeField("提交主席团时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("交办时间", null=True, blank=True, db_index=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    first_replied_at = models.DateTimeField("首次答复时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    evaluated_at = models.DateTimeField("评价时间", null=True, blank=True)
    closed_at = models.DateTimeField("销单时间", null=True, blank=True)

    class Meta:
        verbose_name = "建议"
        verbose_name_plural = "建议(群众点单)"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["township", "state"], name="suggestion_township_state"),
            models.Index(fields=["state", "due_date"], name="suggestion_state_due"),
            # The staff lists' default orderings: the portal's work queue (due date, newest
            # submission) and everything else (newest first). The admin's order (open first,
            # nearest deadline, newest) has PostgreSQL-only indexes: migration 0010.
            models.Index(fields=["township", "due_date", "-submitted_at"], name="suggestion_township_queue"),
            models.Index(fields=["-submitted_at", "-id"], name="suggestion_recent"),
            # The red and yellow lights of a township's items in a stage with a deadline (the
            # staff's 待我处理 counts and the per-department light table): read from the index
            # alone on PostgreSQL. The states are suggestions.lights.LIT_STATES (a test keeps
            # them equal; models cannot import the workflow).
            models.Index(fields=["township", "due_date"], include=["lead_department"],
                         condition=Q(state__in=LIT_INDEX_STATES), name="suggestion_lit_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="suggestion_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(replied_at__isnull=False) | ~Q(direct_answer=""),
                name="suggestion_closed_has_reply_or_answer",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["dispatched", "in_progress", "replied", "evaluated"])
                | (Q(lead_department__isnull=False) & Q(deadline__isnull=False)),
                name="suggestion_dispatched_has_department_and_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["replied", "evaluated"])
                | (Q(replied_at__isnull=False) & ~Q(reply_class="")),
                name="suggestion_replied_has_reply",
            ),
            models.CheckConstraint(
                condition=~Q(state="evaluated") | ~Q(rating=""),
                name="suggestion_evaluated_has_rating",
            ),
            models.CheckConstraint(
                condition=Q(rating_late=False) | (~Q(rating="") & ~Q(rating_late_reason="")),
                name="suggestion_late_rating_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejection_reason=""),
                name="suggestion_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(is_key=False) | Q(supervisor__isnull=False),
                name="suggestion_key_has_supervisor",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["claimed", "presented"]) | Q(lead_deputy__isnull=False),
                name="suggestion_claimed_has_lead_deputy",
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=True) | ~Q(channel="web") | Q(consent_at__isnull=False),
                name="suggestion_web_has_consent",
            ),
        ]
        rules_permissions = {
            "view": r.can_view_suggestion,
            "add": p.is_superuser | p.is_presidium_staff,
            "change": p.can_edit_township_record,
            "delete": p.is_superuser,
        }

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("suggestions_portal:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def from_citizen(self) -> bool:
        """Submitted by (or on behalf of) a citizen, not proposed by deputies themselves."""
        return self.channel not in DEPUTY_CHANNELS

    @property
    def original_label(self) -> str:
        return "群众原文" if self.from_citizen else "原文"

    @property
    def is_revised(self) -> bool:
        return (self.title, self.content) != (self.original_title, self.original_content)


class SuggestionPhoto(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("照片", upload_to="suggestions/photos/%Y/%m/", validators=[photo_validator])
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    TOWNSHIP_FIELD = "suggestion__township"

    class Meta:
        verbose_name = "建议照片"
        verbose_name_plural = "建议照片"


class SuggestionEvent(models.Model):
    """The timeline: who did what, when, from which state to which, with a note."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        User, verbose_name="操作人", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField("操作人说明", max_length=60, blank=True)
    from_state = models.CharField("原状态", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices, blank=True)
    note = models.TextField("说明", blank=True)
    internal_note = models.TextField("内部意见(群众不可见)", blank=True)
    is_public = models.BooleanField("群众可见", default=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    TOWNSHIP_FIELD = "suggestion__township"

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{timezone.localtime(self.created_at):%Y-%m-%d} {self.get_action_display()}"


class SuggestionRevision(models.Model):
    """A version of the title and text beside the original: the lead deputy's refinement when
    presenting it, or a staff correction. The original (``Suggestion.original_*``) never changes."""

    class Kind(models.TextChoices):
        REFINE = "refine", "代表完善"
        CORRECT = "correct", "工作人员更正"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="revisions"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=100)
    content = models.TextField("内容")
    author = models.ForeignKey(User, verbose_name="修订人", on_delete=models.SET_NULL, null=True, related_name="+")
    author_label = models.CharField("修订人说明", max_length=60, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    TOWNSHIP_FIELD = "suggestion__township"

    class Meta:
        verbose_name = "建议修订版本"
        verbose_name_plural = "建议修订版本"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.title}"


class SuggestionReply(models.Model):
    """One formal reply by the lead department (a re-handled suggestion has several)."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="replies"
    )
    cycle = models.PositiveSmallIntegerField("办理轮次", default=0)
    department = models.ForeignKey(Department, verbose_name="答复单位", on_delete=models.PROTECT, related_name="+")
    reply_class = models.CharField("答复类别", max_length=1, choices=ReplyClass.choices)
    text = models.TextField("答复内容")
    author = models.ForeignKey(User, verbose_name="答复人", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField("答复时间", auto_now_add=True)

    TOWNSHIP_FIELD = "suggestion__township"

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "cycle"], name="suggestion_reply_one_per_cycle")
        ]


class ReplyAttachment(models.Model):
    reply = models.ForeignKey(
        SuggestionReply, verbose_name="答复", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("附件", upload_to="suggestions/replies/%Y/%m/")

    class Meta:
        verbose_name = "答复附件"
        verbose_name_plural = "答复附件"


class ProgressNote(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="progress_notes"
    )
    author = models.ForeignKey(User, verbose_name="填写人", on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField("办理进展")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理进展"
        verbose_name_plural = "办理进展"
        ordering = ["created_at", "id"]


class ChangeRequest(TownshipScopedModel):
    """A department's request for reassignment (改办) or extension (延期), decided by staff."""

    class Kind(models.TextChoices):
        REASSIGN = "reassign", "申请改办"
        EXTEND = "extend", "申请延期"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "不同意"

    TOWNSHIP_FIELD = "suggestion__township"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    department = models.ForeignKey(Department, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, verbose_name="申请人", on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField("理由")
    months = models.PositiveSmallIntegerField("延期月数", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, verbose_name="审批人", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "改办/延期申请"
        verbose_name_plural = "改办/延期申请"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "kind"], condition=Q(status="pending"),
                name="change_request_one_pending_per_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="extend") | Q(months__gte=1), name="change_request_extend_has_months"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.suggestion}"


class Reminder(TownshipScopedModel):
    """A reminder delivered at most once per (suggestion, stage, cycle, kind): the sweep inserts
    the row first (claim) and only the inserter sends."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "即将到期"
        DUE_TODAY = "due_today", "今日到期"
        OVERDUE = "overdue", "已逾期"
        ESCALATED = "escalated", "逾期督办"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="reminders"
    )
    stage = models.CharField("环节", max_length=20, choices=State.choices)
    cycle = models.PositiveIntegerField("期限版本")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    claim_token = models.CharField("领取标记", max_length=32, db_index=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    recipients = models.PositiveSmallIntegerField("接收人数", default=0)

    TOWNSHIP_FIELD = "suggestion__township"

    class Meta:
        verbose_name = "催办提醒"
        verbose_name_plural = "催办提醒"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "stage", "cycle", "kind"], name="reminder_once_per_stage_cycle_kind"
            )
        ]


class CitizenCallback(TownshipScopedModel):
    """The 回访 invitation (an SMS asking the citizen to rate), at most one per suggestion: the
    sweep (:mod:`suggestions.callbacks`) inserts the row first (claim, under the unique
    suggestion) and only the inserter writes the SMS and the timeline row."""

    suggestion = models.OneToOneField(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="citizen_callback"
    )
    replied_at = models.DateTimeField("所回访的答复时间")
    claim_token = models.CharField("领取标记", max_length=32, db_index=True)
    created_at = models.DateTimeField("邀请时间", auto_now_add=True)

    TOWNSHIP_FIELD = "suggestion__township"

    class Meta:
        verbose_name = "回访邀请"
        verbose_name_plural = "回访邀请"
        ordering = ["-created_at"]

    def __str__(self):
        return f"回访 {self.suggestion}"


class ReplyDeadline(models.Model):
    """Every reply deadline ever set, with who set it, when and why (DOMAIN.md §5: each cycle
    keeps its own deadline). Cycle 0 is the first reply (set at 交办); cycle n the n-th
    re-handling. An approved extension is a later row of the same cycle; the deadline of a cycle
    is its latest row. :mod:`suggestions.deadlines` writes these rows."""

    class Kind(models.TextChoices):
        FIRST = "first", "首次答复期限"
        EXTENSION = "extension", "延期后期限"
        REHANDLE = "rehandle", "重新办理答复期限"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="reply_deadlines"
    )
    cycle = models.PositiveSmallIntegerField("办理轮次", default=0)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    due_date = models.DateField("答复期限")
    set_by = models.ForeignKey(
        User, verbose_name="设定人", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField("设定时间")
    reason = models.TextField("依据", blank=True)

    TOWNSHIP_FIELD = "suggestion__township"

    class Meta:
        verbose_name = "答复期限"
        verbose_name_plural = "答复期限"
        ordering = ["suggestion", "cycle", "set_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "cycle", "kind"], name="reply_deadline_one_kind_per_cycle"
            ),
            models.CheckConstraint(
                condition=(Q(kind="first") & Q(cycle=0)) | (Q(kind="rehandle") & Q(cycle__gte=1))
                | Q(kind="extension"),
                name="reply_deadline_kind_matches_cycle",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_date:%Y-%m-%d}"


class FigureCounter(models.Model):
    """One number kept in the same transaction as every change of a suggestion (see
    :mod:`suggestions.counters`): how many suggestions of ``township`` (and lead department, or
    0 for the township's total) whose period field falls in the month ``bucket`` meet the
    condition of figure ``key``. A figure that reads today (超期未办, 逾期未评价) keeps its
    rows that only count from a date on under that date (``due``: counted while
    ``due < today``); rows counted whatever the day have ``due`` = 0001-01-01. Derived data:
    ``manage.py figures_recount`` rebuilds it from the registry. Each cell with a period is kept
    for its month, quarter and year (``span``), so a year or quarter page reads one row per key."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    department_id = models.IntegerField(default=0)  # 0: every department (the township's total)
    key = models.CharField(max_length=40)
    span = models.CharField(max_length=1)  # m, q, y: bucket is a month, quarter or year; "-": no period
    bucket = models.DateField()  # the first day of the span; 0001-01-01 for a figure with no period
    due = models.DateField()
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "统计计数"
        verbose_name_plural = "统计计数"
        constraints = [
            models.UniqueConstraint(fields=["township", "department_id", "key", "span", "bucket", "due"],
                                    name="figurecounter_unique_cell"),
        ]
        # A page reads one period's rows (span, bucket) of some townships.
        indexes = [models.Index(fields=["span", "bucket", "due"], name="figurecounter_period")]
