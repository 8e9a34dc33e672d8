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
from apps.core.roles import CONTENT_EDITORS, REVIEWERS
from apps.core.services import photo_delete, photo_save
from tests import files
from tests.factories import make_photo, make_staff
from tests.html import elements
from tests.staff import admin_login

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


@pytest.fixture
def editor(client, roles):
    admin_login(client, make_staff(role=CONTENT_EDITORS))
    return client


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


def test_alt_text_is_required_unless_the_photo_is_decorative(editor):
    upload = files.upload("room.png", files.png_bytes(size=(1000, 800)))

    response = editor.post(ADD, {**FORM, "alt_text": "", "upload": upload})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "alt_text": ["Describe the photograph for people who cannot see it, or mark it as decorative."]
    }
    assert (Photo.objects.count(), _stored()) == (0, [])


def test_a_decorative_photo_is_saved_without_alt_text_and_rendered_with_an_empty_alt(editor):
    upload = files.upload("room.png", files.png_bytes(size=(1000, 800)))

    response = editor.post(ADD, {**FORM, "alt_text": "", "is_decorative": "on", "upload": upload})

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.alt_text, photo.is_decorative, photo.alt) == ("", True, "")
    assert elements(render_to_string("includes/photo.html", {"photo": photo}), "img")[0][1]["alt"] == ""


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


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("room.jpg", files.pdf_bytes(), "“room” is not a JPEG or PNG file. Please upload JPEG or PNG only."),
        ("room.png", files.exe_bytes(), "“room” is not a JPEG or PNG file. Please upload JPEG or PNG only."),
        ("room.png", files.svg_bytes(), "“room” is not a JPEG or PNG file. Please upload JPEG or PNG only."),
        (
            "room.png",
            files.png_bytes(size=(799, 1200)),
            "“room” is 799 pixels wide; a photograph must be at least 800 pixels wide to look sharp on large screens.",
        ),
        ("room.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "“room” could not be read as an image; it may be damaged."),
        ("bomb.png", files.bomb_png_bytes(), "“bomb” is too large to process. Please upload a smaller image."),
    ],
)
def test_a_refused_upload_is_a_field_error_and_nothing_is_kept(editor, name, content, message):
    response = editor.post(ADD, {**FORM, "upload": files.upload(name, content)})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"upload": [message]}
    assert (Photo.objects.count(), _stored()) == (0, [])


def test_an_upload_over_10_mb_is_refused(editor):
    upload = files.upload("room.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024))

    response = editor.post(ADD, {**FORM, "upload": upload})

    assert response.context["adminform"].form.errors == {
        "upload": ["“room” is 10.0\xa0MB; each file may be at most 10.0\xa0MB."]
    }
    assert (Photo.objects.count(), _stored()) == (0, [])


def test_a_new_photo_needs_a_file(editor):
    response = editor.post(ADD, FORM)

    assert response.context["adminform"].form.errors == {"upload": ["Choose a photograph to upload."]}
    assert Photo.objects.count() == 0


def test_a_png_named_jpg_is_taken_for_what_it_is(editor):
    response = editor.post(ADD, {**FORM, "upload": files.upload("room.jpg", files.png_bytes(size=(1000, 800)))})

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name.endswith(".png")
    assert _open(photo.image.name)[1].format == "PNG"


# Replacing and deleting


def test_replacing_the_image_deletes_the_old_files_after_the_commit(editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(ADD, {**FORM, "upload": files.upload("a.png", files.png_bytes(size=(1000, 800)))})
    old = Photo.objects.get().file_names()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = editor.post(
            f"{CHANGELIST}{Photo.objects.get().pk}/change/",
            {**FORM, "upload": files.upload("b.jpg", files.jpeg_bytes(size=(1500, 1000)))},
        )
    new = Photo.objects.get().file_names()
    before_commit = _stored()
    for callback in callbacks:
        callback()

    assert response.status_code == 302
    assert len(new) == 6 and not set(new) & set(old)
    assert before_commit == sorted(name.removeprefix("photos/") for name in old + new)
    assert _stored() == sorted(name.removeprefix("photos/") for name in new)


def test_changing_only_the_text_keeps_the_files(editor, django_capture_on_commit_callbacks):
    photo = make_photo(size=(1000, 800))
    names = photo.file_names()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(f"{CHANGELIST}{photo.pk}/change/", {**FORM, "title": "Renamed"})

    photo.refresh_from_db()
    assert response.status_code == 302
    assert (photo.title, photo.file_names()) == ("Renamed", names)
    assert _stored() == sorted(name.removeprefix("photos/") for name in names)


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


def test_delete_selected_in_the_admin_deletes_the_files(editor, django_capture_on_commit_callbacks):
    photo = make_photo(size=(1000, 800))

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"})

    assert (Photo.objects.count(), _stored()) == (0, [])


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


def test_an_editor_adds_a_photo_and_sees_it_listed_with_a_preview(editor):
    response = editor.post(ADD, {**FORM, "upload": files.upload("room.jpg", files.jpeg_bytes(size=(1200, 900)))})

    photo = Photo.objects.get()
    changelist = editor.get(CHANGELIST, {"q": "blocks"})
    html = changelist.content.decode()

    assert response.status_code == 302
    assert (photo.title, photo.credit, photo.image.name.endswith(".jpg")) == (
        "Play therapy room",
        "Photo: Jo Smith, CC BY 4.0",
        True,
    )
    assert [str(p) for p in changelist.context["cl"].result_list] == ["Play therapy room"]
    assert elements(html, "img", src=photo.smallest_url)[0][1] == {
        "src": photo.smallest_url,
        "alt": "",
        "width": "160",
        "height": "120",
    }


def test_the_change_page_lists_the_files_the_portal_made(editor):
    photo = make_photo(size=(1000, 800))

    html = editor.get(f"{CHANGELIST}{photo.pk}/change/").content.decode()

    links = [(attrs["href"], text) for _, attrs, text in elements(html, "a") if "/media/photos/" in attrs["href"]]
    assert links == [
        (f"/media/{photo.image.name}", "Original"),
        *[(f"/media/{r['name']}", r["format"].upper()) for r in photo.renditions],
    ]


@pytest.mark.parametrize("path", [CHANGELIST, ADD])
def test_staff_without_the_photo_permissions_are_refused(client, roles, path):
    admin_login(client, make_staff(role=REVIEWERS))

    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", [CHANGELIST, ADD])
def test_anonymous_visitors_are_sent_to_the_login(client, path):
    response = client.get(path)

    assert (response.status_code, response["Location"]) == (302, f"/admin/login/?next={path}")


@pytest.mark.parametrize("path", [CHANGELIST, ADD])
def test_editors_reach_the_changelist_and_the_add_page(editor, path):
    response = editor.get(path)

    assert response.status_code == 200
    assert response.context["title"] == {CHANGELIST: "Select photograph to change", ADD: "Add photograph"}[path]
