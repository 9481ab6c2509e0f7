"""A station administrator converts a reception issue; staff run a session from the check-in QR
code to a vote result; the county viewer drills down and downloads."""

import io
import re

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from congress.roles import Role
from liaison_stations import services as station_services
from liaison_stations.models import Station
from sessions_app.models import Attendance, Vote
from tests.factories import (
    CountyFactory,
    StationFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    deputy_with_account,
)
from tests.journeys.conftest import said
from tests.liaison_stations.factories import station_admin_of
from tests.sessions_app.factories import Hall, VoteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Town:
    """A county with one township, a station run by its administrator, and three deputies."""

    def __init__(self):
        self.county = CountyFactory()
        self.township = TownshipFactory(county=self.county, name="甲镇", slug="jia")
        VillageFactory(township=self.township, name="甲一村")
        self.admin = station_admin_of(self.township, username="station_a")
        self.station = StationFactory(township=self.township, name="甲镇中心联络站", kind=Station.Kind.CENTER,
                                      administrator=self.admin)
        self.deputies = [deputy_with_account(self.township) for _ in range(3)]
        self.station.deputies.set(self.deputies)
        self.viewer = UserFactory(township=None, county=self.county, role=Role.COUNTY_VIEWER)



def test_station_admin_converts_a_reception_issue_on_a_phone(journey):
    world = Town()
    today = timezone.localdate()
    record = station_services.reception_record_save(actor=world.admin, station=world.station, date=today,
                                                    deputies=world.deputies[:2], summary="接待群众2人次")
    station_services.reception_issue_add(actor=world.admin, record=record, visitor_name="李大爷",
                                         content="甲一村东头桥面开裂\n雨季前需要加固")
    admin = journey.person()
    journey.login(admin, "station_a")
    admin.get_by_role("link", name="联络站").first.click()
    admin.get_by_role("link", name="甲镇中心联络站").first.click()
    admin.get_by_role("link", name="接待记录", exact=True).click()
    admin.get_by_role("link", name=re.compile(f"{today.year}年{today.month}月{today.day}日")).first.click()
    expect(admin.get_by_text("甲一村东头桥面开裂").first).to_be_visible()
    journey.shot(admin, "reception")
    admin.get_by_role("button", name="转为建议").click()
    said(admin, "已转为建议")
    expect(admin.get_by_text("甲一村东头桥面开裂").first).to_be_visible()
    expect(admin.get_by_text("建议不存在")).to_have_count(0)
    journey.shot(admin, "suggestion")


def test_staff_run_a_session_from_the_checkin_qr_to_a_vote_result(journey):
    hall = Hall(size=3, accounts=1)
    VoteFactory(session=hall.session, title="关于批准镇人民政府工作报告的决议", ballot_kind=Vote.BallotKind.OPEN)
    deputy_user = hall.deputy_users()[0]
    staff = journey.person(phone=False)
    journey.login(staff, hall.staff.username)
    staff.get_by_role("link", name="人代会").first.click()
    staff.get_by_role("link", name=hall.session.short_title).or_(staff.get_by_role("link", name=str(hall.session))).first.click()
    with staff.context.expect_page() as screen_info:
        staff.get_by_role("link", name="会场签到大屏").click()
    screen = screen_info.value
    screen.wait_for_load_state()
    png = screen.get_by_test_id("qr").screenshot()
    journey.shot(screen, "venue-screen")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded, "the venue screen shows no readable QR code"
    checkin_url = decoded[0].text
    assert checkin_url.startswith(journey.base_url + "/"), checkin_url

    # the deputy scans the code with a phone: that address is the first page they open
    deputy = journey.person()
    deputy.goto(checkin_url)
    deputy.get_by_label("用户名").fill(deputy_user.username)
    deputy.get_by_label("密码").fill("pw-for-tests-1")
    deputy.get_by_role("button", name="登录").click()
    deputy.get_by_role("button", name="确认签到").click()
    said(deputy, "签到成功")
    journey.shot(deputy, "checked-in")

    # staff record the rest by hand in one step, open the session, open the vote
    staff.get_by_role("link", name="出席情况").first.click()
    staff.on("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="其余 2 名代表全部出席").click()
    said(staff, "已将其余 2 名代表登记为出席")
    assert Attendance.objects.filter(session=hall.session, status="present").count() == 3
    staff.get_by_role("link", name="返回会议").click()
    staff.get_by_role("button", name="宣布开幕").click()
    staff.get_by_role("link", name="关于批准镇人民政府工作报告的决议").click()
    staff.get_by_role("button", name="开始表决").click()

    deputy.reload()
    deputy.get_by_role("link", name="关于批准镇人民政府工作报告的决议").first.click()
    deputy.get_by_label("赞成").check()
    deputy.get_by_role("button", name="提交表决").click()
    expect(deputy.get_by_test_id("voted")).to_contain_text("您已表决")

    staff.reload()
    staff.get_by_role("button", name="结束表决并计票").click()
    result = staff.get_by_test_id("result")
    expect(result).to_contain_text("表决结果")
    expect(result).to_contain_text("赞成")
    expect(staff.get_by_test_id("verdict")).to_have_text("未通过")  # 1 of 3: not more than half of all
    journey.shot(staff, "vote-result")


def test_county_viewer_drills_down_and_downloads(journey):
    world = Town()
    county = journey.person(phone=False)
    journey.login(county, world.viewer.username)
    county.get_by_role("link", name="全县看板").first.click()
    expect(county.get_by_role("link", name="甲镇").first).to_be_visible()
    journey.shot(county, "county")
    with county.expect_download() as download_info:
        county.get_by_role("link", name="导出 Excel").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    county.get_by_role("link", name="甲镇").first.click()
    expect(county.get_by_text("甲镇中心联络站").first).to_be_visible()
    county.get_by_role("link", name="甲镇中心联络站").first.click()
    expect(county.get_by_text("甲镇中心联络站").first).to_be_visible()
    journey.shot(county, "station")
