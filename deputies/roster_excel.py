"""The township's own Excel roster (花名册): read, check row by row against the roster, and
write back.

Built on :mod:`congress.sheets` (which reads .xlsx, .xls and CSV the way offices keep them, with
size limits) rather than django-import-export: the sheet a presidium office keeps has one row
per *person* with all their levels in one cell ("县、镇"), so one row becomes a Deputy plus one
Mandate per level, a group may have to be created, and a row is matched to a person already on
the roster. Those rules are this module's own. See docs/deputies.md.

**Matching rule** (who is "the same person"): same name, same birth year and month, same
electoral district → that deputy is updated. A row whose name is already in the township but
whose birth date or district differs (or is missing) is a *near match*: the office confirms in
the preview whether it is that deputy or a new person. No ID-card number is read or stored
(DOMAIN §3). A database constraint on (township, name, birth date, district) is the last line.

Reading and checking never write to the database; :func:`deputies.services.roster_import`
re-checks under a lock and writes through the deputy and mandate services.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from congress.exports import safe_row
from congress.models import ElectoralDistrict, Term, Township
from congress.printing import xlsx_print_setup
from congress.sheets import Column, RawRow, Sheet, SheetError, read_table
from congress.table_import import Action, Change, Plan, RowPlan
from congress.validators import MOBILE_RE, mask_phone, normalize_mobile

from .models import (
    LEVEL_ORDER,
    LEVEL_SHORT,
    Deputy,
    DeputyCategory,
    DeputyGroup,
    Education,
    Gender,
    Level,
    MandateStatus,
    PoliticalStatus,
    levels_label,
)

COLUMNS = [
    Column("姓名", "name", required=True, aliases=("代表姓名",), width=10),
    Column("性别", "gender", required=True, width=6),
    Column("民族", "ethnicity", width=8),
    Column("出生年月", "birth_date", aliases=("出生日期", "出生年月日"), width=12),
    Column("政治面貌", "political_status", width=12),
    Column("学历", "education", aliases=("文化程度",), width=12),
    Column("职业", "occupation", width=12),
    Column(
        "工作单位及职务", "employer", aliases=("工作单位", "单位及职务", "工作单位和职务"), width=28
    ),
    Column("代表类别", "category", aliases=("代表构成", "类别"), width=14),
    Column(
        "选区", "district", required=True, aliases=("所在选区", "选区名称", "选区编号"), width=16
    ),
    Column("代表小组", "group", aliases=("所在代表小组", "小组"), width=14),
    Column("代表层级", "levels", required=True, aliases=("层级", "代表级别", "级别"), width=12),
    Column("手机号码", "phone", aliases=("手机", "联系电话", "电话", "手机号"), width=14),
    Column("主席团成员", "is_presidium_member", aliases=("是否主席团成员",), width=10),
]
HEADERS = [c.header for c in COLUMNS]
LABELS = {c.key: c.header for c in COLUMNS}

RosterFileError = SheetError


def read_roster(upload) -> Sheet:
    """Read the first worksheet of an .xlsx, .xls or CSV roster (header found under a title).
    Raises :class:`RosterFileError` naming the problem."""
    return read_table(upload, columns=COLUMNS)


# --- Checking --------------------------------------------------------------------------------

_LEVEL_WORDS = {
    "镇": Level.TOWN,
    "乡": Level.TOWN,
    "乡镇": Level.TOWN,
    "街道": Level.TOWN,
    "镇级": Level.TOWN,
    "县": Level.COUNTY,
    "区": Level.COUNTY,
    "县区": Level.COUNTY,
    "县级": Level.COUNTY,
    "市": Level.CITY,
    "市级": Level.CITY,
    "省": Level.PROVINCE,
    "省级": Level.PROVINCE,
    "全国": Level.NATIONAL,
    "国家": Level.NATIONAL,
}
_POLITICAL_WORDS = {
    **{label: value for value, label in PoliticalStatus.choices},
    "党员": PoliticalStatus.CPC,
    "中共": PoliticalStatus.CPC,
    "中国共产党党员": PoliticalStatus.CPC,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL,
    "民革": PoliticalStatus.RCCK,
    "民盟": PoliticalStatus.CDL,
    "民建": PoliticalStatus.CNDCA,
    "民进": PoliticalStatus.CAPD,
    "农工党": PoliticalStatus.CPWDP,
    "致公党": PoliticalStatus.CZGP,
    "九三学社": PoliticalStatus.JIUSAN,
    "台盟": PoliticalStatus.TDSGL,
    "民主党派成员": PoliticalStatus.DEMOCRATIC_PARTY,
    "无党派": PoliticalStatus.NON_PARTISAN,
    "无党派人士": PoliticalStatus.NON_PARTISAN,
    "无": PoliticalStatus.NONE,
}
_EDUCATION_WORDS = {
    **{label: value for value, label in Education.choices},
    "高中": Education.SENIOR,
    "中专": Education.SENIOR,
    "职高": Education.SENIOR,
    "本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "研究生": Education.POSTGRADUATE,
    "专科": Education.COLLEGE,
}
_CATEGORY_WORDS = {label: value for value, label in DeputyCategory.choices}
_GENDER_WORDS = {"男": Gender.MALE, "女": Gender.FEMALE}
_YES = {"是", "√", "✓", "Y", "y", "1"}
_NO = {"", "否", "N", "n", "0"}

OLDEST_BIRTH_YEAR = 1920
MIN_AGE = 18


class AmbiguousDate(ValueError):
    """1969.1 read from a number cell: January, or October typed as 1969.10?"""

    def __init__(self, options):
        super().__init__(options)
        self.options = options


def parse_birth_date(text: str, *, from_general_number: bool = False) -> datetime.date | None:
    """出生年月 as offices write it: "1975.03", "1975-3", "1975/03", "1975年3月", "1975年3月5日",
    "197503", an ISO date from a date cell. A number cell shown without fixed decimals whose month
    reads as 1 ("1969.1") raises :class:`AmbiguousDate` (January or October). Raises ValueError
    for anything else."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})[-./年](\d{1,2})(?:[-./月](\d{1,2})日?|月)?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})?", text
    )
    if not m:
        raise ValueError(text)
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    if from_general_number and m.group(2) == "1" and not m.group(3):
        raise AmbiguousDate([datetime.date(year, 1, 1), datetime.date(year, 10, 1)])
    return datetime.date(year, month, day)


