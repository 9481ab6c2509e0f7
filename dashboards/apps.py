from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _mark_triggers_after_migrate(sender, using="default", **kwargs):
    """Install the change-mark triggers after every migrate (idempotent; SQLite drops a table's
    triggers when a migration rebuilds it, and new tables need theirs)."""
    from django.db import connections

    from . import freshness

    freshness.install(connections[using])


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "数据看板"

    def ready(self):
        from congress import permissions as p
        from congress.portal_menu import register

        from . import export_kinds
        from .rules import can_view_county_dashboard, can_view_township_dashboard

        export_kinds.register()

        register("全县看板", "dashboards:county", "bar-chart-line", can_view_county_dashboard)
        post_migrate.connect(_mark_triggers_after_migrate, sender=self, dispatch_uid="dashboards.mark_triggers")
        register("本镇看板", "dashboards:my_township", "graph-up", can_view_township_dashboard & ~p.is_county_viewer)
