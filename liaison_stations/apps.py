from django.apps import AppConfig


class LiaisonStationsConfig(AppConfig):
    name = "liaison_stations"
    verbose_name = "代表联络站"
