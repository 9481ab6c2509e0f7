from django.apps import AppConfig


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
