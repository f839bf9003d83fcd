"""Swagger UI in headless Chromium: authorize with a token and run a filtered list call."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conf.env import env_flag
from tests.integration.test_demo_live import example_environment, prepare_demo, token_pair
from tests.support import services

pytestmark = pytest.mark.live

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_SECONDS = 30


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    """A headless Chromium driven by Debian's chromedriver, with a fresh profile."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        reason = (
            f"{', '.join(missing)} not found: install Debian's chromium and chromium-driver "
            "(apt-get install -y chromium chromium-driver)"
        )
        if env_flag("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,2000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(
        options=options,
        service=Service(
            executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log")
        ),
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[services.ServerProcess]:
    """The example as ``make demo`` prepares and serves it, on a temporary SQLite file."""
    environment = example_environment(tmp_path / "catalog.sqlite3")
    prepare_demo(environment)
    with services.uvicorn_server(
        "example.asgi:application", settings_module="example.settings", env=environment
    ) as server:
        yield server


def test_swagger_ui_filtered_list_call(browser, demo_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, WAIT_SECONDS)
    access = token_pair(demo_server.base_url)["access"]

    browser.get(f"{demo_server.base_url}/api/docs/")
    wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, "button.btn.authorize"))).click()
    # The dialog has one form per security scheme, and the bearer one is jwtAuth.
    jwt_form = wait.until(
        ready.visibility_of_element_located(
            (
                By.XPATH,
                "//div[contains(@class, 'auth-container')]"
                "[.//h4[contains(normalize-space(.), 'jwtAuth')]]",
            )
        )
    )
    jwt_form.find_element(By.CSS_SELECTOR, "input").send_keys(access)
    jwt_form.find_element(By.CSS_SELECTOR, "button.authorize").click()
    wait.until(lambda _: jwt_form.find_element(By.CSS_SELECTOR, "button.btn-done")).click()

    operation = wait.until(
        ready.presence_of_element_located(
            (
                By.XPATH,
                "//div[contains(@class, 'opblock-get')]"
                "[.//*[contains(@class, 'opblock-summary-path') and @data-path='/api/products/']]",
            )
        )
    )
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait.until(lambda _: operation.find_element(By.CSS_SELECTOR, "button.try-out__btn")).click()
    in_stock = wait.until(
        lambda _: operation.find_element(By.CSS_SELECTOR, "tr[data-param-name='in_stock'] select")
    )
    Select(in_stock).select_by_visible_text("true")
    operation.find_element(By.CSS_SELECTOR, "button.execute").click()
    status = wait.until(
        lambda _: operation.find_element(
            By.CSS_SELECTOR, ".live-responses-table .response .response-col_status"
        )
    )
    body_text = wait.until(
        lambda _: (
            operation.find_element(
                By.CSS_SELECTOR, ".live-responses-table .response-col_description pre"
            ).text
        )
    )
    request_url = operation.find_element(By.CSS_SELECTOR, ".request-url pre").text
    curl = operation.find_element(By.CSS_SELECTOR, ".curl-command").text
    # The screenshot shows the live response, not the parameter form above it.
    browser.execute_script("arguments[0].scrollIntoView();", status)
    screenshot = tmp_path / "swagger-products-in-stock.png"
    browser.save_screenshot(str(screenshot))

    assert status.text.strip() == "200", demo_server.log()
    assert "in_stock=true" in request_url
    # The token entered in the Authorize dialog went out with the call.
    assert f"Bearer {access}" in curl
    body = json.loads(body_text)
    assert body["results"]
    assert all(product["in_stock"] is True for product in body["results"])
    assert screenshot.read_bytes().startswith(b"\x89PNG")
