from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class PortalLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确,请重新输入(注意区分大小写)。",
        "inactive": "该账号已停用,请联系人大办。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.helper = FormHelper()
        self.helper.form_tag = False


class PortalPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "修改密码", css_class="w-100"))


class NoticePreferenceForm(forms.Form):
    """A user's own channel choice; the empty choice names the office default it follows."""

    def __init__(self, *args, defaults: dict, addresses: dict, **kwargs):
        from congress.models import ChannelMode
        from congress.notices.preferences import CHANNEL_LABELS, CHANNELS

        super().__init__(*args, **kwargs)
        for channel in CHANNELS:
            default_label = ChannelMode(defaults[channel]).label
            help_text = "" if addresses[channel] else "尚未登记,暂不能通过此渠道接收,请联系人大办。"
            self.fields[channel] = forms.ChoiceField(
                label=CHANNEL_LABELS[channel],
                choices=[("", f"跟随单位默认({default_label})"), *ChannelMode.choices],
                required=False,
                help_text=help_text,
            )
