"""Pieces the deputies' admin screens share: the xlsx download response and phone masking."""

from django.contrib import admin
from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _phone_for(request, obj, phone: str) -> str:
    """The number for readers allowed to see it (``deputies.view_deputy_phone``), else masked."""
    from congress.validators import mask_phone

    if request.user.has_perm("deputies.view_deputy_phone", obj):
        return phone
    return mask_phone(phone)


class PhoneHidingMixin:
    """Shows the ``phone`` field only to readers allowed to see it; the county viewer and
    others get a masked, read-only ``手机号码`` (on the history pages too, which build their
    form from the same fieldsets). In the list, the ``"phone_display"`` column is masked per
    row the same way."""

    def _hides_phone(self, request, obj) -> bool:
        return not request.user.has_perm("deputies.view_deputy_phone", obj)

    def get_list_display(self, request):
        def phone_display(obj):
            return _phone_for(request, obj, obj.phone)

        phone_display.short_description = self.model._meta.get_field("phone").verbose_name
        return [
            phone_display if f == "phone_display" else f for f in super().get_list_display(request)
        ]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self._hides_phone(request, obj):
            fields = ["masked_phone_display" if f == "phone" else f for f in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._hides_phone(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **opts,
                    "fields": [
                        "masked_phone_display" if f == "phone" else f for f in opts["fields"]
                    ],
                },
            )
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._hides_phone(request, obj):
            readonly.append("masked_phone_display")
        return readonly

    @admin.display(description="手机号码")
    def masked_phone_display(self, obj):
        return obj.masked_phone if obj else ""

    @admin.display(description="手机号码")
    def phone_display(self, obj):
        # Stands in for the system checks; get_list_display puts the per-request column here.
        return obj.masked_phone
