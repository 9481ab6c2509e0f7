"""The dashboards' query count does not grow with the number of townships or records."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress.roles import Role
from deputies.models import DutyKind, DutyRecord
from liaison_stations.models import ReceptionRecord
from sessions_app.models import PresidiumMeeting
from suggestions import services
from suggestions.models import Kind
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    ElectoralDistrictFactory,
    StationFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    county_viewer_of,
    deputy_with_account,
    staff_of,
)
from tests.sessions_app.factories import CongressSessionFactory

pytestmark = pytest.mark.django_db


def populate(county, townships: int, per_township: int):
    today = timezone.localdate()
    made = []
    for t in range(townships):
        township = TownshipFactory(county=county)
        village = VillageFactory(township=township)
        district = ElectoralDistrictFactory(township=township, number=1)
        district.villages.add(village)
        staff = staff_of(township)
        department = DepartmentFactory(township=township)
        handler = UserFactory(township=township, county=county, role=Role.HANDLER, department=department)
        station = StationFactory(township=township)
        for i in range(per_township):
            deputy = deputy_with_account(township, district=district)
            station.deputies.add(deputy)
            DutyRecord.objects.create(deputy=deputy, kind=DutyKind.TRAINING, date=today, content="培训")
            s = services.suggestion_submit_public(
                township=township, kind=Kind.SUGGESTION, title=f"建议{i}", content="内容", village=village,
                submitter_name="张三", submitter_phone="13812345678", consent=True)
            s = services.suggestion_claim(actor=deputy.user, suggestion=s)
            s = services.suggestion_present(actor=deputy.user, suggestion=s, title="建议", content="内容")
            s = services.suggestion_dispatch(actor=staff, suggestion=s, lead_department=department)
            s = services.suggestion_sign(actor=handler, suggestion=s)
            services.suggestion_reply(actor=handler, suggestion=s, reply_class="A", text="已办理。")
            ReceptionRecord.objects.create(township=township, station=station, date=today)
            PresidiumMeeting.objects.create(township=township, date=today - datetime.timedelta(days=i), agenda="议题")
            CongressSessionFactory(township=township, number=i + 1, start_date=today, end_date=today)
        made.append(township)
    return made


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("view", ["county", "township", "records"])
def test_dashboard_queries_constant_in_townships_and_records(client, view):
    counties = []
    for townships, per in ((1, 1), (3, 3)):
        county = CountyFactory()
        made = populate(county, townships, per)
        viewer = county_viewer_of(county)
        client.force_login(viewer)
        if view == "county":
            url = reverse("dashboards:county")
        elif view == "township":
            url = reverse("dashboards:township", args=[made[0].slug])
        else:
            url = reverse("dashboards:records", args=["dispatched"]) + f"?township={made[0].slug}"
        counties.append(count_queries(client, url))
    small, large = counties
    assert small == large, f"{view}: {small} queries with 1 township, {large} with 3"
