"""The mobile portal shell: login, home, inbox, password."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from congress.forms import PortalLoginForm, PortalPasswordChangeForm
from congress.models import Notification
from congress.notifications import notification_mark_read
from congress.portal_menu import portal_menu_for


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/password_change.html"
    form_class = PortalPasswordChangeForm
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        messages.success(self.request, "密码已修改。")
        return super().form_valid(form)


@login_required
def home(request):
    latest = Notification.objects.filter(recipient=request.user)[:5]
    return render(
        request,
        "portal/home.html",
        {"menu": portal_menu_for(request.user), "latest_notifications": latest},
    )


@login_required
def notifications(request):
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page, "only_unread": bool(request.GET.get("unread"))})


@login_required
@require_POST
def notifications_read(request):
    ids = request.POST.getlist("id") or None
    notification_mark_read(actor=request.user, notification_ids=ids)
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("portal:notifications")


@login_required
def notification_open(request, pk):
    """Follow a notice's link: reading it marks it read, so the badge goes down at once."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(actor=request.user, notification_ids=[notification.pk])
    target = notification.url or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("portal:notifications")


@login_required
def notice_settings(request):
    """The user's own choice of channels for notices (提醒方式)."""
    from congress.forms import NoticePreferenceForm
    from congress.models import NoticePreference
    from congress.notices.preferences import CHANNELS, contact_of, notice_preference_set

    user = request.user
    contact = contact_of(user)
    addresses = {ch: contact.address(ch) for ch in CHANNELS}
    own = NoticePreference.objects.filter(user=user).first()
    initial = {ch: getattr(own, ch, "") for ch in CHANNELS}
    form = NoticePreferenceForm(request.POST or None, initial=initial,
                                defaults=contact.office_modes, addresses=addresses)
    if request.method == "POST" and form.is_valid():
        notice_preference_set(actor=user, **form.cleaned_data)
        messages.success(request, "提醒方式已保存。")
        return redirect("portal:notice_settings")
    return render(request, "portal/notice_settings.html", {"form": form, "addresses": addresses})
