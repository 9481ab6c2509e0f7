from django.apps import AppConfig


class LiaisonStationsConfig(AppConfig):
    name = "liaison_stations"
    verbose_name = "代表联络站"

    def ready(self):
        from congress import permissions as p
        from congress.portal_menu import register

        from . import rules  # noqa: F401  (registers the app's permissions)

        register(
            "联络站", "stations_portal:home", "house-heart",
            p.is_superuser | p.is_presidium_staff | p.is_station_admin | p.is_deputy
            | p.is_county_viewer,
        )
        register("接待值班", "stations_portal:my_duty", "calendar-check", p.is_deputy)
