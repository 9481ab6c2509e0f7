from django.core.management.base import BaseCommand, CommandError

from congress.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "从备份归档恢复数据库和附件(会覆盖现有数据),并逐表、逐个附件与备份清单核对。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="manage.py backup 生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="不再询问,直接覆盖")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        if not options["yes"]:
            answer = input("恢复会覆盖当前数据库和附件。请先停止网站、worker 和 beat。继续吗?输入 yes 确认:")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消恢复。")
        try:
            result = backup_restore(archive=options["archive"], alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if result["problems"]:
            raise CommandError("恢复后校验不通过:\n" + "\n".join(result["problems"]))
        manifest = result["manifest"]
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成,校验通过:{len(manifest['tables'])} 张表、{len(manifest['media'])} 个附件与备份一致"
            f"(备份时间 {manifest['created_at']})。"
        ))
