"""The township's own Excel roster (花名册): read, check row by row, and write back.

Built on openpyxl rather than django-import-export: the sheet a presidium office keeps has one
row per *person* with all their levels in one cell ("县、镇"), so one row becomes a Deputy plus
one Mandate per level, a group may have to be created, and a duplicate is judged against both
the sheet and the roster. Those rules are this module's own; openpyxl only reads and writes the
cells. See docs/deputies.md.

Reading never writes to the database: :func:`read_roster` gives raw rows (strings), and
:func:`check_rows` turns them into :class:`RowCheck` results with per-row errors in Chinese.
:func:`deputies.services.roster_import` writes the checked rows.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from congress.exceptions import ApplicationError
from congress.models import ElectoralDistrict, Term, Township
from congress.validators import MOBILE_RE, mask_phone, normalize_mobile

from .models import LEVEL_ORDER, DeputyCategory, Education, Gender, Level, PoliticalStatus

MAX_ROWS = 3000
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 12


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


class RosterFileError(ApplicationError):
    """The upload cannot be read as a roster; the message names what is wrong."""


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class RawRow:
    number: int  # the row number in the sheet, as the user sees it
    values: dict[str, str]

    def to_json(self) -> dict:
        return {"number": self.number, "values": self.values}

    @classmethod
    def from_json(cls, data: dict) -> "RawRow":
        return cls(number=int(data["number"]), values=dict(data["values"]))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s*()()::]", "", text or "")


def _match_columns(header_cells: list[str]) -> dict[str, int]:
    """Map column keys to their position in the header row."""
    positions = {}
    normalised = [_normalise_header(h) for h in header_cells]
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            if name in normalised:
                positions[column.key] = normalised.index(name)
                break
    return positions


def read_roster(upload) -> list[RawRow]:
    """Read the first worksheet of an .xlsx upload. The header row is the first of the top ten
    rows holding a "姓名" cell (offices often put a title row above it). Raises
    :class:`RosterFileError` naming the problem: not a workbook, an old .xls file, no header,
    missing columns, no data rows, too many rows."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise RosterFileError(f"文件过大({size / 1024 / 1024:.1f} MB),花名册文件不能超过 5 MB。")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(
            "这是旧版 Excel(.xls)文件,请在 Excel 或 WPS 中“另存为”Excel 工作簿(.xlsx)后再上传。"
        )
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RosterFileError(
            "无法读取该文件:它不是 Excel 工作簿(.xlsx)。请上传用 Excel 或 WPS 保存的 .xlsx 文件。"
        ) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise RosterFileError("该工作簿中没有工作表。")
        rows = sheet.iter_rows(values_only=True)
        header, header_number = None, 0
        for number, cells in enumerate(rows, start=1):
            texts = [_cell_text(c) for c in cells]
            if "姓名" in [_normalise_header(t) for t in texts] or "代表姓名" in texts:
                header, header_number = texts, number
                break
            if number >= 10:
                break
        if header is None:
            raise RosterFileError(
                "没有找到表头:前10行中没有“姓名”列。请确认第一张工作表是代表花名册,"
                f"表头应包含:{'、'.join(HEADERS)}。"
            )
        positions = _match_columns(header)
        missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
        if missing:
            raise RosterFileError(
                f"缺少必需的列:{'、'.join(missing)}(第{header_number}行为表头)。"
                f"表头应包含:{'、'.join(HEADERS)}。"
            )
        raw_rows = []
        for number, cells in enumerate(rows, start=header_number + 1):
            texts = [_cell_text(c) for c in cells]
            values = {
                key: (texts[index] if index < len(texts) else "")
                for key, index in positions.items()
            }
            if not any(values.values()):
                continue
            raw_rows.append(RawRow(number=number, values=values))
            if len(raw_rows) > MAX_ROWS:
                raise RosterFileError(f"数据行超过 {MAX_ROWS} 行,请分批导入。")
    finally:
        workbook.close()
    if not raw_rows:
        raise RosterFileError("表头下面没有任何代表数据。")
    return raw_rows


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
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL,
    "民主党派成员": PoliticalStatus.DEMOCRATIC_PARTY,
    "无党派": PoliticalStatus.NONE,
    "无党派人士": PoliticalStatus.NONE,
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


