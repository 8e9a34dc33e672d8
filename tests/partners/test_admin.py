import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.management import call_command
from openpyxl import Workbook, load_workbook
from PIL import Image

from apps.certifications.models import Certificate
from apps.certifications.services import certificate_revoke
from apps.partners.models import Partner
from apps.partners.resources import PartnerResource
from tests import files
from tests.factories import make_application, make_partner, make_program, make_site_certificate
from tests.html import elements
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/partners/partner/"
ADD = "/admin/partners/partner/add/"
IMPORT = "/admin/partners/partner/import/"
PROCESS_IMPORT = "/admin/partners/partner/process_import/"
EXPORT = "/admin/partners/partner/export/"
ADD_CERTIFIED = "/admin/partners/partner/add-certified-sites/"

FORM = {
    "name": "Harbor Family Services",
    "slug": "harbor",
    "kind": "site",
    "is_published": "on",
    "description": "",
    "website": "https://harbor.example.org",
    "email": "info@harbor.example.org",
    "phone": "",
    "address": "12 Harbor Road",
    "postal_code": "",
    "city": "Houston",
    "region": "Texas",
    "country": "US",
    "latitude": "29.760427",
    "longitude": "-95.369803",
    "certificate": "",
    "_save": "Save",
}


@pytest.fixture
def editor(client, django_user_model):
    """A content editor: staff with the partner permissions only."""
    user = django_user_model.objects.create_user(username="editor", email="editor@example.org", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="partners", codename__endswith="partner")
    )
    admin_login(client, user)
    return client


# The change page


def test_changelist_lists_filters_and_searches(editor):
    make_partner(name="Harbor Family Services", city="Houston")
    make_partner(name="Toronto Youth", city="Toronto", country="CA")

    response = editor.get(CHANGELIST, {"q": "toronto"})

    assert response.status_code == 200
    assert [str(p) for p in response.context["cl"].result_list] == ["Toronto Youth"]
    filters = [spec.title for spec in response.context["cl"].filter_specs]
    assert filters == ["published", "NMT certified", "kind", "country"]


def test_certified_filter_separates_active_lapsed_and_missing_certificates(editor, superuser):
    active = make_site_certificate()
    revoked = make_site_certificate()
    certificate_revoke(certificate=revoked, user=superuser, reason="Lapsed.")
    make_partner(name="Active", kind="site", certificate=active)
    make_partner(name="Revoked", kind="site", certificate=revoked)
    make_partner(name="None")

    results = {
        value: [str(p) for p in editor.get(CHANGELIST, {"certified": value}).context["cl"].result_list]
        for value in ["yes", "lapsed", "none"]
    }

    assert results == {"yes": ["Active"], "lapsed": ["Revoked"], "none": ["None"]}


def test_change_page_has_the_click_to_place_map(editor, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    partner = make_partner()

    html = editor.get(f"{CHANGELIST}{partner.pk}/change/").content.decode()

    picker = elements(html, "div", id="partner-admin-map")[0][1]
    assert (picker["data-tile-url"], picker["aria-label"]) == (
        "https://tiles.example.org/{z}/{x}/{y}.png",
        "Map: click to set the latitude and longitude",
    )
    scripts = [attrs["src"] for _, attrs, _ in elements(html, "script") if "src" in attrs]
    assert "/static/js/partners-admin-map.js" in scripts
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in scripts


def test_staff_without_partner_permissions_cannot_open_the_admin(client, staff_user):
    admin_login(client, staff_user)

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert client.get(ADD_CERTIFIED).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(CHANGELIST)

    assert (response.status_code, response["Location"]) == (302, "/admin/login/?next=/admin/partners/partner/")


def test_saving_in_the_admin_goes_through_the_service_and_refreshes_the_map(editor, django_capture_on_commit_callbacks):
    make_partner(name="Before", slug="before")
    assert [f["properties"]["name"] for f in editor.get("/partners.geojson").json()["features"]] == ["Before"]

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(ADD, FORM)

    assert response.status_code == 302
    names = [f["properties"]["name"] for f in editor.get("/partners.geojson").json()["features"]]
    assert names == ["Before", "Harbor Family Services"]


def test_admin_refuses_publishing_without_coordinates_at_the_form(editor):
    response = editor.post(ADD, {**FORM, "latitude": "", "longitude": ""})

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "A published partner needs coordinates: click the map to place it."
    ]
    assert Partner.objects.count() == 0


