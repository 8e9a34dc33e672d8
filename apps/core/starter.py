"""Idempotent loading of starter content (every install) and sample data (`make run` only).

Each app may have a `starter.py` and a `sample.py` module with a `load(ledger)` function.
The ledger remembers every key it has loaded, so running a loader again neither recreates
what staff deleted nor touches what they edited.
"""

from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from .models import SiteSettings, StarterContent


class Ledger:
    def __init__(self, prefix):
        self.prefix = prefix
        self.created = 0
        self.skipped = 0
        self._loaded = set(StarterContent.objects.values_list("key", flat=True))

    def add(self, key, model, lookup, **values):
        """Create `model(**lookup, **values)` once under `key`; return it, or None if it was loaded before.

        An object that already matches `lookup` (made by staff before the loader ran) is kept as it is.
        """
        key = f"{self.prefix}:{key}"
        if key in self._loaded:
            self.skipped += 1
            return None
        obj, created = model.objects.get_or_create(**lookup, defaults=values)
        StarterContent.objects.create(key=key)
        self._loaded.add(key)
        self.created += int(created)
        self.skipped += int(not created)
        return obj if created else None

    def once(self, key, create):
        """Run `create()` once under `key`, for content that is not one object per key."""
        key = f"{self.prefix}:{key}"
        if key in self._loaded:
            self.skipped += 1
            return None
        result = create()
        StarterContent.objects.create(key=key)
        self._loaded.add(key)
        self.created += 1
        return result


def load_from_apps(module_name, prefix):
    """Call `<app>.<module_name>.load(ledger)` for every installed portal app, in INSTALLED_APPS order."""
    ledger = Ledger(prefix)
    with transaction.atomic():
        for app_config in apps.get_app_configs():
            if app_config.name.startswith("apps.") and module_has_submodule(app_config.module, module_name):
                import_module(f"{app_config.name}.{module_name}").load(ledger)
    return ledger


def load(ledger):
    ledger.add(
        "site-settings",
        SiteSettings,
        {"pk": 1},
        organisation_name="The Neurosequential Network",
        contact_phone="281-932-13759",
        footer_note="Special program projects, training and general inquiries: write to us or call.",
    )
