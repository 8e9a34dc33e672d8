"""Staff photographs: renditions, validation, files in storage, the file view, the include and the admin."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.template.loader import render_to_string
from PIL import Image

from apps.core.models import Photo
from apps.core.photos import rendition_widths
from apps.core.services import photo_delete, photo_save
from tests import files
from tests.factories import make_photo
from tests.html import elements

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/core/photo/"
ADD = "/admin/core/photo/add/"
FORM = {
    "title": "Play therapy room",
    "alt_text": "A therapist and a young child building a tower of blocks on the floor.",
    "credit": "Photo: Jo Smith, CC BY 4.0",
    "_save": "Save",
}


def _open(name):
    with default_storage.open(name) as stored:
        data = stored.read()
    return data, Image.open(io.BytesIO(data))


def _stored():
    """Every file under photos/ in the test's media folder."""
    return sorted(default_storage.listdir("photos")[1]) if default_storage.exists("photos") else []


def _halves_jpeg(size, *, orientation=None):
    """A JPEG whose left half is red and right half blue, with camera metadata and an EXIF orientation."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x013B] = "Secret Author"  # Artist
    exif[0x010F] = "Camera Maker"  # Make
    if orientation:
        exif[0x0112] = orientation
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif.tobytes(), quality=95)
    return output.getvalue()


# Renditions


def test_renditions_are_webp_at_each_width_below_the_original_and_one_jpeg_at_960():
    photo = make_photo(size=(2400, 1600))

    made = [(r["format"], r["width"], r["height"]) for r in photo.renditions]
    opened = []
    for rendition in photo.renditions:
        _, image = _open(rendition["name"])
        opened.append((image.format, image.size))

    assert made == [
        ("webp", 480, 320),
        ("webp", 960, 640),
        ("webp", 1440, 960),
        ("webp", 1920, 1280),
        ("jpeg", 960, 640),
    ]
    assert opened == [
        ("WEBP", (480, 320)),
        ("WEBP", (960, 640)),
        ("WEBP", (1440, 960)),
        ("WEBP", (1920, 1280)),
        ("JPEG", (960, 640)),
    ]
    assert (photo.width, photo.height) == (2400, 1600)
    assert _open(photo.image.name)[1].format == "PNG"


@pytest.mark.parametrize(
    ("width", "widths"),
    [
        (800, [480, 800]),
        (960, [480, 960]),
        (1000, [480, 960, 1000]),
        (1920, [480, 960, 1440, 1920]),
        (4000, [480, 960, 1440, 1920]),
    ],
)
def test_rendition_widths_stop_at_the_original_or_1920(width, widths):
    assert rendition_widths(width) == widths


def test_a_small_original_is_never_upscaled():
    photo = make_photo(size=(850, 600))

    made = [(r["format"], r["width"], r["height"]) for r in photo.renditions]
    opened = [_open(r["name"])[1].size for r in photo.renditions]

    assert made == [("webp", 480, 339), ("webp", 850, 600), ("jpeg", 850, 600)]
    assert opened == [(480, 339), (850, 600), (850, 600)]


def test_files_are_named_by_a_random_key_never_by_the_upload():
    photo = make_photo(size=(1000, 800))

    key = photo.image.name.removeprefix("photos/").removesuffix(".png")

    assert len(key) == 32 and set(key) <= set("0123456789abcdef")
    assert photo.file_names() == [
        f"photos/{key}.png",
        f"photos/{key}-480.webp",
        f"photos/{key}-960.webp",
        f"photos/{key}-1000.webp",
        f"photos/{key}-960.jpg",
    ]
    assert _stored() == sorted(name.removeprefix("photos/") for name in photo.file_names())


def test_exif_orientation_is_applied_and_metadata_stripped():
    # Orientation 6: the camera was turned; shown upright, the red left half is at the top.
    photo = make_photo(content=_halves_jpeg((1200, 900), orientation=6))

    assert (photo.width, photo.height) == (900, 1200)
    for name in photo.file_names():
        data, image = _open(name)
        rgb = image.convert("RGB")
        top, bottom = rgb.getpixel((image.width // 2, 5)), rgb.getpixel((image.width // 2, image.height - 5))
        assert image.height > image.width
        assert (top[0] > 200 and top[2] < 60, bottom[2] > 200 and bottom[0] < 60) == (True, True)
        assert (b"Secret Author" in data, b"Camera Maker" in data, dict(image.getexif())) == (False, False, {})


def test_a_transparent_png_is_flattened_on_white():
    image = Image.new("RGBA", (1000, 800), (0, 0, 0, 0))
    output = io.BytesIO()
    image.save(output, format="PNG")

    photo = make_photo(content=output.getvalue())

    _, webp = _open(photo.renditions[0]["name"])
    assert (webp.mode, webp.getpixel((10, 10))) == ("RGB", (255, 255, 255))


# Alt text


def test_the_database_refuses_a_photo_without_alt_text_that_is_not_decorative():
    photo = make_photo(size=(1000, 800))

    with pytest.raises(IntegrityError):
        Photo.objects.filter(pk=photo.pk).update(alt_text="")


def test_the_service_refuses_invalid_fields_before_storing_anything():
    upload = files.upload("room.png", files.png_bytes(size=(1000, 800)))

    with pytest.raises(ValidationError) as error:
        photo_save(photo=Photo(title="Room", alt_text=""), upload=upload)

    assert error.value.message_dict == {
        "alt_text": ["Describe the photograph for people who cannot see it, or mark it as decorative."]
    }
    assert (Photo.objects.count(), _stored()) == (0, [])


# Refused uploads


def test_the_service_refuses_a_pdf_and_stores_nothing():
    upload = files.upload("room.jpg", files.pdf_bytes())

    with pytest.raises(ValidationError) as error:
        photo_save(photo=Photo(title="Room", alt_text="A room."), upload=upload)

    assert error.value.messages == ["“room” is not a JPEG or PNG file. Please upload JPEG or PNG only."]
    assert (Photo.objects.count(), _stored()) == (0, [])


# Replacing and deleting


def test_deleting_a_photo_deletes_its_files_after_the_commit(django_capture_on_commit_callbacks):
    photo = make_photo(size=(1000, 800))
    kept = make_photo(size=(1000, 800))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo_delete(photo=photo)
    before_commit = len(_stored())
    for callback in callbacks:
        callback()

    assert (before_commit, Photo.objects.get()) == (10, kept)
    assert _stored() == sorted(name.removeprefix("photos/") for name in kept.file_names())


# The file view


def test_every_file_of_a_photo_is_served_with_long_caching_and_nosniff(client):
    photo = make_photo(size=(1000, 800))
    types = {"png": "image/png", "webp": "image/webp", "jpg": "image/jpeg"}

    for name in photo.file_names():
        response = client.get(f"/media/{name}")

        assert response.status_code == 200
        assert (response["Content-Type"], response["Cache-Control"], response["X-Content-Type-Options"]) == (
            types[name.rsplit(".", 1)[1]],
            "public, max-age=31536000, immutable",
            "nosniff",
        )
        assert b"".join(response.streaming_content) == _open(name)[0]


@pytest.mark.parametrize(
    "name",
    [
        "../../settings.py",
        "0123456789abcdef0123456789abcdef.svg",
        "notaphoto.png",
        "0123456789abcdef0123456789abcdef.png",
        "0123456789abcdef0123456789abcdef-480.webp",
        "{key}-1440.webp",
        "{key}.jpg",
    ],
)
def test_the_file_view_serves_nothing_but_a_photos_files(client, name):
    photo = make_photo(size=(1000, 800))
    key = photo.image.name.removeprefix("photos/").removesuffix(".png")
    # Files in photos/ that no photograph lists: a stray one, and names of the key it never made.
    for stray in ["0123456789abcdef0123456789abcdef.png", "0123456789abcdef0123456789abcdef-480.webp"]:
        default_storage.save(f"photos/{stray}", ContentFile(files.png_bytes()))
    default_storage.save(f"photos/{key}-1440.webp", ContentFile(files.png_bytes()))

    assert client.get(f"/media/photos/{name.format(key=key)}").status_code == 404


def test_a_listed_file_missing_from_storage_is_not_found(client):
    photo = make_photo(size=(1000, 800))
    default_storage.delete(photo.renditions[0]["name"])

    assert client.get(photo.smallest_url).status_code == 404


# The include


def test_the_include_renders_the_webp_srcset_the_jpeg_fallback_and_the_credit():
    photo = make_photo(size=(2000, 1000), alt_text="A therapist and a child reading together.", credit="Photo: Jo")
    key = photo.image.name.removeprefix("photos/").removesuffix(".png")

    html = render_to_string("includes/photo.html", {"photo": photo})

    assert elements(html, "source")[0][1] == {
        "type": "image/webp",
        "srcset": f"/media/photos/{key}-480.webp 480w, /media/photos/{key}-960.webp 960w, "
        f"/media/photos/{key}-1440.webp 1440w, /media/photos/{key}-1920.webp 1920w",
        "sizes": "(min-width: 992px) 66vw, 100vw",
    }
    assert elements(html, "img")[0][1] == {
        "class": "photo-image",
        "src": f"/media/photos/{key}-960.jpg",
        "alt": "A therapist and a child reading together.",
        "width": "960",
        "height": "480",
        "loading": "lazy",
        "decoding": "async",
    }
    assert elements(html, "figcaption") == [("figcaption", {"class": "photo-credit"}, "Photo: Jo")]
    assert [tag for tag, _, _ in elements(html)] == ["figure", "picture", "source", "img", "figcaption"]


def test_the_include_takes_the_sizes_and_leaves_out_an_empty_credit():
    photo = make_photo(size=(1000, 800), credit="")

    html = render_to_string("includes/photo.html", {"photo": photo, "sizes": "(min-width: 768px) 50vw, 100vw"})

    assert elements(html, "source")[0][1]["sizes"] == "(min-width: 768px) 50vw, 100vw"
    assert elements(html, "figcaption") == []


# The admin
