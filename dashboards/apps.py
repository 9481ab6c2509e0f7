from django.apps import AppConfig


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
        register("本镇看板", "dashboards:my_township", "graph-up", can_view_township_dashboard & ~p.is_county_viewer)