def test_admin_refuses_out_of_range_coordinates_at_the_fields(editor):
    response = editor.post(ADD, {**FORM, "latitude": "95", "longitude": "-200"})

    errors = response.context["adminform"].form.errors
    assert errors["latitude"] == ["Ensure this value is less than or equal to 90."]
    assert errors["longitude"] == ["Ensure this value is greater than or equal to -180."]
    assert Partner.objects.count() == 0


# Logos


def test_logo_is_reencoded_resized_and_stored_under_a_generated_name(editor):
    upload = files.upload("My Logo (final).png", files.png_bytes(size=(2000, 1000), text_metadata={"Author": "Jo"}))

    response = editor.post(ADD, {**FORM, "logo": upload})

    assert response.status_code == 302
    partner = Partner.objects.get()
    assert partner.logo.name.startswith("partners/logos/") and partner.logo.name.endswith(".png")
    assert "final" not in partner.logo.name
    with default_storage.open(partner.logo.name) as stored:
        data = stored.read()
    assert Image.open(io.BytesIO(data)).size == (320, 160)
    assert b"Author" not in data


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", files.exe_bytes(), "“logo” is not a PNG or JPEG file. Please upload PNG or JPEG only."),
        ("logo.svg", files.svg_bytes(), "“logo” is not a PNG or JPEG file. Please upload PNG or JPEG only."),
        ("logo.pdf", files.pdf_bytes(), "“logo” is not a PNG or JPEG file. Please upload PNG or JPEG only."),
        (
            "logo.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
            "“logo” could not be read as an image; it may be damaged.",
        ),
        ("bomb.png", files.bomb_png_bytes(), "“bomb” is too large to process. Please upload a smaller image."),
    ],
)
def test_bad_logos_are_refused_at_the_field_and_nothing_is_kept(editor, name, content, message):
    response = editor.post(ADD, {**FORM, "logo": files.upload(name, content)})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"] == [message]
    assert Partner.objects.count() == 0
    assert not default_storage.exists("partners/logos")


def test_replacing_a_logo_deletes_the_old_file_after_the_commit(editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(ADD, {**FORM, "logo": files.upload("a.png", files.png_bytes())})
    old = Partner.objects.get().logo.name

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"{CHANGELIST}{Partner.objects.get().pk}/change/",
            {**FORM, "logo": files.upload("b.jpg", files.jpeg_bytes())},
        )

    assert response.status_code == 302
    new = Partner.objects.get().logo.name
    assert new.endswith(".jpg") and new != old
    assert default_storage.listdir("partners/logos")[1] == [new.rsplit("/", 1)[1]]


def test_change_page_links_the_current_logo_through_the_logo_view(editor):
    editor.post(ADD, {**FORM, "logo": files.upload("a.png", files.png_bytes())})
    partner = Partner.objects.get()

    html = editor.get(f"{CHANGELIST}{partner.pk}/change/").content.decode()

    assert elements(html, "a", href=partner.logo_url)


# Actions


def test_publish_action_skips_partners_without_coordinates(editor):
    placed = make_partner(name="Placed", is_published=False)
    unplaced = make_partner(name="Unplaced", is_published=False, latitude=None, longitude=None)

    response = editor.post(CHANGELIST, {"action": "publish", "_selected_action": [placed.pk, unplaced.pk]}, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "1 partner published.",
        "1 partner has no coordinates yet and stays unpublished: place it on the map first.",
    ]
    assert list(Partner.objects.published()) == [placed]
    assert placed.history.count() == 2


