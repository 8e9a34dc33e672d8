import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from apps.core.uploads import JPEG, PDF, PNG, clean_filename, clean_upload
from tests import files


def test_valid_pdf_is_kept_byte_for_byte():
    data = files.pdf_bytes(pages=2)

    clean = clean_upload(files.upload("My CV.pdf", data))

    assert (clean.content_type, clean.original_name, clean.extension) == (PDF, "My CV.pdf", "pdf")
    assert clean.content == data
    assert clean.size == len(data)


def test_pdf_renamed_png_is_taken_for_what_its_content_is():
    clean = clean_upload(files.upload("scan.png", files.pdf_bytes(), "image/png"))

    assert (clean.content_type, clean.original_name) == (PDF, "scan.pdf")


def test_png_is_reencoded_without_its_metadata():
    data = files.png_bytes(text_metadata={"Author": "Jane Doe", "Location": "51.5,-0.1"})

    clean = clean_upload(files.upload("photo.png", data))

    assert clean.content_type == PNG
    assert b"Jane Doe" not in clean.content and b"Location" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).size == (64, 48)


def test_jpeg_is_reencoded_without_exif():
    data = files.jpeg_bytes(exif_comment="Home address 12 Elm St")
    assert b"Home address" in data

    clean = clean_upload(files.upload("licence.jpeg", data))

    assert clean.content_type == JPEG
    assert b"Home address" not in clean.content and b"Secret Author" not in clean.content
    assert clean.original_name == "licence.jpg"


def test_images_can_be_shrunk_to_fit():
    clean = clean_upload(files.upload("logo.png", files.png_bytes(size=(2000, 1000))), max_dimensions=(400, 400))

    assert (clean.width, clean.height) == (400, 200)


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        (
            "setup.pdf",
            files.exe_bytes(),
            "file_type",
            "“setup” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only.",
        ),
        (
            "logo.svg",
            files.svg_bytes(),
            "file_type",
            "“logo” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only.",
        ),
        (
            "page.html",
            files.html_bytes(),
            "file_type",
            "“page” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only.",
        ),
        (
            "locked.pdf",
            files.encrypted_pdf_bytes(),
            "pdf_encrypted",
            "“locked” is password-protected. Please upload a copy without a password.",
        ),
        (
            "broken.pdf",
            files.broken_pdf_bytes(),
            "pdf_damaged",
            "“broken” could not be read as a PDF; it may be damaged. Please export it again.",
        ),
        (
            "bomb.png",
            files.bomb_png_bytes(),
            "image_too_many_pixels",
            "“bomb” is too large to process. Please upload a smaller image.",
        ),
        (
            "half.png",
            files.png_bytes()[:60],
            "image_damaged",
            "“half” could not be read as an image; it may be damaged.",
        ),
        ("empty.pdf", b"", "file_empty", "“empty” is empty."),
    ],
)
def test_hostile_and_broken_files_are_refused_with_a_clear_message(name, content, code, message):
    with pytest.raises(ValidationError) as refused:
        clean_upload(files.upload(name, content))

    assert refused.value.code == code
    assert refused.value.messages == [message]


def test_files_over_the_size_limit_are_refused_before_reading():
    big = files.upload("big.pdf", files.pdf_bytes(padding=11 * 1024 * 1024))

    with pytest.raises(ValidationError) as refused:
        clean_upload(big)

    assert refused.value.messages == ["“big” is 11.0\xa0MB; each file may be at most 10.0\xa0MB."]


def test_allowed_types_can_be_narrowed():
    with pytest.raises(ValidationError) as refused:
        clean_upload(files.upload("doc.pdf", files.pdf_bytes()), allowed=(JPEG, PNG))

    assert refused.value.messages == ["“doc” is not a JPEG or PNG file. Please upload JPEG or PNG only."]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("cv\x00.exe.pdf", "cv.exe.pdf"),
        ("<script>alert(1)</script>.pdf", "script_.pdf"),
        ("a<b>c;rm.pdf", "a_b_c_rm.pdf"),
        ("", "document.pdf"),
        ("..", "document.pdf"),
        ("Résumé – Zoë.pdf", "Résumé – Zoë.pdf"),
    ],
)
def test_uploaded_names_are_cleaned(name, expected):
    assert clean_filename(name, PDF) == expected


def test_private_storage_never_hands_out_a_url():
    from apps.core.storage import private_storage

    with pytest.raises(ValueError, match="Private files have no URL"):
        private_storage().url("applications/2026/11/abc.pdf")
