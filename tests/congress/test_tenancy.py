"""Township isolation in the admin, and the county viewer's read-only access."""

import pytest
from django.urls import reverse

from congress.models import Department, ElectoralDistrict, Term, User, Village
from congress.tenancy import scope_to_user

MODELS = ["village", "electoraldistrict", "department", "term", "user"]


def admin_url(name, action, *args):
    return reverse(f"admin:congress_{name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS)
def test_staff_list_shows_only_own_township(client, world, model):
    client.force_login(world.staff_a)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    own, other = world.records["a"][model], world.records["b"][model]
    ids = {obj.pk for obj in response.context["cl"].result_list}
    assert own.pk in ids
    assert other.pk not in ids


@pytest.mark.parametrize("model", MODELS)
def test_staff_cannot_open_other_township_record_by_url(client, world, model):
    client.force_login(world.staff_a)
    other = world.records["b"][model]
    response = client.get(admin_url(model, "change", other.pk))
    # The admin answers "does not exist" (redirect to the index) without any of its data.
    assert response.status_code in (302, 404)
    assert str(other) not in response.content.decode()
    history = client.get(admin_url(model, "history", other.pk))
    assert history.status_code in (302, 403, 404)


@pytest.mark.parametrize("model", ["village", "electoraldistrict", "department", "term"])
def test_staff_cannot_change_or_delete_other_township_record(client, world, model):
    client.force_login(world.staff_a)
    other = world.records["b"][model]
    before = str(other)
    client.post(admin_url(model, "change", other.pk), {"name": "被篡改"})
    client.post(admin_url(model, "delete", other.pk), {"post": "yes"})
    other.refresh_from_db()
    assert str(other) == before


def test_staff_cannot_create_record_in_other_township(client, world):
    client.force_login(world.staff_a)
    response = client.post(
        admin_url("village", "add"), {"township": world.b.pk, "name": "越权新村", "kind": "village"}
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "township" in response.context["adminform"].form.errors
    assert not Village.objects.filter(name="越权新村").exists()


def test_staff_can_edit_own_township(client, world):
    client.force_login(world.staff_a)
    village = world.records["a"]["village"]
    response = client.post(
        admin_url("village", "change", village.pk),
        {"township": world.a.pk, "name": "甲镇更名村", "kind": "village"},
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.name == "甲镇更名村"
    # The change is audited with who made it.
    assert village.history.latest().history_user == world.staff_a


def test_county_viewer_reads_every_township(client, world):
    client.force_login(world.viewer)
    response = client.get(admin_url("village", "changelist"))
    assert response.status_code == 200
    ids = {obj.pk for obj in response.context["cl"].result_list}
    assert {world.records["a"]["village"].pk, world.records["b"]["village"].pk} <= ids
    detail = client.get(admin_url("village", "change", world.records["b"]["village"].pk))
    assert detail.status_code == 200
    assert "保存" not in detail.content.decode()


@pytest.mark.parametrize("model", ["village", "electoraldistrict", "department", "term", "user"])
def test_county_viewer_every_write_is_403(client, world, model):
    client.force_login(world.viewer)
    obj = world.records["a"][model]
    before = str(obj)
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "add"), {"name": "x"}).status_code == 403
    assert client.post(admin_url(model, "change", obj.pk), {"name": "x"}).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    obj.refresh_from_db()
    assert str(obj) == before


def test_county_viewer_portal_write_is_403_but_inbox_works(client, world):
    client.force_login(world.viewer)
    assert client.post(reverse("admin:congress_village_changelist"), {"action": "delete_selected"}).status_code == 403
    assert client.post(reverse("portal:notifications_read")).status_code == 302


def test_other_county_viewer_sees_nothing(client, world):
    from tests.factories import CountyFactory, county_viewer_of

    stranger = county_viewer_of(CountyFactory(), username="stranger")
    assert not scope_to_user(Village.objects.all(), stranger).exists()
    assert not stranger.has_perm("congress.view_village", world.records["a"]["village"])


def test_scope_to_user_for_each_role(world):
    a_village = world.records["a"]["village"]
    assert list(scope_to_user(Village.objects.all(), world.staff_a)) == [a_village]
    assert scope_to_user(ElectoralDistrict.objects.all(), world.viewer).count() == 2
    assert scope_to_user(Term.objects.all(), world.staff_b).get().township == world.b
    assert world.staff_b not in scope_to_user(User.objects.all(), world.staff_a)


def test_county_departments_are_visible_to_every_township(world):
    county_department = Department.objects.create(
        county=world.county, township=None, name="县交通运输局", kind=Department.Kind.COUNTY
    )
    visible = scope_to_user(Department.objects.all(), world.staff_a)
    assert county_department in visible
    assert world.records["b"]["department"] not in visible
    assert world.staff_a.has_perm("congress.view_department", county_department)
    assert not world.staff_a.has_perm("congress.change_department", county_department)


def test_deputy_cannot_use_admin(client, world):
    from congress.roles import Role
    from tests.factories import staff_of

    deputy = staff_of(world.a, role=Role.DEPUTY, username="deputy_a")
    client.force_login(deputy)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_cannot_make_a_county_viewer_or_superuser(client, world):
    client.force_login(world.staff_a)
    response = client.get(admin_url("user", "add"))
    roles = [value for value, _ in response.context["adminform"].form.fields["role"].choices]
    assert "county_viewer" not in roles and "chair" not in roles
    assert "is_superuser" not in response.context["adminform"].form.fields


def test_admin_filters_offer_only_own_township_choices(client, world):
    client.force_login(world.staff_a)
    html = client.get(admin_url("electoraldistrict", "changelist")).content.decode()
    assert world.b.name not in html
    client.force_login(world.viewer)
    html = client.get(admin_url("electoraldistrict", "changelist")).content.decode()
    assert world.a.name in html and world.b.name in html
