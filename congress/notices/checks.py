"""System checks: a real SMS or WeChat Work backend without its credentials, or SMS template
kinds without a provider code, are reported at start-up instead of failing in the worker."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .catalog import TEMPLATES, NoticeKind
from .sms import ConsoleSmsBackend, LocmemSmsBackend
from .wecom import ConsoleWecomBackend, LocmemWecomBackend


def _instantiate(path: str):
    try:
        return import_string(path)(), None
    except ImportError as exc:
        return None, f"无法加载 {path}:{exc}"
    except ImproperlyConfigured as exc:
        return None, str(exc)


@register()
def check_notice_providers(app_configs, **kwargs):
    messages = []
    backend, problem = _instantiate(settings.SMS_BACKEND)
    if problem:
        messages.append(Error(f"短信服务配置不完整:{problem}", id="congress.E201",
                              hint="见 docs/notices.md“SMS providers”。"))
    elif not isinstance(backend, (ConsoleSmsBackend, LocmemSmsBackend)):
        codes = getattr(settings, "SMS_TEMPLATE_CODES", {}) or {}
        missing = [NoticeKind(kind).label for kind in TEMPLATES if not codes.get(kind)]
        if missing:
            messages.append(Warning(
                f"以下短信模板未配置服务商模板编号,这类短信将无法发送:{'、'.join(missing)}",
                hint="在 SMS_TEMPLATE_CODES 中填写审核通过的模板编号,见 docs/notices.md。",
                id="congress.W202",
            ))
    wecom_path = getattr(settings, "WECOM_BACKEND", "")
    if wecom_path:
        backend, problem = _instantiate(wecom_path)
        if problem:
            messages.append(Error(f"企业微信配置不完整:{problem}", id="congress.E203",
                                  hint="见 docs/notices.md“WeChat Work”。"))
        elif not isinstance(backend, (ConsoleWecomBackend, LocmemWecomBackend)) and not settings.SITE_URL:
            messages.append(Warning("企业微信消息中的链接需要 SITE_URL。", id="congress.W204"))
    return messages