def _parse_birth_date(text: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})[-./年](\d{1,2})(?:[-./月](\d{1,2})日?|月)?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})?", text
    )
    if not m:
        raise ValueError
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    return datetime.date(year, month, day)


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


@dataclass
class RowCheck:
    raw: RawRow
    cleaned: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    new_group: str = ""

    @property
    def number(self) -> int:
        return self.raw.number

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def name(self) -> str:
        return self.raw.values.get("name", "")


@dataclass
class CheckResult:
    rows: list[RowCheck]
    new_groups: list[str]

    @property
    def valid_rows(self) -> list[RowCheck]:
        return [r for r in self.rows if r.is_valid]

    @property
    def invalid_rows(self) -> list[RowCheck]:
        return [r for r in self.rows if not r.is_valid]

    @property
    def all_valid(self) -> bool:
        return not self.invalid_rows


def _person_key(name: str, phone: str, birth_date) -> tuple:
    return (name, phone) if phone else (name, birth_date)


def check_rows(raw_rows: list[RawRow], *, township: Township, term: Term) -> CheckResult:
    """Check each row against the township: a valid phone, a known district, known choices,
    at least one level, and no duplicate (in the sheet, or already on the township's roster;
    a person is the same when name and phone match, or name and birth date when there is no
    phone). Groups named in the sheet that the term lacks are reported as to be created."""
    from .models import Deputy, DeputyGroup

    find_district = _district_lookup(township)
    groups = {g.name: g for g in DeputyGroup.objects.filter(township=township, term=term)}
    existing = {}
    for d in Deputy.objects.filter(township=township).only("pk", "name", "phone", "birth_date"):
        existing.setdefault(_person_key(d.name, d.phone, d.birth_date), d)
    seen: dict[tuple, int] = {}
    new_groups: list[str] = []
    checks = []
    for raw in raw_rows:
        v = raw.values
        check = RowCheck(raw=raw)
        errors, cleaned = check.errors, check.cleaned

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
        try:
            cleaned["birth_date"] = _parse_birth_date(v.get("birth_date", ""))
        except ValueError:
            errors.append(f"出生年月“{v.get('birth_date')}”无法识别(应如 1975-03 或 1975年3月)")
            cleaned["birth_date"] = None

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

        group_name = v.get("group", "").strip()
        cleaned["group_name"] = group_name
        if group_name and group_name not in groups:
            check.new_group = group_name
            if group_name not in new_groups:
                new_groups.append(group_name)

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

        if name:
            key = _person_key(name, cleaned["phone"], cleaned["birth_date"])
            if key in seen:
                errors.append(f"重复:与第{seen[key]}行是同一人")
            else:
                seen[key] = raw.number
            if key in existing:
                errors.append("重复:该代表已在本乡镇花名册中")
        checks.append(check)
    return CheckResult(rows=checks, new_groups=new_groups)


# --- Writing ---------------------------------------------------------------------------------


def _district_text(deputy) -> str:
    d = deputy.district
    return f"第{d.number}选区" if d else ""


def roster_workbook(deputies, *, show_phone) -> bytes:
    """The roster as .xlsx with the same columns the import reads. ``show_phone(deputy)`` says
    whether this reader may see the number; otherwise it is masked (138****1234)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "代表花名册"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for d in deputies:
        ws.append(
            [
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
            ]
        )
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = column.width
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_workbook() -> bytes:
    """An empty sheet with the headers and one example row, for offices without a roster."""
    wb = Workbook()
    ws = wb.active
    ws.title = "代表花名册"
    ws.append(HEADERS)
    ws.append(
        [
            "张三",
            "男",
            "汉族",
            "1975-03",
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
    )
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = column.width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
