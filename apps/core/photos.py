"""Photographs: an upload checked by `clean_upload`, then the WebP renditions and JPEG fallback made by Pillow.

Nothing here writes to storage: `photo_prepare` returns the bytes of every file, and
`apps.core.services.photo_save` stores them, so a refused upload never leaves a file behind.
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image

from .uploads import JPEG, PNG, CleanFile, clean_upload

MAX_SIZE = 10 * 1024 * 1024
# Narrower photographs would look blurred across a desktop page's main column.
MIN_WIDTH = 800
WEBP_WIDTHS = (480, 960, 1440, 1920)
FALLBACK_WIDTH = 960
QUALITY = 80
# What a transparent PNG's transparent parts become once flattened for WebP and JPEG.
BACKGROUND = (255, 255, 255)
FORMATS = {"webp": ("WEBP", {"quality": QUALITY, "method": 6}), "jpeg": ("JPEG", {"quality": QUALITY})}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg"}


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    format: str  # "webp" or "jpeg"
    content: bytes

    @property
    def extension(self):
        return EXTENSIONS[self.format]


@dataclass(frozen=True)
class PreparedPhoto:
    """A valid photograph and every file made of it, not yet stored."""

    original: CleanFile
    renditions: tuple[Rendition, ...]


def rendition_widths(width):
    """The WebP widths for an original `width` pixels wide: the standard ones below it, then the
    original's own width (at most the largest standard one). Never wider than the original."""
    below = [w for w in WEBP_WIDTHS if w < width]
    return below if width > WEBP_WIDTHS[-1] else [*below, width]


def photo_prepare(upload):
    """Validate an uploaded photograph and make its renditions, or raise ValidationError.

    `clean_upload` decides the type by content (JPEG or PNG), refuses decompression bombs, applies
    the EXIF orientation (`ImageOps.exif_transpose`) and re-encodes without metadata; the
    renditions are made from that clean copy, in RGB, so they carry no metadata either.
    """
    original = clean_upload(upload, allowed=(JPEG, PNG), max_size=MAX_SIZE)
    if original.width < MIN_WIDTH:
        raise ValidationError(
            "“%(name)s” is %(width)d pixels wide; a photograph must be at least %(minimum)d pixels "
            "wide to look sharp on large screens.",
            code="image_too_narrow",
            params={"name": original.original_name.rsplit(".", 1)[0], "width": original.width, "minimum": MIN_WIDTH},
        )
    image = _flatten(Image.open(io.BytesIO(original.content)))
    renditions = [_render(image, width, "webp") for width in rendition_widths(original.width)]
    renditions.append(_render(image, min(FALLBACK_WIDTH, original.width), "jpeg"))
    return PreparedPhoto(original=original, renditions=tuple(renditions))


def _flatten(image):
    image.load()
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _render(image, width, format):
    height = max(1, round(image.height * width / image.width))
    resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
    pillow_format, options = FORMATS[format]
    output = io.BytesIO()
    resized.save(output, format=pillow_format, **options)
    return Rendition(width=width, height=resized.height, format=format, content=output.getvalue())