def check_birth_date(value: datetime.date, *, today: datetime.date) -> str:
    """Why a birth date cannot be right, or ""."""
    if value > today:
        return f"出生年月 {value:%Y-%m} 晚于今天"
    if value.year < OLDEST_BIRTH_YEAR:
        return f"出生年月 {value:%Y-%m} 不合理(早于{OLDEST_BIRTH_YEAR}年)"
    if (today.year - value.year) - ((today.month, today.day) < (value.month, value.day)) < MIN_AGE:
        return f"出生年月 {value:%Y-%m} 不合理(未满{MIN_AGE}周岁不能当选代表)"
    return ""


def _parse_levels(text: str) -> list[str]:
    parts = [p for p in re.split(r"[、,,;;/\s]+", text.strip()) if p]
    levels = []
    for part in parts:
        word = part.removesuffix("人大代表").removesuffix("代表")
        if word not in _LEVEL_WORDS:
            raise ValueError(part)
        levels.append(_LEVEL_WORDS[word])
    return levels


_CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _district_number(text: str) -> int | None:
    m = re.fullmatch(r"第?(\d+)(?:选区)?", text)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"第?([一二三四五六七八九十]+)选区", text)
    if m:
        chars = m.group(1)
        if chars == "十":
            return 10
        if "十" in chars:
            tens, _, ones = chars.partition("十")
            return (_CN_NUM.get(tens, 1) if tens else 1) * 10 + (
                _CN_NUM.get(ones, 0) if ones else 0
            )
        return _CN_NUM.get(chars)
    return None


def _district_lookup(township: Township):
    districts = list(
        ElectoralDistrict.objects.filter(township=township).prefetch_related("villages")
    )
    by_number = {d.number: d for d in districts}
    by_name = {}
    for d in districts:
        by_name.setdefault(d.name, d)
        by_name.setdefault(str(d), d)
        for v in d.villages.all():
            by_name.setdefault(v.name, d)

    def find(text: str):
        text = text.strip()
        number = _district_number(text)
        if number is not None:
            return by_number.get(number)
        m = re.match(r"第(\d+)选区", text)  # "第3选区(上坪村)" as exported
        if m:
            return by_number.get(int(m.group(1)))
        return by_name.get(text)

    return find


