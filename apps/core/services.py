"""Every write to core's photographs. Replaced and deleted files leave storage after the commit."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from .models import Photo
from .photos import PreparedPhoto, photo_prepare


def _delete_files_after_commit(names):
    def delete():
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete, robust=True)


def _store(prepared):
    """Save every file of a prepared photograph under one new random key; return the field values."""
    key = uuid.uuid4().hex
    original = default_storage.save(
        f"photos/{key}.{prepared.original.extension}", ContentFile(prepared.original.content)
    )
    renditions = [
        {
            "name": default_storage.save(
                f"photos/{key}-{rendition.width}.{rendition.extension}", ContentFile(rendition.content)
            ),
            "width": rendition.width,
            "height": rendition.height,
            "format": rendition.format,
        }
        for rendition in prepared.renditions
    ]
    return {
        "image": original,
        "width": prepared.original.width,
        "height": prepared.original.height,
        "renditions": renditions,
    }


@transaction.atomic
def photo_save(*, photo, upload=None):
    """Validate and save a photograph (new or changed); with `upload`, store it and its renditions.

    `upload` is an uploaded file, or the PreparedPhoto that `photo_prepare` made of one (the admin
    form validates the upload first, so the renditions are not made twice). A new photograph needs
    one. Raises ValidationError, with nothing saved and no file kept, for a refused upload or
    invalid fields. The files of a replaced upload are deleted after the commit; the new files are
    deleted at once if the row cannot be saved.
    """
    if upload is None and not photo.image:
        raise ValidationError({"image": "Choose a photograph to upload."})
    photo.full_clean(exclude=["image", "width", "height", "renditions"], validate_constraints=False)
    prepared = upload if isinstance(upload, PreparedPhoto) or upload is None else photo_prepare(upload)
    previous = []
    if photo.pk:
        stored = Photo.objects.filter(pk=photo.pk).first()
        previous = stored.file_names() if stored else []
    if prepared is not None:
        for field, value in _store(prepared).items():
            setattr(photo, field, value)
    try:
        photo.save()
    except Exception:
        if prepared is not None:
            for name in photo.file_names():
                default_storage.delete(name)
        raise
    current = set(photo.file_names())
    _delete_files_after_commit([name for name in previous if name not in current])
    return photo


@transaction.atomic
def photo_delete(*, photo):
    """Delete a photograph and, after the commit, its files."""
    names = photo.file_names()
    photo.delete()
    _delete_files_after_commit(names)


@transaction.atomic
def photos_delete(*, photos):
    """Delete the photographs of a queryset and, after the commit, their files; return how many."""
    names = [name for photo in photos for name in photo.file_names()]
    count, _ = photos.delete()
    _delete_files_after_commit(names)
    return count
