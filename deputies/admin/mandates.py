"""Mandates (代表资格) as an inline of the deputy's page."""

from django import forms

from congress.admin_base import TownshipScopedInline

from ..models import Mandate, MandateStatus


class MandateInlineForm(forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["level", "term_number", "elected_on", "status", "status_date", "status_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") and cleaned["status"] != MandateStatus.ACTIVE:
            if not cleaned.get("status_date"):
                self.add_error("status_date", "终止代表资格须填写变更日期。")
            if not (cleaned.get("status_reason") or "").strip():
                self.add_error("status_reason", "终止代表资格须填写原因。")
        return cleaned


class MandateInline(TownshipScopedInline):
    """Mandates end with a status, a date and a reason; they are never deleted."""

    model = Mandate
    form = MandateInlineForm
    extra = 0
    can_delete = False
    verbose_name = "代表资格"
    verbose_name_plural = "代表资格(各层级、各届次;终止时填写状态、日期和原因,记录永久保留)"

    def has_delete_permission(self, request, obj=None):
        return False
