"""Admin base classes that apply township tenancy and the rules permissions to every model."""

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .tenancy import scope_to_user


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


class TownshipScopedAdmin(
    ObjectPermissionsModelAdminMixin, ScopedFormFieldsMixin, SimpleHistoryAdmin
):
    """Lists, opens, changes and deletes only what the rules allow the user; the county viewer
    gets read-only pages and a 403 for every write."""

    list_per_page = 50

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
