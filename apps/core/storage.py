"""Private storage for applicant documents (STORAGES["private"], outside MEDIA_ROOT and without a URL),
and the static files' storage of production."""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from whitenoise.storage import CompressedManifestStaticFilesStorage


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


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, remembering the URL of each name it was asked for:
    the manifest does not change while the process runs, and every page asks for fifteen or more
    URLs, each a manifest lookup and two URL joins (about a tenth of a small page's render)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        if (url := self._urls.get(name)) is None:
            url = self._urls[name] = super().url(name)
        return url
