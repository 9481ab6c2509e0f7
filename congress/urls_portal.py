from django.contrib.auth import views as auth_views
from django.urls import path

from congress.views import exports, portal, twofactor

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("login/", portal.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", portal.PortalPasswordChangeView.as_view(), name="password_change"),
    path("2fa/setup/", twofactor.setup, name="twofactor_setup"),
    path("2fa/verify/", twofactor.verify, name="twofactor_verify"),
    path("notifications/", portal.notifications, name="notifications"),
    path("notifications/read/", portal.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", portal.notification_open, name="notification_open"),
    path("notifications/settings/", portal.notice_settings, name="notice_settings"),
    path("exports/", exports.export_jobs, name="exports"),
]