# Deputy fields a row may set, in the sheet's order; an empty cell never clears a value.
PERSON_FIELDS = (
    "gender",
    "ethnicity",
    "birth_date",
    "political_status",
    "education",
    "occupation",
    "employer",
    "category",
    "district_id",
    "group_name",
    "phone",
    "is_presidium_member",
)
_FIELD_LABELS = {
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生年月",
    "political_status": "政治面貌",
    "education": "学历",
    "occupation": "职业",
    "employer": "工作单位及职务",
    "category": "代表类别",
    "district_id": "选区",
    "group_name": "代表小组",
    "phone": "手机号码",
    "is_presidium_member": "主席团成员",
    "levels": "代表层级",
}


@dataclass
class RowCheck(RowPlan):
    """A roster row's plan (:class:`congress.table_import.RowPlan`) with what a person needs:
    the matched deputy, the levels to add, and what the office must confirm."""

    provided: set = field(default_factory=set)  # keys with a non-empty cell
    new_group: str = ""
    deputy: Deputy | None = None  # the matched person, for an update
    new_levels: list[str] = field(default_factory=list)
    confirm_person: list[Deputy] = field(default_factory=list)  # near matches to choose from
    confirm_dates: list[datetime.date] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def name(self) -> str:
        return self.cleaned.get("name") or self.raw.values.get("name", "")

    @property
    def reason(self) -> str:
        """Why the row is refused or waits, for the error report and the result page."""
        if self.errors:
            return ";".join(self.errors)
        if self.confirm_person:
            return "疑似已有代表(同名但出生年月或选区不同),需确认是否同一人"
        if self.confirm_dates:
            return "出生年月无法确定是1月还是10月,需确认"
        return ""

    @property
    def birth_date_display(self) -> str:
        value = self.cleaned.get("birth_date")
        return f"{value:%Y-%m}" if value else ""

    @property
    def shown_values(self) -> list[str]:
        """The cells of the columns the file has, in :data:`COLUMNS` order (for the preview)."""
        return [self.raw.values[c.key] for c in COLUMNS if c.key in self.raw.values]


@dataclass
class CheckResult(Plan):
    new_groups: list[str] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[RowCheck]:
        return [r for r in self.rows if r.is_valid]


def person_key(name: str, birth_date, district_id) -> tuple:
    """The matching rule: name, birth year and month, district."""
    return (name, (birth_date.year, birth_date.month) if birth_date else None, district_id)


def _display(field_name: str, value, districts: dict) -> str:
    if value in (None, ""):
        return "(空)"
    if field_name == "birth_date":
        return f"{value:%Y-%m}"
    if field_name == "district_id":
        d = districts.get(value)
        return f"第{d.number}选区" if d else str(value)
    if field_name == "is_presidium_member":
        return "是" if value else "否"
    choices = {
        "gender": Gender,
        "political_status": PoliticalStatus,
        "education": Education,
        "category": DeputyCategory,
    }.get(field_name)
    if choices is not None:
        return str(dict(choices.choices).get(value, value))
    return str(value)


