"""Private storage for applicant documents (STORAGES["private"], outside MEDIA_ROOT and without a URL),
on disk or in an S3-compatible bucket, public media's bucket, and the static files' storage of production."""

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage
from whitenoise.storage import CompressedManifestStaticFilesStorage

# What a store raises when it cannot take or give a file: a full or read-only disk, or an object
# store that is down, unreachable, slow past the timeouts or refusing the credentials.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)

# The longest a presigned download link stays valid.
DOWNLOAD_URL_MAX_SECONDS = 60


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage with no public address: its files are read only by views that
    check permissions (FileSystemStorage would fall back to MEDIA_URL)."""

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


class _S3Options:
    # Path-style addresses (endpoint/bucket/key) work on every S3-compatible store, on an IP address
    # too; SigV4 is what they all accept. Short timeouts and few retries: a request waiting on a
    # store that is down should fail within seconds with a clear message, not hang a worker.
    client_config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        connect_timeout=5,
        read_timeout=30,
        retries={"mode": "standard", "max_attempts": 3},
    )
    # Generated names are never reused; an existing object is never replaced.
    file_overwrite = False
    # A file read back (a download) is buffered in memory up to this size, then on disk.
    max_memory_size = 2_621_440


class PrivateS3Storage(_S3Options, S3Storage):
    """Private files in an S3-compatible bucket that nobody may read anonymously: objects are
    written with the private ACL and get no plain URL. Staff read them through the permission-checked
    view, which streams them, or through `download_url()`, a link valid for a minute at most."""

    default_acl = "private"
    querystring_auth = True
    querystring_expire = DOWNLOAD_URL_MAX_SECONDS

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")

    def download_url(self, name, *, filename, content_type=None, expire=DOWNLOAD_URL_MAX_SECONDS):
        """A presigned GET of `name`, valid for `expire` seconds (at most a minute), that the store
        answers as an attachment called `filename`."""
        parameters = {"ResponseContentDisposition": content_disposition_header(as_attachment=True, filename=filename)}
        if content_type:
            parameters["ResponseContentType"] = content_type
        return super().url(name, parameters=parameters, expire=min(expire, DOWNLOAD_URL_MAX_SECONDS))


class PublicS3Storage(_S3Options, S3Storage):
    """Public media (logos, photographs, library PDFs) in an S3-compatible bucket, with plain URLs,
    under `custom_domain` when one is set. The portal serves these files through its own views, so
    the bucket needs no public read unless its URLs are used directly."""

    querystring_auth = False


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
