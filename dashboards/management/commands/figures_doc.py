"""Write the 口径说明 table, generated from the figure registries, into docs/dashboards.md
(between the figures:begin/end markers). ``--check`` only says whether the file is current."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboards.definitions import DOC_BEGIN, DOC_END, markdown


def docs_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "dashboards.md"


def current_block(text: str) -> str:
    start, end = text.index(DOC_BEGIN), text.index(DOC_END) + len(DOC_END)
    return text[start:end]


class Command(BaseCommand):
    help = "把指标登记表生成的口径说明写入 docs/dashboards.md(--check 只检查是否最新)。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        path = docs_path()
        text = path.read_text(encoding="utf-8")
        if DOC_BEGIN not in text or DOC_END not in text:
            raise CommandError(f"{path} 中缺少口径说明的起止标记。")
        block = markdown()
        if check:
            if current_block(text) != block:
                raise CommandError("docs/dashboards.md 的口径说明与指标登记表不一致,请运行 manage.py figures_doc。")
            self.stdout.write("口径说明已是最新。")
            return
        path.write_text(text.replace(current_block(text), block), encoding="utf-8")
        self.stdout.write(f"已更新 {path}")
