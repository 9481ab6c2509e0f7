"""The organisation core: county → township → village → electoral district, departments that
handle suggestions, congress terms, user accounts with roles, and the in-app inbox."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from rules.contrib.models import RulesModel, RulesModelBase, RulesModelMixin
from simple_history.models import HistoricalRecords

from . import permissions as p
from .roles import TOWNSHIP_ROLES, Role
from .validators import cn_number, mobile_validator


class County(RulesModel):
    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField("网址代码", max_length=50, unique=True)
    congress_name = models.CharField(
        "县人大常委会名称", max_length=80, blank=True, help_text="例如:某某县人大常委会"
    )
    history = HistoricalRecords()

    COUNTY_FIELD = "pk"

    class Meta:
        verbose_name = "县(市、区)"
        verbose_name_plural = "县(市、区)"
        ordering = ["name"]
        rules_permissions = {
            "view": p.is_authenticated,
            "add": p.is_superuser,
            "change": p.is_superuser,
            "delete": p.is_superuser,
        }

    def __str__(self):
        return self.name


class Township(RulesModel):
    class Kind(models.TextChoices):
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"
        SUBDISTRICT = "subdistrict", "街道"

    county = models.ForeignKey(
        County, verbose_name="所属县", on_delete=models.PROTECT, related_name="townships"
    )
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.TOWN)
    slug = models.SlugField(
        "网址代码", max_length=50, unique=True, help_text="公开页面网址中使用的英文或拼音代码"
    )
    address = models.CharField("人大办地址", max_length=200, blank=True)
    office_phone = models.CharField("人大办公开电话", max_length=30, blank=True)
    intro = models.TextField("简介", blank=True)
    personal_data_retention_years = models.PositiveSmallIntegerField(
        "群众个人信息保存年限", default=5,
        help_text="建议办结(或撤回、不予受理)满该年数后,自动删除反映人姓名、手机号、IP 和原始照片,"
        "保留匿名化的记录和统计数字",
    )
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "pk"
    COUNTY_FIELD = "county"

    class Meta:
        verbose_name = "乡镇(街道)"
        verbose_name_plural = "乡镇(街道)"
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="township_unique_name_in_county")
        ]
        rules_permissions = {
            "view": p.is_superuser
            | (p.is_county_viewer & p.in_user_county)
            | (p.is_authenticated & p.in_user_township),
            "add": p.is_superuser,
            "change": p.is_superuser | (p.is_presidium_leader & p.in_user_township),
            "delete": p.is_superuser,
        }

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:township", kwargs={"slug": self.slug})

    @property
    def congress_title(self) -> str:
        return f"{self.name}人民代表大会"


class TownshipScopedModel(RulesModel):
    """Base for records that belong to one township and follow its tenancy rules."""

    TOWNSHIP_FIELD = "township"
    # Subclasses get these rules unless their Meta names its own ``rules_permissions``.
    DEFAULT_RULES = p.TOWNSHIP_RECORD_RULES

    class Meta:
        abstract = True

    @classmethod
    def preprocess_rules_permissions(cls, perms):
        if not perms and not cls._meta.abstract:
            perms.update(cls.DEFAULT_RULES)


class Village(TownshipScopedModel):
    class Kind(models.TextChoices):
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="villages"
    )
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.VILLAGE)
    history = HistoricalRecords()

    class Meta(TownshipScopedModel.Meta):
        verbose_name = "村(社区)"
        verbose_name_plural = "村(社区)"
        ordering = ["township", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="village_unique_name")
        ]

    def __str__(self):
        return self.name


class ElectoralDistrict(TownshipScopedModel):
    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="districts"
    )
    number = models.PositiveSmallIntegerField("选区编号")
    name = models.CharField("选区名称", max_length=80)
    villages = models.ManyToManyField(
        Village, verbose_name="包含村(社区)", blank=True, related_name="districts"
    )
    history = HistoricalRecords(m2m_fields=[villages])

    class Meta(TownshipScopedModel.Meta):
        verbose_name = "选区"
        verbose_name_plural = "选区"
        ordering = ["township", "number"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="district_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="district_number_positive"),
        ]

    def __str__(self):
        return f"第{self.number}选区({self.name})"


class Department(RulesModel):
    """承办单位: an office of the township government, a station (站所), or a county department.

    County departments (县直部门) belong to the county and have no township; every township of
    the county may dispatch to them.
    """

    class Kind(models.TextChoices):
        TOWN_OFFICE = "town_office", "镇(乡)政府内设机构"
        TOWN_STATION = "town_station", "站所"
        COUNTY = "county", "县直部门"
        OTHER = "other", "其他单位"

    county = models.ForeignKey(
        County, verbose_name="所属县", on_delete=models.PROTECT, related_name="departments"
    )
    township = models.ForeignKey(
        Township,
        verbose_name="所属乡镇",
        on_delete=models.PROTECT,
        related_name="departments",
        null=True,
        blank=True,
        help_text="县直部门留空",
    )
    name = models.CharField("单位名称", max_length=80)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    contact_person = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("在用", default=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "township"
    COUNTY_FIELD = "county"

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["township", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"],
                condition=Q(township__isnull=False),
                name="department_unique_name_in_township",
            ),
            models.UniqueConstraint(
                fields=["county", "name"],
                condition=Q(township__isnull=True),
                name="department_unique_name_in_county",
            ),
            models.CheckConstraint(
                condition=(Q(kind="county") & Q(township__isnull=True))
                | (~Q(kind="county") & Q(township__isnull=False)),
                name="department_county_kind_has_no_township",
            ),
        ]
        rules_permissions = {
            "view": p.is_superuser
            | (p.is_county_viewer & p.in_user_county)
            | ((p.is_township_member | p.is_handler) & p.is_county_wide_or_in_user_township),
            "add": p.is_superuser | p.is_presidium_staff,
            "change": p.is_superuser | (p.is_presidium_staff & p.in_user_township),
            "delete": p.is_superuser | (p.is_presidium_staff & p.in_user_township),
        }

    def __str__(self):
        return self.name


class Term(TownshipScopedModel):
    """届: a township congress term (five years), e.g. 第六届."""

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="terms"
    )
    number = models.PositiveSmallIntegerField("届次")
    start_date = models.DateField("起始日期")
    end_date = models.DateField("届满日期", null=True, blank=True)
    is_current = models.BooleanField("本届", default=False)
    history = HistoricalRecords()

    class Meta(TownshipScopedModel.Meta):
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["township", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="term_unique_number"),
            models.UniqueConstraint(
                fields=["township"], condition=Q(is_current=True), name="term_one_current"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="term_number_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="term_end_after_start",
            ),
        ]

    def __str__(self):
        return f"第{cn_number(self.number)}届"


class PlatformUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)


class User(RulesModelMixin, AbstractUser, metaclass=RulesModelBase):
    """A person who logs in. Role and township decide everything they may see and do."""

    name = models.CharField("姓名", max_length=30, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    county = models.ForeignKey(
        County, verbose_name="所属县", on_delete=models.PROTECT, null=True, blank=True,
        related_name="users",
    )
    township = models.ForeignKey(
        Township, verbose_name="所属乡镇", on_delete=models.PROTECT, null=True, blank=True,
        related_name="users",
    )
    department = models.ForeignKey(
        Department, verbose_name="所属承办单位", on_delete=models.PROTECT, null=True,
        blank=True, related_name="users",
    )
    phone = models.CharField("手机号码", max_length=11, blank=True, validators=[mobile_validator])
    title = models.CharField("职务", max_length=50, blank=True)
    wecom_userid = models.CharField(
        "企业微信账号", max_length=64, blank=True,
        help_text="企业微信通讯录中的账号(UserID),填写后可通过企业微信接收提醒",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = PlatformUserManager()

    TOWNSHIP_FIELD = "township"
    COUNTY_FIELD = "county"

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(county__isnull=False),
                name="user_has_county",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in TOWNSHIP_ROLES))
                | Q(township__isnull=False),
                name="user_township_role_has_township",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.HANDLER) | Q(department__isnull=False),
                name="user_handler_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.COUNTY_VIEWER) | Q(township__isnull=True),
                name="user_county_viewer_has_no_township",
            ),
        ]
        rules_permissions = {
            "view": p.OFFICE_RECORD_RULES["view"],
            "add": p.is_superuser | p.is_presidium_staff,
            "change": p.is_superuser | (p.is_presidium_staff & p.in_user_township),
            "delete": p.is_superuser | (p.is_presidium_staff & p.in_user_township),
        }

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.username

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    @property
    def is_county_viewer(self) -> bool:
        return self.role == Role.COUNTY_VIEWER

    @property
    def is_presidium_staff(self) -> bool:
        return p.is_presidium_staff(self)


class Notification(models.Model):
    """One message in a user's in-app inbox (站内消息). E-mail and SMS copies are sent after
    commit by :mod:`congress.notifications`."""

    recipient = models.ForeignKey(
        User, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    sms_requested = models.BooleanField("需发短信", default=False)
    texted_at = models.DateTimeField("短信发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class CalendarOverride(models.Model):
    """One day of the official holiday schedule (国务院办公厅关于放假安排的通知) entered by staff.

    Rows win over the chinesecalendar package: ``is_workday=False`` marks a statutory holiday,
    ``is_workday=True`` a make-up workday (调休上班, often a Saturday or Sunday). A year with at
    least one row counts as known; see :mod:`congress.workdays`.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "是否上班", default=False, help_text="勾选:调休上班日;不勾选:法定节假日(放假)"
    )
    name = models.CharField("说明", max_length=50, blank=True, help_text="例如:春节、国庆节调休")

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排(工作日历)"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}".strip()