def _clean_row(raw: RawRow, check: RowCheck, *, find_district, today) -> None:
    v = raw.values
    errors, cleaned, provided = check.errors, check.cleaned, check.provided
    provided.update(k for k, text in v.items() if text.strip())

    name = re.sub(r"\s+", "", v.get("name", ""))
    if not name:
        errors.append("姓名为空")
    elif len(name) > 30:
        errors.append("姓名过长(最多30字)")
    cleaned["name"] = name

    gender = v.get("gender", "").strip()
    if gender not in _GENDER_WORDS:
        errors.append(f"性别应为“男”或“女”,而不是“{gender}”" if gender else "性别为空")
    cleaned["gender"] = _GENDER_WORDS.get(gender, "")

    cleaned["ethnicity"] = v.get("ethnicity", "").strip() or "汉族"
    birth_text = v.get("birth_date", "")
    cleaned["birth_date"] = None
    try:
        cleaned["birth_date"] = parse_birth_date(
            birth_text, from_general_number="birth_date" in raw.general_numbers
        )
    except AmbiguousDate as exc:
        check.confirm_dates = exc.options
    except ValueError:
        errors.append(f"出生年月“{birth_text}”无法识别(应如 1975.03、1975-03 或 1975年3月)")
    if cleaned["birth_date"]:
        problem = check_birth_date(cleaned["birth_date"], today=today)
        if problem:
            errors.append(problem)

    for key, words, label, default in (
        ("political_status", _POLITICAL_WORDS, "政治面貌", PoliticalStatus.NONE),
        ("education", _EDUCATION_WORDS, "学历", ""),
        ("category", _CATEGORY_WORDS, "代表类别", DeputyCategory.OTHER),
    ):
        text = v.get(key, "").strip()
        if not text:
            cleaned[key] = default
        elif text in words:
            cleaned[key] = words[text]
        else:
            cleaned[key] = default
            errors.append(f"{label}“{text}”不在可选项中({'、'.join(dict.fromkeys(words))})")

    cleaned["occupation"] = v.get("occupation", "").strip()[:50]
    cleaned["employer"] = v.get("employer", "").strip()[:100]

    district_text = v.get("district", "").strip()
    district = find_district(district_text) if district_text else None
    if not district_text:
        errors.append("选区为空")
    elif district is None:
        errors.append(f"未知选区“{district_text}”:本乡镇没有这个选区")
    cleaned["district_id"] = district.pk if district else None
    cleaned["group_name"] = v.get("group", "").strip()

    levels_text = v.get("levels", "").strip()
    try:
        levels = _parse_levels(levels_text)
        if not levels:
            errors.append("代表层级为空(如“镇”或“县、镇”)")
        elif len(set(levels)) != len(levels):
            errors.append(f"代表层级“{levels_text}”中有重复")
    except ValueError as exc:
        levels = []
        errors.append(f"代表层级“{exc.args[0]}”无法识别(可填:镇、县、市、省、全国)")
    cleaned["levels"] = [lv for lv in LEVEL_ORDER if lv in set(levels)]

    phone_text = v.get("phone", "").strip()
    phone = normalize_mobile(phone_text)
    if phone and not MOBILE_RE.match(phone):
        errors.append(f"手机号码“{phone_text}”格式不正确(应为11位手机号码)")
    cleaned["phone"] = phone if MOBILE_RE.match(phone or "") else ""

    presidium = v.get("is_presidium_member", "").strip()
    if presidium not in _YES | _NO:
        errors.append(f"主席团成员应填“是”或“否”,而不是“{presidium}”")
    cleaned["is_presidium_member"] = presidium in _YES


_PROVIDED_BY = {"district_id": "district", "group_name": "group"}


def _diff(check: RowCheck, deputy: Deputy, districts: dict) -> None:
    """The changes an update would make: only columns the row fills; a birth date in the same
    month as the one on record is no change (offices write year and month only)."""
    c = check.cleaned
    current = {
        "gender": deputy.gender,
        "ethnicity": deputy.ethnicity,
        "birth_date": deputy.birth_date,
        "political_status": deputy.political_status,
        "education": deputy.education,
        "occupation": deputy.occupation,
        "employer": deputy.employer,
        "category": deputy.category,
        "district_id": deputy.district_id,
        "group_name": deputy.group.name if deputy.group_id else "",
        "phone": deputy.phone,
        "is_presidium_member": deputy.is_presidium_member,
    }
    for name in PERSON_FIELDS:
        if _PROVIDED_BY.get(name, name) not in check.provided:
            continue
        old, new = current[name], c[name]
        if name == "birth_date" and old and new and (old.year, old.month) == (new.year, new.month):
            continue
        if name == "phone" and not new:
            continue
        if old != new:
            check.changes.append(
                Change(
                    name, _FIELD_LABELS[name], _display(name, old, districts), _display(name, new, districts)
                )
            )
    active = {m.level for m in deputy.mandates.all() if m.status == MandateStatus.ACTIVE}
    check.new_levels = [lv for lv in c["levels"] if lv not in active]
    if check.new_levels:
        check.changes.append(
            Change(
                "levels",
                _FIELD_LABELS["levels"],
                levels_label(active) or "(无)",
                levels_label(active | set(c["levels"])),
            )
        )
    dropped = [lv for lv in LEVEL_ORDER if lv in active and lv not in c["levels"]]
    if dropped:
        check.notes.append(
            "花名册中没有“" + "、".join(LEVEL_SHORT[lv] for lv in dropped) + "”层级:原有的在任资格"
            "不会被终止;如已终止,请在该代表页面填写状态、日期和原因。"
        )


