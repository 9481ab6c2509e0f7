from congress.notices.checks import check_notice_providers


def _ids(settings):
    return [m.id for m in check_notice_providers(None)]


def test_console_defaults_pass(settings):
    settings.SMS_BACKEND = "congress.sms.ConsoleSmsBackend"
    settings.WECOM_BACKEND = "congress.notices.wecom.ConsoleWecomBackend"
    assert _ids(settings) == []


def test_real_backends_without_credentials_or_template_codes_are_reported(settings):
    settings.SMS_BACKEND = "congress.notices.sms.AliyunSmsBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = ""
    settings.WECOM_BACKEND = "congress.notices.wecom.WecomApiBackend"
    settings.WECOM_CORP_ID = ""
    assert _ids(settings) == ["congress.E201", "congress.E203"]
    settings.SMS_ALIYUN_ACCESS_KEY_ID = settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "x"
    settings.SMS_TEMPLATE_CODES = {"accepted": "SMS_1"}
    settings.WECOM_BACKEND = ""
    [warning] = check_notice_providers(None)
    assert warning.id == "congress.W202" and "不予受理告知" in warning.msg and "受理告知(含查询码)" not in warning.msg
