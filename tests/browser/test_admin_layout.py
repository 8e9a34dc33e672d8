"""The review queue and the import and export pages as a reviewer sees them, on a 1280 px screen."""

import os

import pytest
from playwright.sync_api import expect

from apps.core.roles import REVIEWERS, SITE_ADMINISTRATORS
from tests.factories import make_application, make_program, make_staff
from tests.staff import add_totp, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long reviewer passphrase"
KEY_COLUMNS = ["status", "submitted", "days waiting", "assigned reviewer"]
SCREENSHOTS = os.environ.get("ADMIN_SCREENSHOTS")  # a folder, to look at the pages while changing them


def _log_in(page, role):
    user = make_staff(role=role, first_name="Maximiliana", last_name="Featherstonehaugh-Worthington")
    user.set_password(PASSWORD)
    user.save()
    secret = add_totp(user)  # site administrators must have one; the others may
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.fill("#id_code", totp_code(secret))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Neurosequential Model of Therapeutics: staff")).to_be_visible()
    return user


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_the_queues_key_columns_are_visible_at_1280_pixels(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    reviewer = _log_in(page, REVIEWERS)
    program = make_program(name="NMT Phase II / Train-the-Trainer (Individual certification, second level)")
    for n in range(3):
        make_application(
            status="in_review",
            reviewer=reviewer,
            program=program,
            full_name=f"Alexandria Konstantinopoulou-Vanderberghe the {n + 1}rd",
        )

    page.goto("/admin/certifications/application/")

    expect(page.locator("#result_list")).to_be_visible()
    _shot(page, "queue")
    viewport = page.viewport_size
    # The table scrolls inside its own box: a header past that box's edge is hidden too.
    table = page.locator("#changelist .results").bounding_box()
    right_edge = min(viewport["width"], table["x"] + table["width"])
    for name in KEY_COLUMNS:
        box = page.locator("#result_list thead th").filter(has_text=name).bounding_box()
        assert box is not None, name
        assert (box["x"] >= 0, box["x"] + box["width"] <= right_edge) == (True, True), (name, box, right_edge)
        assert box["y"] + box["height"] <= viewport["height"], (name, box)
    cell = page.locator("#result_list tbody tr").first.locator("td.field-reviewer")
    expect(cell).to_have_text("Maximiliana Featherstonehaugh-Worthington")


def test_the_export_page_is_styled_like_the_admin(page):
    _log_in(page, SITE_ADMINISTRATORS)
    make_application(status="submitted")

    page.goto("/admin/certifications/application/export/")

    form = page.locator("#content form")
    _shot(page, "export")
    expect(form.locator("fieldset.module.aligned")).to_have_count(1)
    assert page.locator("nav ol.breadcrumbs li").all_inner_texts() == [
        "Home",
        "Certifications",
        "Applications",
        "Export",
    ]
    assert form.locator(".submit-row input[type=submit]").evaluate("(b) => getComputedStyle(b).backgroundColor") != (
        "rgba(0, 0, 0, 0)"
    )


def test_the_import_page_and_its_preview_are_styled_like_the_admin(page, tmp_path):
    _log_in(page, SITE_ADMINISTRATORS)
    csv = tmp_path / "partners.csv"
    csv.write_text(
        "slug,name,kind,country,city,latitude,longitude,is_published\n"
        "harbor,Harbor Centre,organisation,US,Houston,29.76,-95.37,yes\n"
        ",,organisation,ZZ,Nowhere,,,yes\n"
    )

    page.goto("/admin/partners/partner/import/")
    _shot(page, "import")
    expect(page.locator("#content form fieldset.module.aligned")).to_have_count(1)
    page.set_input_files("input[type=file]", str(csv))
    page.select_option("select[name=format]", label="csv")
    page.locator(".submit-row input[type=submit]").click()

    expect(page.locator("table.import-preview")).to_be_visible()
    _shot(page, "import-preview")
    assert page.locator("nav ol.breadcrumbs li").all_inner_texts() == [
        "Home",
        "Partners and the map",
        "Partners",
        "Import",
    ]
    # The wide preview scrolls in its own box; the page keeps the window's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
