"""Private storage for applicant documents: STORAGES["private"], outside MEDIA_ROOT and without a URL."""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


def private_storage():
    """The storage of FileFields holding private files (a callable, so migrations name it, not its path)."""
    return _private_storage


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting in {"STORAGES", "PRIVATE_MEDIA_ROOT"}:
        _private_storage._wrapped = empty
