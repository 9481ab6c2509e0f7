from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from congress.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示县(云溪县:柳河镇、桃源乡)及各角色演示账号。可重复运行,不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="在生产模式(DEBUG=0)下也载入演示数据(会创建带公开密码的演示账号,慎用)",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "当前为生产模式(DEBUG=0),拒绝载入演示数据:演示账号的密码是公开的。"
                "如确需在此环境载入,请加 --force。"
            )
        ctx = load_demo()
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪:{ctx.county.name}({'、'.join(t.name for t in ctx.townships.values())})"))
        for line in ctx.log:
            self.stdout.write(f"  {line}")
        self.stdout.write("")
        self.stdout.write(f"演示账号(密码均为 {DEMO_PASSWORD}):")
        for role, username, where in ctx.accounts:
            self.stdout.write(f"  {username:<20} {role:<12} {where}")
