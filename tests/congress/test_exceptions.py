"""One way to turn a refusal into the Chinese message a user reads."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from congress.exceptions import ApplicationError, add_form_errors, user_message


class _Form(forms.Form):
    reason = forms.CharField(required=False)


def test_application_error_message_is_the_text():
    exc = ApplicationError("该建议已被他人处理")
    assert str(exc) == exc.message == "该建议已被他人处理"


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ApplicationError("不能撤回"), "不能撤回"),
        (PermissionDenied(), "您无权执行该操作。"),
        (PermissionDenied("您无权派单"), "您无权派单"),
        (ValidationError({"reason": "请填写理由", "months": "月数有误"}), "请填写理由;月数有误"),
    ],
)
def test_user_message(exc, expected):
    assert user_message(exc) == expected


def test_form_errors_go_next_to_their_field():
    form = _Form(data={})
    form.is_valid()
    add_form_errors(form, ValidationError({"reason": "请填写理由", "other": "放在表单顶部"}))
    assert form.errors["reason"] == ["请填写理由"]
    assert form.non_field_errors() == ["放在表单顶部"]


def test_application_error_with_field():
    form = _Form(data={})
    form.is_valid()
    add_form_errors(form, ApplicationError("理由太短", field="reason"))
    add_form_errors(form, PermissionDenied())
    assert form.errors["reason"] == ["理由太短"]
    assert form.non_field_errors() == ["您无权执行该操作。"]


def test_domain_errors_share_the_base():
    from deputies.roster_excel import RosterFileError
    from deputies.services import DeputyError
    from sessions_app.checkin import CheckinCodeError
    from sessions_app.services import ActionRefused
    from suggestions.workflow import TransitionNotAllowed

    for cls in (RosterFileError, DeputyError, ActionRefused, TransitionNotAllowed):
        assert issubclass(cls, ApplicationError)
    assert CheckinCodeError("二维码已过期", "expired").message == "二维码已过期"
