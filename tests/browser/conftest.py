"""Playwright driving Debian's Chromium (Playwright cannot download its own browser here)."""

import os

import pytest
from django.core.management import call_command

from tests.browser.a11y import TILES

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def _allow_sync_orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
    # it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser(_allow_sync_orm_beside_playwright):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page whose CSP violations and script errors fail the test."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert problems == [], problems


@pytest.fixture
def axe_page(browser, live_server):
    # axe is injected as a script; only this audit context bypasses the CSP to allow that.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.route(TILES, lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def content(starter_content):
    """The starter content every install has (FAQ, pages, programs, library), and a few years of
    varied activity on top: applications and certificates (so the registry lists people and sites),
    partners, past and upcoming events with registrations, publications and more FAQs."""
    call_command(
        "seed_scale_data",
        yes=True,
        faqs=20,
        applications=200,
        partners=80,
        events=40,
        registrations=200,
        publications=50,
        verbosity=0,
    )
