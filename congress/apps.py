from django.apps import AppConfig


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = "组织与账号"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the system checks)
        from .notices import checks as notice_checks  # noqa: F401
        from .twofactor import remember_enrolment

        user_logged_in.connect(remember_enrolment, dispatch_uid="congress.twofactor.remember_enrolment")
        from . import permissions as p
        from .portal_menu import register

        register("消息", "portal:notifications", "bell", p.is_authenticated, order=90)
        register("管理后台", "admin:index", "speedometer2", p.is_superuser | p.is_county_viewer | p.is_presidium_staff, order=80)
        register("修改密码", "portal:password_change", "key", p.is_authenticated, order=95)
        register("提醒方式", "portal:notice_settings", "bell-fill", p.is_authenticated, order=92)
        register("导出任务", "portal:exports", "download", p.is_superuser | p.is_county_viewer | p.is_presidium_staff,
                 order=85)
