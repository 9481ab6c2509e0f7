from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = "代表建议"

    def ready(self):
        from congress import permissions as p
        from congress.portal_menu import register

        from . import rules  # noqa: F401  (registers the permissions)

        register("建议办理", "suggestions_portal:index", "inbox",
                 p.is_presidium_staff | p.is_county_viewer | p.is_deputy | p.is_handler | p.is_superuser)
        register("录入建议", "suggestions_portal:enter", "pencil-square",
                 p.is_presidium_staff | p.is_deputy | p.is_station_admin)