def test_delete_selected_removes_partners_and_their_logos(editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(ADD, {**FORM, "logo": files.upload("a.png", files.png_bytes())})
    partner = Partner.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [partner.pk], "post": "yes"})

    assert Partner.objects.count() == 0
    assert default_storage.listdir("partners/logos")[1] == []


# Adding certified sites


def test_certified_sites_that_agreed_become_unpublished_partners(editor, django_capture_on_commit_callbacks):
    program = make_program(kind="site")
    agreed = make_application(status="approved", program=program, organisation_name="Agreed Site", show_on_map=True)
    make_application(status="approved", program=program, organisation_name="Declined Site", show_on_map=False)
    make_application(status="in_review", program=program, organisation_name="Pending Site", show_on_map=True)
    listed = make_application(status="approved", program=program, organisation_name="Listed Site", show_on_map=True)
    make_partner(name="Listed Site", kind="site", certificate=listed.certificate)

    confirm = editor.get(ADD_CERTIFIED)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(ADD_CERTIFIED, follow=True)

    assert [c.holder_name for c in confirm.context["certificates"]] == ["Agreed Site"]
    partner = Partner.objects.get(name="Agreed Site")
    assert (partner.slug, partner.kind, partner.is_published, partner.certificate, partner.city, partner.address) == (
        "agreed-site",
        "site",
        False,
        agreed.certificate,
        "Houston",
        "12 Harbor Road",
    )
    assert (partner.email, partner.phone, partner.latitude) == ("", "", None)
    assert [str(m) for m in response.context["messages"]] == [
        "1 certified site added as an unpublished partner. Place it on the map, check its details and publish it."
    ]
    assert editor.post(ADD_CERTIFIED).status_code == 302
    assert Partner.objects.filter(name="Agreed Site").count() == 1


def test_certified_sites_command_adds_the_same(capsys):
    make_application(status="approved", program=make_program(kind="site"), organisation_name="Agreed Site")

    call_command("partners_add_certified_sites")

    assert capsys.readouterr().out.splitlines()[-1] == "1 certified site added as an unpublished partner."
    assert Partner.objects.get().certificate == Certificate.objects.get()


# Import and export


def csv_upload(text, name="partners.csv"):
    return files.upload(name, text.encode("utf-8"), "text/csv")


HEADER = "name,kind,city,region,country,latitude,longitude,is_published,website,certificate\n"


