"""The step-through page in headless Chromium: Next three times shows step 3's equation."""

import shutil
import subprocess
import sys

import pytest

from autograd import backward_steps
from autograd.presentation.cli import build, parse_expression, parse_variables

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1300,900"]  # fmt: skip


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("no chromium and chromedriver installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)  # never downloads a driver
    yield driver
    driver.quit()


def test_next_three_times_shows_step_3_and_keys_and_slider_move(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    expression, assignments = "tanh(x*w + b)*x", ["x=2", "w=-3", "b=6.88"]
    page = tmp_path / "explain.html"
    result = subprocess.run([sys.executable, "-m", "autograd", "explain", expression, *assignments,
                             "--html", str(page)], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    steps = backward_steps(build(parse_expression(expression), parse_variables(assignments, ["x", "w", "b"])))

    browser.get(page.as_uri())  # opened from disk
    text = lambda element_id: browser.find_element(By.ID, element_id).text
    assert text("equation").startswith("mul2.grad = 1.0")  # the seed
    for _ in range(3):
        browser.find_element(By.ID, "next").click()
    assert text("equation") == str(steps[2])
    assert text("counter") == f"step 3 of {len(steps)}"
    assert browser.find_element(By.ID, "slider").get_attribute("value") == "3"
    receiving = browser.find_element(By.CSS_SELECTOR, "#grads tr.parent").text.split()
    assert receiving[0] == steps[2].parent_name

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    assert text("equation") == str(steps[1])
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.END)
    assert text("equation") == str(steps[-1])
    assert browser.find_element(By.ID, "next").get_attribute("disabled") is not None
    browser.find_element(By.TAG_NAME, "body").send_keys("z")
    assert "zoomed" in browser.find_element(By.ID, "picture").get_attribute("class")
    image = browser.find_element(By.ID, "frame")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 100
