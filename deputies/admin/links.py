"""双联系: presidium members linked to deputies, deputies to the voters they contact."""

from django import forms
from django.contrib import admin

from congress.admin_base import TownshipScopedAdmin

from ..models import PresidiumLink, VoterContact
from .common import PhoneHidingMixin


class PresidiumLinkForm(forms.ModelForm):
    class Meta:
        model = PresidiumLink
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        member, deputy = cleaned.get("member"), cleaned.get("deputy")
        if member and not member.is_presidium_member:
            self.add_error("member", "该代表不是主席团成员。")
        if member and deputy:
            if member.pk == deputy.pk:
                self.add_error("deputy", "不能联系自己。")
            elif member.township_id != deputy.township_id:
                self.add_error("deputy", "只能联系本乡镇的代表。")
        return cleaned


@admin.register(PresidiumLink)
class PresidiumLinkAdmin(TownshipScopedAdmin):
    form = PresidiumLinkForm
    list_display = ["member", "deputy", "since", "note"]
    list_filter = [("member", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["member__name", "deputy__name"]
    autocomplete_fields = ["member", "deputy"]
    list_select_related = ["member", "deputy"]


@admin.register(VoterContact)
class VoterContactAdmin(PhoneHidingMixin, TownshipScopedAdmin):
    list_display = ["name", "deputy", "village", "phone_display", "since"]
    list_filter = [("deputy__group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "deputy__name", "address"]
    autocomplete_fields = ["deputy"]
    list_select_related = ["deputy", "village"]
