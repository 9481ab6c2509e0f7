"""Mandates (代表资格) as an inline of the deputy's page. The inline validates with the mandate
service's rules and the deputy admin saves each row through ``mandate_create`` /
``mandate_update`` (see ``DeputyAdmin.save_formset``), so the admin writes history with the actor
like every other door."""

from django import forms

from congress.admin_base import TownshipScopedInline

from ..models import Mandate
from ..services import MANDATE_FIELDS, DeputyError, mandate_create, mandate_update, mandate_validate


class MandateInlineForm(forms.ModelForm):
    class Meta:
        model = Mandate
        fields = list(MANDATE_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if self.errors or not self.has_changed():
            return cleaned
        candidate = Mandate(
            pk=self.instance.pk,
            deputy_id=self.instance.deputy_id,
            **{name: cleaned.get(name) for name in MANDATE_FIELDS},
        )
        try:
            mandate_validate(candidate)
        except DeputyError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


class MandateFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or data.get("status") != "active":
                continue
            key = (data.get("level"), data.get("term_number"))
            if key in seen:
                raise forms.ValidationError("同一层级、同一届次只能有一条在任的代表资格。")
            seen.add(key)


def save_mandate_formset(*, actor, deputy, formset) -> None:
    """Each new or changed row through the mandate services (nothing is ever deleted). Fills
    the formset's ``new_objects``/``changed_objects`` for the admin's change message."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if not form.has_changed() or not getattr(form, "cleaned_data", None):
            continue
        if form.instance.pk:
            formset.changed_objects.append((form.instance, form.changed_data))
            mandate_update(
                actor=actor,
                mandate=form.instance,
                **{name: form.cleaned_data[name] for name in MANDATE_FIELDS},
            )
        else:
            formset.new_objects.append(
                mandate_create(
                    actor=actor,
                    deputy=deputy,
                    **{name: form.cleaned_data[name] for name in MANDATE_FIELDS},
                )
            )


class MandateInline(TownshipScopedInline):
    """Mandates end with a status, a date and a reason; they are never deleted."""

    model = Mandate
    form = MandateInlineForm
    formset = MandateFormSet
    extra = 0
    can_delete = False
    verbose_name = "代表资格"
    verbose_name_plural = "代表资格(各层级、各届次;终止时填写状态、日期和原因,记录永久保留)"

    def has_delete_permission(self, request, obj=None):
        return False
