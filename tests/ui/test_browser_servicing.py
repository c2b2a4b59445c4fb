"""Servicing in a real browser (Debian's Chromium, Playwright), on a desktop and a phone:
an airline change accepted, the e-ticket downloaded, a flight changed with its price
difference shown before paying, the history, and Manage booking by reference and name.

Trips are booked through the API (the booking pages have their own browser test). A
screenshot of each step lands in ``test-artifacts/ui-servicing/<viewport>/``.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from farebridge.ui.client import ApiClient, LoggedIn
from farebridge.ui.models import Order
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import PASSWORD, new_account
from tests.ui.test_browser import CHROMIUM, CHROMIUM_ARGS, WAIT_MS
from tests.ui.test_servicing import book

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui-servicing"
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


class Camera:
    def __init__(self, page: Page, folder: Path) -> None:
        self.page, self.folder, self.count = page, folder, 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def shot(self, name: str, focus: Locator | None = None) -> None:
        """A full-page screenshot; ``focus`` is scrolled into view first (Streamlit
        scrolls its own container, so the picture is what the viewport shows)."""
        self.count += 1
        self.page.mouse.move(0, 0)
        self.page.wait_for_timeout(300)  # let the rerun settle
        if focus is not None:
            focus.scroll_into_view_if_needed()
        self.page.screenshot(path=self.folder / f"{self.count:02d}-{name}.png", full_page=True)
        assert_accessible(self.page, f"{self.folder.name}/{name}")  # no serious axe violation


def go_to(page: Page, name: str, phone: bool) -> None:
    """Pick a page in the sidebar (on a phone: open it first, close it after)."""
    sidebar = page.get_by_test_id("stSidebar")
    if phone:
        page.get_by_test_id("stExpandSidebarButton").click()
    sidebar.get_by_text(name, exact=True).click()
    if phone:
        sidebar.get_by_test_id("stSidebarCollapseButton").click()


def sign_in(page: Page, login: LoggedIn, phone: bool) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    if phone:
        page.get_by_test_id("stExpandSidebarButton").click()
    form = sidebar.get_by_test_id("stForm").filter(has_text="Sign in")
    form.get_by_label("Email").fill(login.user["email"])
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_role("button", name="Sign in", exact=True).click()
    expect(sidebar.get_by_text("Signed in as")).to_be_visible()
    if phone:
        sidebar.get_by_test_id("stSidebarCollapseButton").click()


def open_trip(page: Page, order: Order) -> None:
    trip = page.get_by_test_id("stExpander").filter(has_text=order["booking_reference"])
    if not trip.get_by_text("Show the booking's history").is_visible():
        trip.locator("summary").click()


def servicing(page: Page, camera: Camera, site: str, api_url: str, phone: bool) -> None:
    login = new_account(api_url)
    changed = book(api_url, login, brand="Basic", fault="schedule_change")
    trip = book(api_url, login, family_name="Lindbergh")
    page.goto(site)
    sign_in(page, login, phone)
    go_to(page, "My trips", phone)
    expect(page.get_by_text(trip["booking_reference"]).first).to_be_visible()
    camera.shot("my-trips")

    # The airline's change: old and new times, then accepted.
    open_trip(page, changed)
    notice = page.get_by_text("The airline changed your booking.")
    expect(notice).to_be_visible()
    camera.shot("airline-change", notice)
    page.get_by_role("button", name="Accept the new times").click()
    expect(page.get_by_text("You accepted the airline's new times.")).to_be_visible()
    camera.shot("airline-change-accepted")

    # The e-ticket, downloaded.
    open_trip(page, trip)
    box = page.get_by_test_id("stExpander").filter(has_text=trip["booking_reference"])
    with page.expect_download() as download:
        box.get_by_role("button", name="E-ticket (PDF)").click()
    saved = camera.folder / "e-ticket.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    camera.shot("documents", box.get_by_role("button", name="E-ticket (PDF)"))

    # A change of flight: the difference shown, then confirmed and paid.
    box.get_by_role("button", name="Change a flight…").click()
    new_day = datetime.fromisoformat(trip["slices"][0]["departing_at"]).date() + timedelta(days=2)
    year = box.get_by_role("spinbutton", name="year, New departure date")
    year.click()
    page.keyboard.type(new_day.strftime("%Y%m%d"))  # the segments advance as they fill
    page.keyboard.press("Tab")
    expect(box.get_by_role("spinbutton", name="day, New departure date")).to_have_text(
        new_day.strftime("%d")
    )
    box.get_by_role("button", name="Find flights").click()
    expect(box.get_by_text(re.compile(r"change fee")).first).to_be_visible()
    expect(box.get_by_role("button", name=re.compile(r"^Confirm"))).to_have_count(0)
    choices = box.get_by_role("button", name="Choose this flight")
    camera.shot("change-offers", choices.first)
    choices.last.click()  # the dearest: a difference to pay
    confirm = box.get_by_role("button", name=re.compile(r"^Confirm (and pay|the change)"))
    expect(confirm).to_be_visible()
    camera.shot("change-confirm", confirm)
    confirm.click()
    done = page.get_by_text("Flight changed. Your new e-tickets are being issued.")
    expect(done).to_be_visible()
    camera.shot("changed", done)

    # The history, newest first (the airline gave the changed booking a new reference).
    trip = ApiClient(api_url, login.token).get_order(trip["id"])
    box = page.get_by_test_id("stExpander").filter(has_text=trip["booking_reference"])
    open_trip(page, trip)
    box.get_by_text("Show the booking's history").click()
    changed_line = box.get_by_text("Flight changed").first
    expect(changed_line).to_be_visible()
    camera.shot("history", changed_line)

    # Manage booking, signed in or not: a wrong name finds nothing, the right one the trip.
    go_to(page, "Manage booking", phone)
    page.get_by_label("Booking reference").fill(trip["booking_reference"])
    page.get_by_label("Family name of a traveller").fill("Earhart")
    page.get_by_role("button", name="Find my booking").click()
    expect(page.get_by_text("We found no booking")).to_be_visible()
    camera.shot("manage-not-found")
    page.get_by_label("Family name of a traveller").fill("Lindbergh")
    page.get_by_role("button", name="Find my booking").click()
    expect(page.get_by_text("sign in with the account")).to_be_visible()
    expect(page.get_by_role("button", name="E-ticket (PDF)")).to_be_visible()
    camera.shot("manage-found")


def test_servicing_in_the_browser_on_desktop_and_phone(site: str, api_url: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for name, (width, height) in VIEWPORTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, accept_downloads=True
                )
                page = context.new_page()
                page.set_default_timeout(WAIT_MS)
                expect.set_options(timeout=WAIT_MS)
                servicing(page, Camera(page, ARTIFACTS / name), site, api_url, name == "phone")
                context.close()
        finally:
            browser.close()
