"""Admin base classes that apply township tenancy and the rules permissions to every model."""

import datetime
from functools import cache

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Max, Min
from django.db.models.functions import Coalesce
from django.utils import timezone
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .pagination import EstimatedCountPaginator
from .tenancy import scope_to_user
from .uploads import PhotoValidator, document_validator


def _is_scoped(model) -> bool:
    return hasattr(model, "TOWNSHIP_FIELD") or hasattr(model, "COUNTY_FIELD")


class ScopedFormFieldsMixin:
    """Offer only the related rows the user may read in every foreign key and many-to-many."""

    def _scope_field(self, formfield, db_field, request):
        if formfield is not None and _is_scoped(db_field.related_model):
            formfield.queryset = scope_to_user(formfield.queryset, request.user)
            if not db_field.null and not db_field.many_to_many:
                choices = list(formfield.queryset[:2])
                if len(choices) == 1:
                    formfield.initial = choices[0].pk
                    formfield.empty_label = None
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._scope_field(formfield, db_field, request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Every file input checks the upload by content (a clear message, never a 500 from
        the storage's own check)."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.FileField):
            check = PhotoValidator() if isinstance(db_field, models.ImageField) else document_validator
            formfield.validators.append(check)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._scope_field(formfield, db_field, request)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A sidebar filter on a related model that lists only rows the user may read."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        if not _is_scoped(related):
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        qs = scope_to_user(related._default_manager.all(), request.user)
        if ordering:
            qs = qs.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in qs]


def _scoped_list_filter(model, list_filter, user):
    """Use scoped choices for related filters; drop the township filter for a user who can
    only ever see one township."""
    result = []
    for item in list_filter:
        if isinstance(item, str) and "__" not in item:
            try:
                field = model._meta.get_field(item)
            except Exception:
                result.append(item)
                continue
            if field.is_relation and _is_scoped(field.related_model):
                if item == "township" and user.township_id and not user.is_superuser:
                    continue
                result.append((item, ScopedRelatedFieldListFilter))
                continue
        result.append(item)
    return result


class ReadOnlyAdminMixin:
    """A list nobody adds to, changes or deletes from in the admin (logs, audit rows)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's pages, read-only for everyone.

    The library's version form (``<pk>/history/<version>/``) saves whatever is POSTed after
    checking only the *view* permission, a side door past the services and the change
    permission. Here it shows the old version with every field read-only and refuses any write;
    a version is restored by editing the record through its normal change page. Models that keep
    no history table get Django's own history page (the admin log) instead of a 500.
    """

    def _keeps_history(self) -> bool:
        return bool(getattr(self.model._meta, "simple_history_manager_attribute", None))

    def get_urls(self):
        if not self._keeps_history():
            return admin.ModelAdmin.get_urls(self)
        return super().get_urls()

    def history_view(self, request, object_id, extra_context=None):
        if not self._keeps_history():
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("历史版本只能查看,不能在此修改或恢复;请在记录的修改页面按正常流程修改。")
        request._history_read_only = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not getattr(request, "_history_read_only", False):
            return fields
        names = [
            f.name
            for f in self.model._meta.get_fields()
            if (f.concrete or f.many_to_many) and not f.auto_created and f.editable
        ]
        return tuple(dict.fromkeys([*fields, *names]))


class _PeriodsFromBoundsMixin:
    """``dates()``/``datetimes()`` by year or month answered from MIN and MAX of the field (two
    index lookups), listing every period between them, instead of a DISTINCT over every row —
    which is what the admin's date hierarchy asks for, and at a million rows takes seconds. A
    period with no rows may be listed; choosing it shows an empty list. Days stay exact."""

    def dates(self, field_name, kind, order="ASC"):
        if kind not in ("year", "month"):
            return super().dates(field_name, kind, order)
        return self._periods(field_name, kind, order)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in ("year", "month"):
            return super().datetimes(field_name, kind, order, tzinfo)
        return self._periods(field_name, kind, order)

    def aggregate(self, *args, **kwargs):
        # Django's date_hierarchy tag and ``_periods`` below both ask this list for MIN and MAX
        # of the same field: ask the database once.
        key = None if args else repr(sorted(kwargs.items()))
        cache = self.__dict__.setdefault("_aggregates", {})
        if key is not None and key in cache:
            return dict(cache[key])
        result = self._aggregate(*args, **kwargs)
        if key is not None:
            cache[key] = dict(result)
        return result

    def _aggregate(self, *args, **kwargs):
        if getattr(self, "_bounds_by_scan", False):
            # A search (the date hierarchy's MIN/MAX, here and in Django's tag): the few matching
            # rows are found by their own (trigram) indexes. MIN/MAX of the bare field would let
            # PostgreSQL walk the field's index from one end, testing the search on each row —
            # seconds at a million rows for a rare term.
            kwargs = {
                k: type(v)(Coalesce(v.source_expressions[0], v.source_expressions[0]))
                if isinstance(v, (Min, Max)) and len(v.source_expressions) == 1 else v
                for k, v in kwargs.items()
            }
        return super().aggregate(*args, **kwargs)

    def _periods(self, field_name, kind, order):
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        first, last = bounds["first"], bounds["last"]
        if first is None or last is None:
            return []
        first, last = (
            (timezone.localtime(v) if timezone.is_aware(v) else v).date()
            if isinstance(v, datetime.datetime) else v
            for v in (first, last)
        )
        if kind == "year":
            periods = [datetime.date(y, 1, 1) for y in range(first.year, last.year + 1)]
        else:
            periods = []
            year, month = first.year, first.month
            while (year, month) <= (last.year, last.month):
                periods.append(datetime.date(year, month, 1))
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return periods[::-1] if order == "DESC" else periods


@cache
def _with_periods_from_bounds(queryset_class):
    return type(queryset_class.__name__, (_PeriodsFromBoundsMixin, queryset_class), {})


class TownshipScopedAdmin(
    ObjectPermissionsModelAdminMixin, ScopedFormFieldsMixin, ReadOnlyHistoryAdmin
):
    """Lists, opens, changes and deletes only what the rules allow the user; the county viewer
    gets read-only pages and a 403 for every write."""

    list_per_page = 50
    # Long lists: no second COUNT(*) of the whole table for "(N 总数)", and the planner's
    # estimate instead of an exact count once the list is large (PostgreSQL).
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def _perm(self, action: str) -> str:
        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"

    def has_module_permission(self, request):
        return request.user.has_perm(self._perm("view"))

    def has_add_permission(self, request, *args):
        return request.user.has_perm(self._perm("add"))

    def get_queryset(self, request):
        return scope_to_user(super().get_queryset(request), request.user)

    def get_list_filter(self, request):
        return _scoped_list_filter(self.model, super().get_list_filter(request), request.user)

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if not self.date_hierarchy:
            return changelist

        class DateHierarchyFromBounds(changelist):
            def get_queryset(self, request, exclude_parameters=None):
                qs = super().get_queryset(request, exclude_parameters)
                qs.__class__ = _with_periods_from_bounds(qs.__class__)
                qs._bounds_by_scan = bool(self.query)
                return qs

        return DateHierarchyFromBounds


class TownshipScopedInline(ScopedFormFieldsMixin, admin.TabularInline):
    """An inline that follows its parent's permissions."""

    extra = 0

    def _parent_perm(self, request, action, obj):
        opts = self.parent_model._meta
        return request.user.has_perm(
            f"{opts.app_label}.{get_permission_codename(action, opts)}", obj
        )

    def has_view_permission(self, request, obj=None):
        return self._parent_perm(request, "view", obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_perm(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_perm(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_perm(request, "change", obj)
