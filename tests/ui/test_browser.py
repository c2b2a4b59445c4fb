"""The whole journey in a real browser: Debian's Chromium driven by Playwright.

API and worker run in this process (see conftest), the site is ``streamlit run``
on a free port. A screenshot of each step lands in ``test-artifacts/ui/``.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
WAIT_MS = 30_000
TICKET = re.compile(r"^\d{3}-\d{10}$")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium is not installed at /usr/bin/chromium "
        "(apt-get install chromium; .ci/run installs it)",
    ),
]


class Camera:
    """Numbered full-page screenshots: ``01-home.png``, ``02-registered.png``…"""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob("*.png"):
            old.unlink()

    def shot(self, name: str) -> None:
        self.count += 1
        self.page.mouse.move(0, 0)  # no tooltip in the picture
        self.page.wait_for_timeout(600)  # let the rerun settle
        # A rerun in flight fades the old elements (data-stale): axe would measure the fade.
        self.page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
        self.page.screenshot(path=ARTIFACTS / f"{self.count:02d}-{name}.png", full_page=True)
        assert_accessible(self.page, name)  # each step, as shown: no serious axe violation


def register(page: Page) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("tab", name="Create account").click()
    form = sidebar.get_by_test_id("stForm").filter(has_text="Repeat password")
    form.get_by_label("Email").fill(f"amelia-{uuid.uuid4().hex[:8]}@example.com")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Repeat password").fill(PASSWORD)
    form.get_by_role("button", name="Create account").click()
    expect(sidebar.get_by_text("Signed in as")).to_be_visible()


def choose_place(page: Page, label: str, query: str, expected: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(query)
    box.press("Enter")
    choice = page.get_by_role("combobox", name=f"{label}: matching airports and cities")
    expect(choice).to_have_value(expected)


def search(page: Page, camera: Camera) -> None:
    choose_place(page, "From", "New York", "New York — all airports (NYC)")
    choose_place(page, "To", "London", "London — all airports (LON)")
    page.get_by_text("My dates are flexible (±3 days)").click()
    camera.shot("search")
    page.get_by_role("button", name="Search flights").click()
    expect(page.get_by_text("fares found")).to_be_visible()
    expect(page.get_by_text("Cheapest fare per day")).to_be_visible()
    camera.shot("results")


def fill_passenger(page: Page) -> None:
    page.get_by_text("Ms", exact=True).click()
    page.get_by_text("Female", exact=True).click()
    page.get_by_label("Date of birth").fill("1987-07-24")
    page.get_by_label("First name(s) as in passport").fill("Amelia")
    page.get_by_label("Last name as in passport").fill("Earhart")
    page.get_by_label("Email").fill("amelia@example.com")
    page.get_by_label("Phone with country code").fill("+15550109999")
    page.get_by_label("Passport number").fill("X1234567")
    page.get_by_label("Issuing country").fill("US")
    page.get_by_label("Passport expiry").fill("2040-01-01")


def pick_seat(page: Page) -> str:
    expect(page.get_by_text("Front of the aircraft")).to_be_visible()
    seat = page.locator('div[class*="st-key-seat_"] button:not([disabled])').first
    designator = seat.inner_text().strip()
    seat.click()
    expect(page.get_by_text(f"seat {designator} ·").first).to_be_visible()
    return designator


def pay(page: Page, camera: Camera, card: str) -> None:
    page.get_by_label("Card (sandbox: test cards only, no money moves)").click()
    page.get_by_role("option", name=card).click()
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()


def cancel_in_my_trips(page: Page, camera: Camera, reference: str) -> None:
    page.get_by_role("button", name="Go to My trips").click()
    trip = page.get_by_test_id("stExpander").filter(has_text=reference)
    trip.locator("summary").click()
    expect(trip.get_by_role("button", name="Cancel this trip")).to_be_visible()
    camera.shot("my-trips")
    trip.get_by_role("button", name="Cancel this trip").click()
    expect(page.get_by_text("Cancelling refunds")).to_be_visible()
    camera.shot("refund-quote")
    page.get_by_role("button", name="Confirm cancellation").click()
    expect(page.get_by_text(re.compile(r"Trip cancelled\. .* will be refunded\."))).to_be_visible()
    camera.shot("cancelled")


def test_book_and_cancel_a_trip_in_the_browser(site: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)
            journey(page, Camera(page), site)
        finally:
            browser.close()


def journey(page: Page, camera: Camera, site: str) -> None:
    page.goto(site)
    expect(page.get_by_text("Where would you like to go?")).to_be_visible()
    camera.shot("home")
    register(page)
    camera.shot("signed-in")
    search(page, camera)
    page.get_by_role("button", name="Select").first.click()
    expect(page.get_by_text("Conditions", exact=True)).to_be_visible()
    camera.shot("offer-details")
    page.get_by_role("button", name="Continue with this flight").click()
    fill_passenger(page)
    camera.shot("passengers")
    page.get_by_role("button", name="Continue to seats and bags").click()
    pick_seat(page)
    camera.shot("seat-picked")
    page.get_by_role("button", name="Continue to payment").click()
    pay(page, camera, "Test card that the bank declines")
    expect(page.get_by_text("Your card was declined")).to_be_visible()
    camera.shot("payment-declined")
    pay(page, camera, "Visa ending 4242")
    expect(page.get_by_text("Booking reference (PNR)")).to_be_visible()
    expect(page.locator("code").filter(has_text=TICKET).first).to_be_visible()
    reference = (
        page.get_by_test_id("stMarkdownContainer")
        .filter(has_text="Booking reference (PNR)")
        .inner_text()
        .split()[-1]
    )
    camera.shot("ticketed")
    page.reload()  # the confirmation has an address of its own (ADR 0035)
    expect(page).to_have_url(re.compile(r"[?&]step=confirmation&.*order=ord_|order=ord_"))
    expect(page.get_by_text(reference).first).to_be_visible()
    cancel_in_my_trips(page, camera, reference)
