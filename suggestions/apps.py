from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def _counters_after_migrate(sender, using="default", **kwargs):
    """A database migrated to the counters (or one whose counters were emptied) gets them
    from its suggestions; an empty database costs two cheap queries."""
    from django.db import connections

    from .models import FigureCounter, Suggestion
    from .services import figure_counters_rebuild

    if FigureCounter._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back past the counters
    if Suggestion.objects.using(using).exists() and not FigureCounter.objects.using(using).exists():
        figure_counters_rebuild()


def _calendar_changed(sender, **kwargs):
    """Stage times count working days, and a township's settings can decide what a figure
    counts (class D): recount once such a change is committed."""
    from django.db import transaction

    from .tasks import figure_counters_rebuild_task

    transaction.on_commit(figure_counters_rebuild_task.delay)


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = "代表建议"

    def ready(self):
        from congress import permissions as p
        from congress.models import CalendarOverride
        from congress.portal_menu import register

        from . import rules  # noqa: F401  (registers the permissions)

        register("建议办理", "suggestions_portal:index", "inbox",
                 p.is_presidium_staff | p.is_county_viewer | p.is_deputy | p.is_handler | p.is_superuser)
        register("录入建议", "suggestions_portal:enter", "pencil-square",
                 p.is_presidium_staff | p.is_deputy | p.is_station_admin)
        post_migrate.connect(_counters_after_migrate, sender=self, dispatch_uid="suggestions.counters_after_migrate")
        post_save.connect(_calendar_changed, sender=CalendarOverride, dispatch_uid="suggestions.calendar_saved")
        # A township's setting can change which figures count a row (class D in 解决率).
        post_save.connect(_calendar_changed, sender="suggestions.DeadlineSettings",
                          dispatch_uid="suggestions.settings_saved")
        post_delete.connect(_calendar_changed, sender=CalendarOverride, dispatch_uid="suggestions.calendar_deleted")
