"""群众点单 → 代表接单 → 人大派单 → 政府销单, each person by clicks on their own device."""

import re

import pytest
from playwright.sync_api import expect

from suggestions.models import Suggestion
from tests.journeys.conftest import said
from tests.suggestions.conftest import SWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def L(text: str):
    """A field's label as a person reads it (crispy adds "*" to required ones)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def _act(page, title: str):
    """Open the action's panel (its button is pressed by the caller); return the panel."""
    panel = page.locator("details", has=page.locator("summary", has_text=title)).first
    panel.locator("summary").click()
    return panel


def test_a_suggestion_from_the_citizens_phone_to_the_public_result(journey):
    w = SWorld()
    # --- the citizen, on a phone, from the county home ------------------------------------------
    citizen = journey.person()
    journey.open(citizen, "/")
    citizen.get_by_role("link", name="甲镇", exact=True).click()
    expect(citizen.get_by_role("link", name="我要提建议")).to_be_visible()
    journey.shot(citizen, "township")
    citizen.get_by_role("link", name="我要提建议").click()
    citizen.get_by_label(L("所在村(社区)")).select_option(label="上坪村")
    citizen.get_by_label(L("标题")).fill("上坪村路灯不亮")
    citizen.get_by_label(L("具体内容")).fill("村口到小学的五盏路灯坏了三个月,晚上接孩子很危险。")
    citizen.get_by_label(L("姓名")).fill("王秀英")
    citizen.get_by_label(L("手机号码")).fill("13812345678")
    citizen.get_by_label(re.compile("我已阅读并同意隐私声明")).check()
    journey.shot(citizen, "form")
    citizen.get_by_role("button", name="提交").click()
    expect(citizen.get_by_text("提交成功").first).to_be_visible()
    code = citizen.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6,12}", code)
    journey.shot(citizen, "tracking-code")
    suggestion = Suggestion.objects.get(code=code)

    # --- the deputy of the village's district claims, refines and submits ------------------------
    deputy = journey.person()
    journey.login(deputy, w.deputy1.user.username)
    deputy.get_by_role("link", name="建议办理").click()
    deputy.get_by_role("link", name=re.compile("上坪村路灯不亮")).click()
    panel = _act(deputy, "接单")
    panel.get_by_role("button", name="提交").click()
    said(deputy, "已接单")
    panel = _act(deputy, "完善并提交主席团")
    panel.get_by_label(L("标题")).fill("关于修复上坪村村口至小学路灯的建议")
    panel.get_by_label(L("建议内容(完善后)")).fill("上坪村村口至小学路段五盏路灯损坏,建议镇社会事务办尽快维修并建立巡查制度。")
    panel.get_by_role("button", name="提交主席团").click()
    said(deputy, "已完善并提交主席团")
    journey.shot(deputy, "presented")

    # --- presidium staff dispatch it in the portal, on a desktop ----------------------------------
    staff = journey.person(phone=False)
    journey.login(staff, w.staff.username)
    staff.get_by_role("link", name="建议办理").first.click()
    staff.get_by_role("link", name=re.compile("关于修复上坪村村口至小学路灯的建议")).click()
    panel = _act(staff, "派单")
    panel.get_by_label(L("主办单位")).select_option(label="社会事务办")
    panel.get_by_role("button", name="派单").click()
    said(staff, "已派单")
    journey.shot(staff, "dispatched")

    # --- the department's handler signs for it and replies, on a phone ---------------------------
    handler = journey.person()
    journey.login(handler, w.handler.username)
    handler.get_by_role("link", name="建议办理").click()
    handler.get_by_role("link", name=re.compile("关于修复上坪村村口至小学路灯的建议")).click()
    panel = _act(handler, "签收")
    panel.get_by_role("button", name="提交").click()
    said(handler, "已签收")
    panel = _act(handler, "正式答复")
    panel.get_by_role("radio", name=re.compile("A类")).check()
    panel.locator("textarea[name=text]").fill("已于本周更换五盏路灯灯具,并纳入每月巡查。")
    panel.get_by_role("button", name="正式答复").click()
    said(handler, "已正式答复")
    journey.shot(handler, "replied")

    # --- the deputy rates the reply -------------------------------------------------------------
    deputy.get_by_role("link", name="首页").click()
    deputy.get_by_role("link", name="建议办理").click()
    deputy.get_by_role("link", name=re.compile("关于修复上坪村村口至小学路灯的建议")).click()
    expect(deputy.get_by_text("更换五盏路灯灯具").first).to_be_visible()
    panel = _act(deputy, "评价")
    panel.get_by_role("radio", name="满意", exact=True).check()
    panel.get_by_role("button", name="提交评价").click()
    said(deputy, "已评价")

    # --- the citizen tracks it with the code and rates too ---------------------------------------
    citizen.get_by_role("main").get_by_role("link", name="查询办理进度").click()  # the done page's button
    expect(citizen.get_by_label(L("查询码"))).to_have_value(code)
    citizen.get_by_label(L("手机号后四位")).fill("5678")
    citizen.get_by_role("button", name="查询").click()
    assert "5678" not in citizen.url
    expect(citizen.get_by_text("更换五盏路灯灯具").first).to_be_visible()
    expect(citizen.get_by_text("上坪村路灯不亮").first).to_be_visible()  # the citizen's own words
    citizen.get_by_role("radio", name="满意", exact=True).check()
    citizen.get_by_role("button", name="提交评价").click()
    said(citizen, "感谢您的评价")
    journey.shot(citizen, "rated")

    # --- staff close it and publish the result ----------------------------------------------------
    staff.reload()
    panel = _act(staff, "销单")
    panel.get_by_role("button", name="销单").click()
    said(staff, "已销单")

    # --- the citizen finds it on the public results page ------------------------------------------
    citizen.get_by_role("link", name=re.compile("人大代表联络服务")).click()
    citizen.get_by_role("link", name="甲镇", exact=True).click()
    citizen.get_by_role("link", name="办理结果公开").first.click()
    expect(citizen.get_by_text("关于修复上坪村村口至小学路灯的建议").first).to_be_visible()
    expect(citizen.get_by_text("更换五盏路灯灯具").first).to_be_visible()
    assert "13812345678" not in citizen.content() and "王秀英" not in citizen.content()
    journey.shot(citizen, "public-result")
    suggestion.refresh_from_db()
    assert suggestion.state == "closed" and suggestion.is_public


def test_staff_dispatch_in_the_admin(journey):
    from tests.suggestions import factories as f

    w = SWorld()
    suggestion = f.presented(w)
    staff = journey.person(phone=False)
    journey.login(staff, w.staff.username)
    staff.get_by_role("link", name="管理后台").first.click()
    staff.get_by_role("link", name="建议(群众点单)").first.click()
    staff.get_by_role("link", name="修复上坪村路灯").first.click()
    expect(staff.get_by_test_id("workflow-actions")).to_contain_text("派单")
    journey.shot(staff, "admin-change")
    staff.get_by_test_id("workflow-actions").get_by_role("link", name="派单").click()
    staff.get_by_label(re.compile("^主办单位")).select_option(label="社会事务办")
    staff.get_by_role("button", name="派单").click()
    expect(staff.get_by_text("已派单").first).to_be_visible()
    journey.shot(staff, "admin-dispatched")
    suggestion.refresh_from_db()
    assert suggestion.state == "dispatched" and suggestion.lead_department == w.dept