def check_rows(
    rows,
    *,
    township: Township,
    term: Term,
    resolutions: dict[str, str] | None = None,
    today: datetime.date | None = None,
) -> CheckResult:
    """Check each row and decide what it does: 新增, 更新 (with the changes, old → new), 不变,
    待确认 (a near match or an ambiguous birth month the office must settle), or 错误.

    ``rows`` is a :class:`~congress.sheets.Sheet` or a list of raw rows. ``resolutions`` holds
    the office's answers from the preview: ``{"person-<row>": "new" | "<deputy pk>",
    "date-<row>": "YYYY-MM"}``."""
    sheet = rows if isinstance(rows, Sheet) else None
    raw_rows = sheet.rows if sheet else list(rows)
    resolutions = resolutions or {}
    today = today or timezone.localdate()
    find_district = _district_lookup(township)
    districts = {d.pk: d for d in ElectoralDistrict.objects.filter(township=township)}
    groups = {g.name for g in DeputyGroup.objects.filter(township=township, term=term)}
    deputies = list(
        Deputy.objects.filter(township=township)
        .select_related("group", "district")
        .prefetch_related("mandates")
    )
    by_key: dict[tuple, list[Deputy]] = {}
    by_name: dict[str, list[Deputy]] = {}
    for d in deputies:
        by_key.setdefault(person_key(d.name, d.birth_date, d.district_id), []).append(d)
        by_name.setdefault(d.name, []).append(d)
    by_pk = {d.pk: d for d in deputies}

    seen: dict[tuple, int] = {}
    new_groups: list[str] = []
    checks = []
    for raw in raw_rows:
        check = RowCheck(raw=raw)
        _clean_row(raw, check, find_district=find_district, today=today)
        cleaned = check.cleaned
        checks.append(check)

        if check.confirm_dates:
            answer = resolutions.get(f"date-{raw.number}", "")
            chosen = [d for d in check.confirm_dates if f"{d:%Y-%m}" == answer]
            if chosen:
                cleaned["birth_date"] = chosen[0]
                check.confirm_dates = []
                check.provided.add("birth_date")
                problem = check_birth_date(chosen[0], today=today)
                if problem:
                    check.errors.append(problem)
            else:
                check.provided.discard("birth_date")

        group_name = cleaned["group_name"]
        if group_name and group_name not in groups:
            check.new_group = group_name
            if not check.errors and group_name not in new_groups:
                new_groups.append(group_name)

        if not cleaned["name"]:
            check.action = Action.ERROR
            continue
        key = person_key(cleaned["name"], cleaned["birth_date"], cleaned["district_id"])
        if key in seen:
            check.errors.append(f"重复:与第{seen[key]}行是同一人")
        else:
            seen[key] = raw.number
        if check.errors:
            check.action = Action.ERROR
            continue

        exact = by_key.get(key, [])
        if not cleaned["birth_date"] and exact:
            check.notes.append("出生年月未填:按姓名和选区匹配")
        near = [d for d in by_name.get(cleaned["name"], []) if d not in exact]
        answer = resolutions.get(f"person-{raw.number}", "")
        if len(exact) == 1:
            check.deputy = exact[0]
        elif answer == "new":
            check.deputy = None
        elif answer.isdigit() and int(answer) in by_pk and by_pk[int(answer)] in exact + near:
            check.deputy = by_pk[int(answer)]
        elif exact or near:
            check.confirm_person = exact + near
            check.action = Action.CONFIRM
            continue

        if check.confirm_dates:
            check.action = Action.CONFIRM
            continue
        if check.deputy is None:
            check.action = Action.CREATE
            check.new_levels = list(cleaned["levels"])
        else:
            _diff(check, check.deputy, districts)
            check.action = Action.UPDATE if check.changes else Action.UNCHANGED
    present = raw_rows[0].values if raw_rows else {}
    return CheckResult(
        rows=checks,
        sheet=sheet,
        columns=[c for c in COLUMNS if c.key in present],
        new_groups=new_groups,
    )


# --- Writing ---------------------------------------------------------------------------------


