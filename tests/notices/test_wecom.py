import pytest
from django.core.exceptions import ImproperlyConfigured

from congress.notices.errors import PermanentDeliveryError, TemporaryDeliveryError
from congress.notices.wecom import LocmemWecomBackend, get_wecom_backend


def test_text_card_with_link_and_token_cached(wecom):
    backend = get_wecom_backend()
    first = backend.send("zhangsan", "建议待签收", "“修缮村道”请在3个工作日内签收",
                         "https://rd.example.cn/portal/suggestions/1/")
    second = get_wecom_backend().send("lisi", "建议即将到期")
    assert (first, second) == ("msg-1", "msg-2")
    assert wecom.token_calls == 1  # the second send reused the cached token
    card, text = wecom.requests
    assert card["msgtype"] == "textcard" and card["agentid"] == 1000002
    assert card["textcard"]["url"] == "https://rd.example.cn/portal/suggestions/1/"
    assert card["textcard"]["description"] == "“修缮村道”请在3个工作日内签收"
    assert text["msgtype"] == "text" and text["text"]["content"] == "建议即将到期"


def test_expired_token_is_fetched_again_once(wecom):
    backend = get_wecom_backend()
    backend.send("zhangsan", "一")
    wecom.expire_tokens()
    assert backend.send("zhangsan", "二") == "msg-2"
    assert wecom.token_calls == 2


def test_long_title_is_cut_to_the_card_limit(wecom):
    get_wecom_backend().send("zhangsan", "标题" * 100, url="https://rd.example.cn/x")
    title = wecom.requests[0]["textcard"]["title"]
    assert len(title.encode()) <= 128 and title.endswith("…")


def test_wrong_secret_is_permanent(wecom, settings):
    settings.WECOM_SECRET = "wrong"
    with pytest.raises(PermanentDeliveryError) as exc:
        get_wecom_backend().send("zhangsan", "提醒")
    assert exc.value.code == "40001"


@pytest.mark.parametrize(
    "errcode, error",
    [(-1, TemporaryDeliveryError), (45009, TemporaryDeliveryError), (60020, PermanentDeliveryError),
     (48002, PermanentDeliveryError), (99999, TemporaryDeliveryError)],
)
def test_error_codes_are_mapped(wecom, errcode, error):
    wecom.error(errcode)
    with pytest.raises(error) as exc:
        get_wecom_backend().send("zhangsan", "提醒")
    assert type(exc.value) is error and exc.value.code == str(errcode)


def test_unknown_user_is_permanent(wecom):
    with pytest.raises(PermanentDeliveryError) as exc:
        get_wecom_backend().send("wangwu", "提醒")
    assert exc.value.code == "81013"
    with pytest.raises(PermanentDeliveryError, match="没有企业微信账号"):
        get_wecom_backend().send("", "提醒")


def test_server_unreachable_is_temporary(wecom, settings):
    settings.WECOM_API_BASE = "https://qyapi.weixin.qq.com"
    with pytest.raises(TemporaryDeliveryError) as exc:
        get_wecom_backend().send("zhangsan", "提醒")
    assert exc.value.code == "network"


def test_needs_credentials(settings):
    settings.WECOM_BACKEND = "congress.notices.wecom.WecomApiBackend"
    settings.WECOM_CORP_ID = ""
    with pytest.raises(ImproperlyConfigured, match="WECOM_CORP_ID"):
        get_wecom_backend()


def test_locmem_backend_records(settings):
    settings.WECOM_BACKEND = "congress.notices.wecom.LocmemWecomBackend"
    LocmemWecomBackend.outbox = []
    assert get_wecom_backend().send("zhangsan", "提醒", "正文") == "locmem-1"
    assert LocmemWecomBackend.outbox[0].title == "提醒"
