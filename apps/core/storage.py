"""Private storage for applicant documents: STORAGES["private"], outside MEDIA_ROOT and without a URL."""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage with no public address: its files are read only by views that
    check permissions (FileSystemStorage would fall back to MEDIA_URL)."""

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


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
