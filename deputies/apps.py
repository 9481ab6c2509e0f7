from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _triggers_after_migrate(sender, using="default", **kwargs):
    """SQLite rebuilds a table to alter it, dropping its triggers: reinstall the duty-record
    counters' triggers after every migrate (idempotent)."""
    from django.db import connections

    from . import duty_counters

    connection = connections[using]
    if {"deputies_dutymonth", "deputies_dutyrecord"} <= set(connection.introspection.table_names()):
        duty_counters.install(connection)


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = "人大代表"

    def ready(self):
        from congress.portal_menu import register

        from . import export_kinds
        from .predicates import is_linked_deputy

        export_kinds.register()

        register("记一笔履职", "deputies:record_add", "plus-circle", is_linked_deputy)
        register("履职档案", "deputies:records", "journal-check", is_linked_deputy)
        register("联系选民", "deputies:voters", "people", is_linked_deputy)
        register("台账十表", "deputies:ledgers", "file-earmark-spreadsheet", is_linked_deputy)
        post_migrate.connect(_triggers_after_migrate, sender=self, dispatch_uid="deputies.duty_triggers")
