from django.core.management.base import BaseCommand

from congress.export_jobs import export_jobs_expire, export_jobs_expired
from suggestions.retention import retention_apply, retention_report


class Command(BaseCommand):
    help = "按各乡镇的保存年限删除已办结建议中群众的姓名、手机号、IP 和照片。默认只列出(试运行),加 --apply 才执行。"

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="真正删除(默认只报告将删除的内容)")

    def handle(self, *args, **options):
        self._exports(options["apply"])
        report = retention_report()
        if not report:
            self.stdout.write("没有超过保存期限的群众个人信息。")
            return
        for row in report:
            self.stdout.write(
                f"{row['township']}(保存 {row['years']} 年):建议 {row['suggestions']} 件,"
                f"姓名 {row['names']} 个,手机号 {row['phones']} 个,IP {row['ips']} 个,照片 {row['photos']} 张"
            )
        if not options["apply"]:
            self.stdout.write(self.style.WARNING("以上为试运行结果,未删除任何数据。确认后加 --apply 执行。"))
            return
        totals = retention_apply()
        self.stdout.write(self.style.SUCCESS(
            f"已删除 {totals['suggestions']} 件建议的反映人信息和 {totals['photos']} 张照片;记录和统计数字保留。"
        ))

    def _exports(self, apply: bool) -> None:
        """Long-export files past their keeping time (the beat sweep deletes them every minute too)."""
        if apply:
            self.stdout.write(f"已删除 {export_jobs_expire()} 个过期的导出文件。")
        else:
            self.stdout.write(f"过期的导出文件:{export_jobs_expired().count()} 个。")
