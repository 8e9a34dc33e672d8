"""Upload validation shared by every app: the type is decided by the content, never the name.

PDFs are parsed with pypdf (encrypted or unreadable ones are refused and kept byte for byte
otherwise); images are verified and re-encoded by Pillow, which drops their metadata and refuses
decompression bombs. Nothing here writes to storage: callers save `CleanFile.content` only after
the whole submission is valid, so a refused file is never kept.
"""

import hashlib
import io
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}

MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Images beyond this many pixels are refused before they are decoded (decompression bombs).
MAX_IMAGE_PIXELS = 40_000_000

# Pillow refuses outright to open images over twice this size.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

_SIGNATURES = [(b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG)]


@dataclass(frozen=True)
class CleanFile:
    """A validated upload, ready to be saved: `content` is what gets stored."""

    content: bytes
    content_type: str
    original_name: str
    width: int | None = None
    height: int | None = None

    @property
    def extension(self):
        return EXTENSIONS[self.content_type]

    @property
    def size(self):
        return len(self.content)

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()

    def as_content_file(self):
        return ContentFile(self.content, name=f"upload.{self.extension}")


def clean_filename(name, content_type):
    """The uploaded name made safe to show: no directories, control characters or null bytes."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().strip(".")
    stem, _ = os.path.splitext(name)
    stem = re.sub(r"[<>:\"|?*;&$`'%{}]", "_", stem)[:90].strip() or "document"
    return f"{stem}.{EXTENSIONS[content_type]}"


def sniff(head):
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def clean_upload(uploaded, *, allowed=(PDF, JPEG, PNG), max_size=MAX_UPLOAD_SIZE, max_dimensions=None):
    """Validate an UploadedFile and return a CleanFile, or raise ValidationError with a message
    that names the file and says what to do.

    `max_dimensions` (width, height) shrinks images to fit, keeping their proportions.
    """
    display_name = clean_filename(getattr(uploaded, "name", ""), PDF).rsplit(".", 1)[0]
    if uploaded.size > max_size:
        raise ValidationError(
            "“%(name)s” is %(size)s; each file may be at most %(limit)s.",
            code="file_too_large",
            params={"name": display_name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(max_size)},
        )
    if uploaded.size == 0:
        raise ValidationError("“%(name)s” is empty.", code="file_empty", params={"name": display_name})
    uploaded.seek(0)
    data = uploaded.read(max_size + 1)
    uploaded.seek(0)
    content_type = sniff(data[:16])
    if content_type not in allowed:
        raise ValidationError(
            "“%(name)s” is not a %(types)s file. Please upload %(types)s only.",
            code="file_type",
            params={"name": display_name, "types": _or(allowed)},
        )
    original_name = clean_filename(uploaded.name, content_type)
    if content_type == PDF:
        _check_pdf(data, display_name)
        return CleanFile(content=data, content_type=PDF, original_name=original_name)
    content, width, height = _reencode_image(data, content_type, display_name, max_dimensions)
    return CleanFile(
        content=content, content_type=content_type, original_name=original_name, width=width, height=height
    )


def _or(content_types):
    labels = [LABELS[c] for c in content_types]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _check_pdf(data, name):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ValidationError(
                    "“%(name)s” is password-protected. Please upload a copy without a password.",
                    code="pdf_encrypted",
                    params={"name": name},
                )
            page_count = len(reader.pages)
            for page in reader.pages:
                page.mediabox  # noqa: B018 - touching each page makes pypdf parse it
    except ValidationError:
        raise
    except Exception as error:  # pypdf raises many types for damaged files
        raise ValidationError(
            "“%(name)s” could not be read as a PDF; it may be damaged. Please export it again.",
            code="pdf_damaged",
            params={"name": name},
        ) from error
    if page_count == 0:
        raise ValidationError(
            "“%(name)s” has no pages. Please export it again.", code="pdf_damaged", params={"name": name}
        )


def _reencode_image(data, content_type, name, max_dimensions):
    broken = ValidationError(
        "“%(name)s” could not be read as an image; it may be damaged.", code="image_damaged", params={"name": name}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError(f"{width} x {height} pixels")
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            "“%(name)s” is too large to process. Please upload a smaller image.",
            code="image_too_many_pixels",
            params={"name": name},
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise broken from error
    image = ImageOps.exif_transpose(image)
    if max_dimensions:
        image.thumbnail(max_dimensions)
    output = io.BytesIO()
    # Saving without `exif`, `icc_profile` or text chunks drops all metadata; PNG transparency stays.
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    if content_type == JPEG:
        image.convert("RGB").save(output, format="JPEG", quality=88, optimize=True)
    else:
        if image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
            image = image.convert("RGBA")
        image.save(output, format="PNG", optimize=True)
    return output.getvalue(), image.width, image.height
