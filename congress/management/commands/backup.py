from django.core.management.base import BaseCommand, CommandError

from congress.backup import BackupError, backup_create, read_manifest


class Command(BaseCommand):
    help = "备份数据库和上传的附件到一个带日期的归档文件(PostgreSQL 用 pg_dump,SQLite 用在线备份)。"

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", help="归档保存目录(默认 BACKUP_DIR,即 var/backups)")
        parser.add_argument("--no-media", action="store_true", help="不备份附件(只备份数据库)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            archive = backup_create(output_dir=options["output_dir"], alias=options["database"],
                                    include_media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = read_manifest(archive)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"备份完成:{archive}({len(manifest['tables'])} 张表,{rows} 行,附件 {len(manifest['media'])} 个)"
        ))