def test_import_with_bad_rows_saves_nothing_and_shows_each_error(editor):
    csv = HEADER + (
        "Good Partner,organisation,Oslo,,NO,59.91,10.75,yes,,\n"
        "Far North,organisation,Nowhere,,NO,95,10,yes,,\n"
        "Bad Number,organisation,Oslo,,NO,north,10,yes,,\n"
        "Atlantis Centre,organisation,Atlantis,,Atlantis,10,10,no,,\n"
        ",organisation,Oslo,,NO,59.9,10.7,no,,\n"
        "Floating,organisation,Oslo,,NO,,,yes,,\n"
        "Odd Kind,castle,Oslo,,NO,59.9,10.7,no,,\n"
        "Unknown Cert,site,Oslo,,NO,59.9,10.7,no,,NMT-C-1999-00001\n"
    )

    response = editor.post(IMPORT, {"format": "0", "resource": "0", "import_file": csv_upload(csv)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Some rows failed to validate" in html
    assert response.context.get("confirm_form") is None
    result = response.context["result"]
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert {number: {field: [str(e) for e in es] for field, es in d.items()} for number, d in errors.items()} == {
        2: {"latitude": ["Ensure this value is less than or equal to 90."]},
        3: {"latitude": ["“north” is not a number: use decimal degrees, such as 51.507351."]},
        4: {"country": ["Unknown country “Atlantis”: use a two-letter code such as GB, or the English name."]},
        5: {"name": ["This field cannot be blank."]},
        6: {"__all__": ["A published partner needs coordinates: click the map to place it."]},
        7: {"kind": ["Unknown kind “castle”: use one of site, organisation, practice."]},
        8: {"certificate": ["No certificate is numbered “NMT-C-1999-00001”."]},
    }
    assert Partner.objects.count() == 0


def test_import_of_good_rows_previews_then_saves_on_confirmation(editor, django_capture_on_commit_callbacks):
    certificate = make_site_certificate()
    make_partner(name="Existing", slug="existing", city="Old City")
    csv = (
        "slug,name,kind,city,country,latitude,longitude,is_published,certificate\n"
        "existing,Existing,organisation,New City,US,29.76,-95.36,yes,\n"
        ",Oslo Centre,Partner organisation,Oslo,Norway,59.913868,10.752245,yes,\n"
        f",Harbor Site,site,Houston,USA,29.76,-95.37,true,{certificate.number}\n"
    )

    preview = editor.post(IMPORT, {"format": "0", "resource": "0", "import_file": csv_upload(csv)})
    assert Partner.objects.count() == 1
    confirm = preview.context["confirm_form"].initial
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(PROCESS_IMPORT, {**confirm, "confirm": "Confirm import"})

    assert response.status_code == 302
    partners = {p.slug: p for p in Partner.objects.all()}
    assert sorted(partners) == ["existing", "harbor-site", "oslo-centre"]
    assert partners["existing"].city == "New City"
    assert (partners["oslo-centre"].country.code, partners["oslo-centre"].latitude) == ("NO", Decimal("59.913868"))
    assert (partners["harbor-site"].country.code, partners["harbor-site"].certificate) == ("US", certificate)
    names = [f["properties"]["name"] for f in editor.get("/partners.geojson").json()["features"]]
    assert names == ["Existing", "Harbor Site", "Oslo Centre"]


def test_import_reads_xlsx(editor):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "kind", "city", "country", "latitude", "longitude", "is_published"])
    sheet.append(["Sydney Clinic", "practice", "Sydney", "AU", -33.86882, 151.209296, "yes"])
    output = io.BytesIO()
    workbook.save(output)

    preview = editor.post(
        IMPORT,
        {
            "format": "1",
            "resource": "0",
            "import_file": files.upload("partners.xlsx", output.getvalue(), "application/vnd.ms-excel"),
        },
    )
    editor.post(PROCESS_IMPORT, {**preview.context["confirm_form"].initial, "confirm": "Confirm import"})

    partner = Partner.objects.get()
    assert (partner.name, partner.kind, partner.latitude, partner.slug) == (
        "Sydney Clinic",
        "practice",
        Decimal("-33.868820"),
        "sydney-clinic",
    )


def test_export_writes_csv_and_xlsx_that_import_back(editor):
    certificate = make_site_certificate()
    make_partner(name="Harbor", slug="harbor", kind="site", certificate=certificate, email="info@harbor.example.org")

    every_field = {f"partnerresource_{name}": "on" for name in PartnerResource().get_export_order()}

    csv_response = editor.post(EXPORT, {"format": "0", "resource": "0", **every_field})
    xlsx_response = editor.post(EXPORT, {"format": "1", "resource": "0", **every_field})

    csv = csv_response.content.decode("utf-8-sig").splitlines()
    assert csv[0] == (
        "slug,name,kind,description,website,email,phone,address,postal_code,city,region,country,"
        "latitude,longitude,is_published,certificate"
    )
    assert csv[1] == (
        f"harbor,Harbor,site,,,info@harbor.example.org,,,,Houston,Texas,US,29.760427,-95.369803,1,{certificate.number}"
    )
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert [cell.value for cell in sheet[2]][:3] == ["harbor", "Harbor", "site"]
    reimport = editor.post(
        IMPORT, {"format": "0", "resource": "0", "import_file": csv_upload(csv_response.content.decode("utf-8-sig"))}
    )
    assert reimport.context["result"].has_validation_errors() is False
    assert reimport.context["result"].totals["skip"] == 1


def test_import_needs_add_and_change_permissions(client, django_user_model):
    viewer = django_user_model.objects.create_user(username="viewer", email="viewer@example.org", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_partner"))
    admin_login(client, viewer)

    assert client.get(IMPORT).status_code == 403
    assert client.get(EXPORT).status_code == 200
