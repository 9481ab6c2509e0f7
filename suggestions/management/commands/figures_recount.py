"""Rebuild the figure counters from the suggestions and the duty-record counters from the duty
records (``--check``: only compare and print)."""

from django.core.management.base import BaseCommand, CommandError

from django.db import connection

from deputies import duty_counters
from deputies.services import duty_counters_rebuild
from suggestions import counters
from suggestions.services import figure_counters_rebuild


class Command(BaseCommand):
    help = "重新统计看板计数(--check 只比对计数与全量重算是否一致)。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只比对,不修改;不一致时退出码为1")

    def handle(self, *args, check=False, **options):
        if check:
            diffs = counters.differences() + [(d[:2], d[2], d[3]) for d in duty_counters.differences(connection)]
            for cell, have, want in diffs[:50]:
                self.stdout.write(f"{cell}: 计数 {have},重算 {want}")
            if diffs:
                raise CommandError(f"{len(diffs)} 个计数与全量重算不一致。")
            self.stdout.write("计数与全量重算一致。")
            return
        rows = figure_counters_rebuild()
        duty_counters_rebuild()
        self.stdout.write(f"已重新统计:{rows} 行计数。")