def _district_text(deputy) -> str:
    d = deputy.district
    return f"第{d.number}选区" if d else ""


def roster_rows(deputies, *, show_phone):
    for d in deputies:
        yield safe_row([
            d.name,
            d.get_gender_display(),
            d.ethnicity,
            d.birth_date.strftime("%Y-%m") if d.birth_date else "",
            d.get_political_status_display(),
            d.get_education_display() if d.education else "",
            d.occupation,
            d.employer,
            d.get_category_display(),
            _district_text(d),
            d.group.name if d.group else "",
            d.levels_display,
            (d.phone if show_phone(d) else mask_phone(d.phone)),
            "是" if d.is_presidium_member else "否",
        ])


def roster_workbook(deputies, *, show_phone, target=None, on_row=None):
    """The roster as .xlsx with the same columns the import reads. ``show_phone(deputy)`` says
    whether this reader may see the number; otherwise it is masked (138****1234).

    Streamed (openpyxl write-only), so the long export of a county's roster
    (:mod:`congress.export_jobs`) holds one row at a time: with ``target`` (a path or file) the
    sheet is written there and the number of rows returned, ``on_row(n)`` called after each;
    without it the bytes are returned."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("代表花名册")
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    xlsx_print_setup(ws, title="代表花名册", header_rows=1, landscape=True, columns=len(COLUMNS))
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    count = 0
    for row in roster_rows(deputies, show_phone=show_phone):
        ws.append(row)
        count += 1
        if on_row:
            on_row(count)
    if target is not None:
        wb.save(target)
        return count
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


EXAMPLE_ROW = [
    "张三(示例,不会导入)",
    "男",
    "汉族",
    "1975.03",
    "中共党员",
    "大专",
    "农民",
    "某某村党支部书记",
    "村(社区)干部",
    "第1选区",
    "第一代表小组",
    "县、镇",
    "13800000000",
    "否",
]
TEXT_COLUMNS = ("birth_date", "phone")


def template_workbook(*, township: Township | None = None, term: Term | None = None) -> bytes:
    """The roster template: the headers, one marked example row (never imported: the reader
    skips rows marked 示例), text-formatted phone and birth-date columns (so Excel keeps
    "1975.03" and leading digits as typed), and dropdowns for 性别, 代表层级, 政治面貌, 选区 and
    代表小组 — the last two from ``township``'s districts and ``term``'s groups."""
    wb = Workbook()
    ws = wb.active
    ws.title = "代表花名册"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    ws.append(EXAMPLE_ROW)
    for cell in ws[2]:
        cell.font = Font(italic=True, color="808080")
    lists = wb.create_sheet("选项")
    options = {
        "gender": [label for _, label in Gender.choices],
        "levels": ["镇", "县、镇", "市、县、镇", "县", "市", "省", "全国"],
        "political_status": [label for _, label in PoliticalStatus.choices],
        "district": [],
        "group": [],
        "is_presidium_member": ["是", "否"],
    }
    if township is not None:
        options["district"] = [
            f"第{d.number}选区"
            for d in ElectoralDistrict.objects.filter(township=township).order_by("number")
        ]
    if term is not None:
        options["group"] = list(
            DeputyGroup.objects.filter(term=term).order_by("name").values_list("name", flat=True)
        )
    keys = [c.key for c in COLUMNS]
    last_row = 1000
    for index, (key, values) in enumerate(options.items(), start=1):
        if not values:
            continue
        list_col = lists.cell(row=1, column=index).column_letter
        lists.cell(row=1, column=index, value=LABELS[key])
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index, value=value)
        validation = DataValidation(
            type="list",
            formula1=f"=选项!${list_col}$2:${list_col}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=key != "levels",
            errorTitle="不在可选项中",
            error=f"请从下拉列表中选择{LABELS[key]}。",
        )
        letter = ws.cell(row=1, column=keys.index(key) + 1).column_letter
        validation.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(validation)
    lists.sheet_state = "hidden"
    for key in TEXT_COLUMNS:
        letter = ws.cell(row=1, column=keys.index(key) + 1).column_letter
        for row in range(2, last_row + 1):
            ws[f"{letter}{row}"].number_format = "@"
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = column.width
    ws.freeze_panes = "A2"
    xlsx_print_setup(ws, title="代表花名册(模板)", header_rows=1, landscape=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
