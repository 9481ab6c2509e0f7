from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "人代会与主席团"

    def ready(self):
        from congress import portal_menu

        from . import rules

        portal_menu.register("人代会", "sessions_portal:session_list", "people-fill", rules.can_view_session)
        portal_menu.register("民生实事进展", "sessions_portal:my_projects", "clipboard-data", rules.can_list_projects)
        portal_menu.register("会议合规提醒", "sessions_portal:compliance", "calendar-check", rules.can_view_compliance)
