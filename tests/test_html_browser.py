"""The step-through page in headless Chromium: one layout, forward then backward, the quiz, zoom,
label size."""

import json
import re
import shutil

import pytest

import nn
from autograd import Value, backward_steps, explain
from autograd.presentation.names import forward_order, node_names

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("no chromium and chromedriver installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, "--window-size=1280,800", f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)  # never downloads a driver
    yield driver
    driver.quit()


def mlp_output():
    """A 2-2-1 network's output: 19 nodes, the lecture's small network."""
    model = nn.MLP(2, [2, 1], seed=0)
    return model([Value(1.0, label="x1"), Value(-2.0, label="x2")])[0]


def open_page(browser, tmp_path, output, quiz=False, name="page.html"):
    path = explain(output, quiz=quiz).save(tmp_path / name)
    browser.get(path.as_uri())  # opened from disk
    return json.loads(re.search(r"const DATA = (.*);\n", path.read_text(encoding="utf-8")).group(1))


def press(browser, *keys):
    body = browser.find_element("tag name", "body")
    for key in keys:
        body.send_keys(key)


BOXES = """return Array.from(document.querySelectorAll('#graph g.node')).map(g => {
  const shape = g.querySelector('polygon, ellipse, path').getBBox();
  return [g.querySelector('title').textContent, shape.x, shape.y, shape.width, shape.height];
});"""
FOCUS = ("const g = document.querySelector('#graph g.node.focus'); "
         "return g ? g.querySelector('title').textContent : null")


def test_every_box_holds_still_and_the_walk_is_forward_then_backward(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    output = mlp_output()
    data = open_page(browser, tmp_path, output)
    shown = [m for m in data["moments"] if not m["constant"]]  # constants' steps hidden by default
    first = browser.execute_script(BOXES)
    assert len(first) == 2 * len(forward_order(output)) - sum(node.is_leaf for node in forward_order(output))
    phases, focus = [], []
    for _ in shown:
        assert browser.execute_script(BOXES) == first  # not one node moves or changes size
        phases.append(browser.find_element("id", "phase").text)
        focus.append(browser.execute_script(FOCUS))
        press(browser, Keys.ARROW_RIGHT)
    names = node_names(output)
    assert phases == ["START"] + ["FORWARD"] * len(names) + ["BACKWARD: THE SEED"] + \
        ["BACKWARD"] * len(backward_steps(output)) + ["END"]  # fmt: skip
    forward = [names[node] for node in forward_order(output)]
    backward = [step.parent_name for step in backward_steps(output)]
    assert focus == [None, *forward, names[output], *backward, None]
    press(browser, Keys.HOME)
    assert browser.find_element("id", "counter").text == f"step 0 of {len(shown) - 1}"
    press(browser, " ", " ")
    assert browser.execute_script(FOCUS) == forward[1]  # space steps too


def test_labels_are_at_least_11_px_for_a_2_2_1_network_at_1280_by_800(browser, tmp_path):
    open_page(browser, tmp_path, mlp_output())
    assert browser.execute_script("return window.innerWidth") <= 1280
    heights = browser.execute_script(
        "return Array.from(document.querySelectorAll('#graph svg text'))"
        ".map(t => t.getBoundingClientRect().height)")
    assert len(heights) > 40 and min(heights) >= 11
    press(browser, "l")  # large type, for projectors
    larger = browser.execute_script(
        "return Array.from(document.querySelectorAll('#graph svg text'))"
        ".map(t => t.getBoundingClientRect().height)")
    assert min(larger) > min(heights) * 1.4


def test_zoomed_the_graph_scrolls_to_follow_the_step(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    open_page(browser, tmp_path, mlp_output())
    press(browser, "z")
    inside = ("""const g = document.querySelector('#graph g.node.focus'); if (!g) return null;
      const box = g.getBoundingClientRect(), view = document.getElementById('graph').getBoundingClientRect();
      return box.left >= view.left && box.right <= view.right && box.top >= view.top """
              "&& box.bottom <= view.bottom;")
    scrolled = set()
    for _ in range(45):
        press(browser, Keys.ARROW_RIGHT)
        assert browser.execute_script(inside) in (True, None)
        where = "const g = document.getElementById('graph'); return [g.scrollLeft, g.scrollTop]"
        scrolled.add(tuple(browser.execute_script(where)))
    assert len(scrolled) > 3  # it did have to move


def test_the_quiz_hides_the_answer_checks_it_gives_a_hint_and_keeps_the_score(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    open_page(browser, tmp_path, x * w, quiz=True)
    text = lambda element_id: browser.find_element("id", element_id).text
    press(browser, *[Keys.ARROW_RIGHT] * 5)  # start, x, w, mul1, the seed, then the first edge
    assert text("headline") == "mul1.grad × local = 1.0 × ? = ? → x.grad"
    assert re.fullmatch(r"local = d\(x ?× ?w\)/d ?x = \?", text("rule"))
    label = "return getComputedStyle(document.querySelector('#graph g.edge.current text')).visibility"
    assert browser.execute_script(label) == "hidden"  # the edge's product is hidden too
    local = browser.find_element("id", "quiz-local")
    assert browser.switch_to.active_element == local  # ready to type
    local.send_keys("2", Keys.ENTER)  # wrong: that is d/dw
    assert re.search(r"Hint: the rule is d\(a×b\)/da = b; here d\(x ?× ?w\)/d ?x = w\.", text("feedback"))
    press(browser, Keys.ARROW_RIGHT)
    assert text("headline").endswith("× ? = ? → x.grad")  # no moving on before an answer
    local.send_keys(Keys.BACKSPACE, "-3", Keys.ENTER)
    browser.find_element("id", "quiz-contribution").send_keys("-3.0001", Keys.ENTER)  # within 1e-3
    assert text("headline") == "mul1.grad × local = 1.0 × (-3.0) = -3.0 → x.grad"
    assert browser.execute_script(label.replace("current", "current:not(.asked)")) == "visible"
    assert text("score") == "score: 1 of 4 answers right at the first try"
    browser.switch_to.active_element.send_keys(Keys.ENTER)  # Next has the focus
    browser.find_element("id", "quiz-local").send_keys("2", Keys.ENTER)
    browser.find_element("id", "quiz-contribution").send_keys("2", Keys.ENTER)
    assert text("score") == "score: 3 of 4 answers right at the first try"
    press(browser, Keys.END)
    assert text("phase") == "END" and text("sum") == "Your score: 3 of 4 answers right at the first try"


def test_hiding_constants_skips_their_steps(browser, tmp_path):
    x = Value(2.0, label="x")
    data = open_page(browser, tmp_path, x * 3)
    total = len(data["moments"])
    assert browser.find_element("id", "counter").text == f"step 0 of {total - 1 - 2}"  # const1: 2 steps
    press(browser, "c")
    assert browser.find_element("id", "counter").text == f"step 0 of {total - 1}"


@pytest.mark.parametrize("width, height", [(1024, 768), (1400, 1000)])
def test_screenshots_at_classroom_sizes(browser, tmp_path, width, height):
    from selenium.webdriver.common.keys import Keys

    browser.set_window_size(width, height)
    open_page(browser, tmp_path, mlp_output())
    press(browser, *[Keys.ARROW_RIGHT] * 24)
    path = tmp_path / f"explain_{width}x{height}.png"
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 20_000
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # the page never scrolls sideways: only the graph's own box does


def test_two_pages_inline_in_one_notebook_output_each_step_on_their_own(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    cells = [explain(x * w)._repr_html_(), explain(x.tanh() * w)._repr_html_()]
    path = tmp_path / "notebook.html"  # what an exported notebook holds: the outputs' HTML, no kernel
    path.write_text("<!DOCTYPE html><html><body>" + "".join(f"<div>{cell}</div>" for cell in cells)
                    + "</body></html>", encoding="utf-8")  # fmt: skip
    browser.get(path.as_uri())
    frames = browser.find_elements("css selector", "iframe[data-chainrule]")
    assert len(frames) == 2 and frames[0].get_attribute("id") != frames[1].get_attribute("id")
    browser.switch_to.frame(frames[0])
    browser.find_element("id", "next").click()  # a click into the page, then the keys
    browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert browser.find_element("id", "headline").text == "w = -3.0 (input)"
    browser.switch_to.default_content()
    browser.switch_to.frame(frames[1])
    assert browser.find_element("id", "counter").text.startswith("step 0 of")  # the other page did not move
    browser.find_element("id", "next").click()
    browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert browser.find_element("id", "headline").text.startswith("tanh1 = tanh(x)")
    browser.switch_to.default_content()
    inner = browser.execute_script("return arguments[0].contentDocument.documentElement.scrollHeight",
                                   frames[1])
    assert abs(frames[1].size["height"] - inner) < 40  # the frame grew to hold its page