class ChannelMode(models.TextChoices):
    """How much a user receives on one channel outside the platform (the inbox gets everything)."""

    ALL = "all", "全部消息"
    URGENT = "urgent", "仅紧急提醒"
    OFF = "off", "不接收"


class NoticeChannelDefault(TownshipScopedModel):
    """The office's default channels for one role; a user's own choice wins
    (:mod:`congress.notices.preferences`)."""

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.CASCADE, related_name="notice_defaults"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    email = models.CharField("电子邮件", max_length=10, choices=ChannelMode.choices,
                             default=ChannelMode.ALL)
    sms = models.CharField("短信", max_length=10, choices=ChannelMode.choices,
                           default=ChannelMode.URGENT)
    wecom = models.CharField("企业微信", max_length=10, choices=ChannelMode.choices,
                             default=ChannelMode.ALL)

    class Meta(TownshipScopedModel.Meta):
        verbose_name = "提醒渠道默认设置"
        verbose_name_plural = "提醒渠道默认设置"
        ordering = ["township", "role"]
        constraints = [
            models.UniqueConstraint(fields=["township", "role"], name="notice_default_unique_role")
        ]

    def __str__(self):
        return f"{self.township} · {self.get_role_display()}"


class NoticePreference(models.Model):
    """One user's own channel choice; an empty field follows the office default."""

    user = models.OneToOneField(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="notice_preference"
    )
    email = models.CharField("电子邮件", max_length=10, choices=ChannelMode.choices, blank=True)
    sms = models.CharField("短信", max_length=10, choices=ChannelMode.choices, blank=True)
    wecom = models.CharField("企业微信", max_length=10, choices=ChannelMode.choices, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "个人提醒渠道"
        verbose_name_plural = "个人提醒渠道"

    def __str__(self):
        return str(self.user)


class Delivery(models.Model):
    """One notice to send outside the platform (the transactional outbox, 待发消息).

    Written in the same transaction as the change that caused it, so a notice exists exactly
    when the change does; a worker sends it later (see :mod:`congress.outbox`). ``dedupe_key``
    is unique: writing the same notice twice keeps one row. A row is claimed (``sending`` with a
    lease) before it is sent, retried with backoff on error, and ends ``sent`` or ``failed``.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"
        WECOM = "wecom", "企业微信"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification, verbose_name="站内消息", on_delete=models.CASCADE, null=True, blank=True,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        User, verbose_name="接收人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    address = models.CharField(
        "发送地址", max_length=254, blank=True, help_text="手机号码、电子邮箱或企业微信账号"
    )
    template = models.CharField("消息模板", max_length=50, default="notification")
    params = models.JSONField("模板参数", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", db_index=True)
    lease_until = models.DateTimeField("占用截止", null=True, blank=True)
    provider_message_id = models.CharField("服务商消息编号", max_length=100, blank=True)
    error = models.TextField("最近错误", blank=True)
    dedupe_key = models.CharField("去重键", max_length=150, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "待发消息"
        verbose_name_plural = "消息发送队列(短信/邮件)"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="delivery_sent_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address}"


class Heartbeat(models.Model):
    """The last time a background process (worker, beat) said it is alive; read by /healthz."""

    name = models.CharField("进程", max_length=30, unique=True)
    seen_at = models.DateTimeField("最近心跳")
    detail = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = "后台进程心跳"

    def __str__(self):
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyKey(models.Model):
    """A one-time form token that was posted (防重复提交). The first POST carrying it runs the
    view; a replay or double tap gets the stored result instead. See congress.idempotency."""

    key = models.CharField("令牌", max_length=64, unique=True)
    path = models.CharField("地址", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    done = models.BooleanField("已完成", default=False)
    status_code = models.PositiveSmallIntegerField("响应码", null=True, blank=True)
    location = models.CharField("跳转地址", max_length=500, blank=True)
    content = models.BinaryField("响应内容", null=True, blank=True)
    content_type = models.CharField("内容类型", max_length=100, blank=True)

    class Meta:
        verbose_name = "表单提交令牌"
        verbose_name_plural = "表单提交令牌"


class RateCounter(models.Model):
    """One fixed-window counter of a rate limit (congress.ratelimit): incremented with a single
    UPDATE … SET count = count + 1, so parallel requests never both slip under the limit."""

    key = models.CharField("键", max_length=150, unique=True)
    count = models.PositiveIntegerField("次数", default=0)
    expires_at = models.DateTimeField("过期时间", db_index=True)

    class Meta:
        verbose_name = "频率计数"
        verbose_name_plural = "频率计数"

    def __str__(self):
        return f"{self.key}: {self.count}"


class PhoneReveal(models.Model):
    """Audit row: a user was shown a citizen's full phone number (see docs/security.md)."""

    TOWNSHIP_FIELD = "township"
    # What ``subject`` names ("<kind>:<pk>"), for the audit list in the admin.
    SUBJECT_KINDS = {"suggestion": "群众建议", "reception_issue": "接待来访事项"}

    user = models.ForeignKey(
        "User", verbose_name="查看人", on_delete=models.PROTECT, related_name="phone_reveals"
    )
    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    subject = models.CharField("对象", max_length=100, help_text="例如 suggestion:42")
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    revealed_at = models.DateTimeField("查看时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "电话号码查看记录"
        verbose_name_plural = "电话号码查看记录"
        ordering = ["-revealed_at"]

    def __str__(self):
        return f"{self.user} 查看 {self.subject_label}"

    @property
    def subject_label(self) -> str:
        kind, _, pk = self.subject.partition(":")
        return f"{self.SUBJECT_KINDS.get(kind, kind)} #{pk}" if pk else self.subject


class ExportJob(models.Model):
    """A long xlsx export built by the worker (导出任务, see :mod:`congress.export_jobs`).

    Started by the same export button as a short export when the table has more than
    ``EXPORT_SYNC_MAX_ROWS`` rows. ``scope`` holds the township ids the owner could see when
    they asked (the task reads no row outside it). The file lies under ``MEDIA_ROOT/exports/``
    and is served only to its owner by the media view, until ``expires_at``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在生成"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        EXPIRED = "expired", "已过期"

    # The media view serves ``file`` to this user only (not even to a system administrator),
    # named by ``filename``.
    PRIVATE_FILE_OWNER_FIELD = "owner"
    DOWNLOAD_NAME_FIELD = "filename"

    owner = models.ForeignKey(User, verbose_name="申请人", on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField("导出内容", max_length=50)
    title = models.CharField("标题", max_length=200)
    filename = models.CharField("文件名", max_length=200)
    parameters = models.JSONField("参数", default=dict, blank=True)
    scope = models.JSONField("可见乡镇", default=list, blank=True, help_text="申请时申请人可查看的乡镇编号")
    fingerprint = models.CharField("参数指纹", max_length=64, db_index=True)
    token = models.CharField("文件令牌", max_length=32, unique=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress_done = models.PositiveIntegerField("已完成行数", default=0)
    progress_total = models.PositiveIntegerField("总行数", default=0)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    lease_until = models.DateTimeField("占用截止", null=True, blank=True)
    enqueued_at = models.DateTimeField("最近入队时间", null=True, blank=True)
    file = models.FileField("文件", upload_to="exports/", blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("文件保留至", db_index=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(finished_at__isnull=False) & ~Q(file="")),
                name="exportjob_done_has_file",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")) | Q(progress_total=0),
                name="exportjob_progress_within_total",
            ),
            # One waiting or running job per person and table: a double click starts one.
            models.UniqueConstraint(
                fields=["owner", "fingerprint"], condition=Q(status__in=["queued", "running"]),
                name="exportjob_one_active_per_table",
            ),
        ]

    def __str__(self):
        return f"{self.title}({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        from .figures import percent

        return min(100, int(percent(self.progress_done, self.progress_total) or 0))

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
