"""Field-level history (django-simple-history) for reading only."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import ForeignKey
from simple_history.models import DeletedObject, ModelChange, ModelDelta

# Bookkeeping that changes with every save and says nothing to a reader.
UNSHOWN_FIELDS = {"id", "created_at", "updated_at"}


def _display(record, field):
    """A field's value as a reader wants it: labels of choices, related objects rather than ids."""
    if isinstance(field, ForeignKey):
        raw = getattr(record, field.attname)
        if raw is None:
            return None
        try:
            return getattr(record, field.name) or DeletedObject(field.related_model, raw)
        except ObjectDoesNotExist:
            return DeletedObject(field.related_model, raw)
    value = getattr(record, field.attname)
    if field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    return value


def delta_between(new_record, old_record):
    """The changes from `old_record` to `new_record` in every tracked field.

    simple-history's own `diff_against` compares only the fields a form may edit, which would hide
    exactly what matters here: status, reference and decision dates are never form-editable."""
    changes = []
    for field in new_record.tracked_fields:
        if field.name in UNSHOWN_FIELDS:
            continue
        if getattr(old_record, field.attname) != getattr(new_record, field.attname):
            changes.append(ModelChange(field.name, _display(old_record, field), _display(new_record, field)))
    return ModelDelta(changes, [change.field for change in changes], old_record, new_record)


class ReadOnlyHistoryMixin:
    """History pages that list every tracked field's changes and never revert: a revert would
    write status behind the services' back."""

    object_history_list_template = "admin/certifications/object_history_list.html"

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None:
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta_between(previous, current))
            previous = current
