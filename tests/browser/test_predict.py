"""Predict, then see, in a real Chromium: the demo asks how the channels' dot products combine,
the output's shape and a step's value before it shows them, answers a wrong pick with what it
would mean and the right arithmetic, keeps a score, and does it all in the browser: no
websocket message while answering, and the same in the HTML export opened from disk."""

import re

import numpy as np
import pytest
from support.cli import run_cli
from support.serving import Page

from app.layers import DemoSettings
from app.scene.style import format_values

SEED = 7
LIVE = "() => document.querySelector('[role=status][aria-live=polite]')?.textContent ?? ''"


def question_text(page: Page, demo: str = "conv") -> str:
    return page.model(f"{demo}_question", "Bokeh.index.find_one(model).el.shadowRoot.textContent")


def wait_question(page: Page, text: str, demo: str = "conv") -> None:
    """Waits until the question under Toggle Movement says `text`."""
    page.page.wait_for_function(
        "([name, text]) => { const model = Bokeh.documents[0].get_model_by_name(name);"
        " return model.visible && Bokeh.index.find_one(model)?.el.shadowRoot"
        ".textContent.includes(text) }",
        arg=[f"{demo}_question", text],
    )


def shown(value) -> str:
    return format_values(np.array([value]))[0]


def first_steps_of_a_prediction(page: Page) -> None:
    """The first step at seed 7: how do they combine? (the largest, wrong), then the shape."""
    conv = DemoSettings(seed=SEED).conv
    step = conv[0]
    wait_question(page, "How do the channels' dot products and the bias become")
    # The step's own dot products and bias, its output held back.
    readout = page.model("conv_readout", "Bokeh.index.find_one(model).markup_el.textContent")
    for c, value in enumerate(step.scalars):
        assert f"s{c} = {shown(value)}" in readout
    assert f"bias b0 = {shown(step.bias)}" in readout
    assert page.model("conv_output_text", "model.data.shown[0]") == ""
    page.page.get_by_role("button", name="Take the largest").click()
    wait_question(page, "Not quite.")
    terms = " + ".join(f"({v})" if v < 0 else str(v) for v in step.scalars)
    bias = f"({step.bias})" if step.bias < 0 else str(step.bias)
    said = question_text(page)
    assert "max pooling" in said and f"{terms} + {bias} = {shown(step.value)}" in said
    assert "0 of 1" in said
    # The step shown, with its arithmetic, once answered.
    assert page.model("conv_output_text", "model.data.shown[0]") == shown(step.value)
    page.page.get_by_role("button", name="Show the step").click()
    # The step stays on screen; the next asks the output's shape: rows, columns and depth.
    assert page.model("conv_output_text", "model.data.shown[0]") == shown(step.value)
    page.page.get_by_role("button", name="Step forward").click()
    wait_question(page, "What shape is the output")
    headings = page.model("conv_labels", "Array.from(model.data.text).join(' ')")
    K, OH, OW = conv.output.shape
    assert f"{OH}x{OW}x{K}" not in headings, "the headings do not give the shape away"
    for words, value in (("rows", OH), ("columns", OW), ("depth", K)):
        page.page.get_by_role("textbox", name=f"Your answer: the output's {words}").fill(str(value))
    page.page.get_by_role("button", name="Check").click()
    wait_question(page, f"the output is {OH}x{OW}x{K}")
    assert "1 of 2" in question_text(page)
    page.page.get_by_role("button", name="Go on").click()


def test_predict_asks_how_they_combine_then_the_shape_then_values(server, page):
    page.open(f"{server.url}?seed={SEED}&predict=true")
    sent = []
    page.page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    first_steps_of_a_prediction(page)
    conv = DemoSettings(seed=SEED).conv
    forward = page.page.get_by_role("button", name="Step forward")
    # Two right picks of "add" (the first at the step the shape was asked at), then values.
    for n in (1, 2):
        if n > 1:
            forward.click()
        page.page.get_by_role("button", name="Add them, and the bias").click()
        wait_question(page, "Correct. They are added:")
        assert page.step() == n
        page.page.get_by_role("button", name="Show the step").click()
    forward.click()
    step = conv[3]
    field = page.page.get_by_role("textbox", name=re.compile("Your answer: the value of"))
    assert "o[1,0,0]" in field.get_attribute("aria-label")
    field.fill(shown(step.value))
    field.press("Enter")  # Enter checks
    wait_question(page, f"Correct. o[1,0,0] = {shown(step.value)}")
    page.page.get_by_role("button", name="Show the step").click()
    forward.click()
    step = conv[4]
    wrong = step.value - step.bias  # the bias forgotten
    field.fill(shown(wrong))
    page.page.get_by_role("button", name="Check").click()
    wait_question(page, "The bias was left out")
    said = question_text(page)
    assert f"o[1,1,0] = {shown(step.value)}" in said and "4 of 6" in said
    assert "Score: 4 of 6 right" in page.page.evaluate(LIVE)
    page.page.get_by_role("button", name="Reset score").click()
    assert "0 of 0" in question_text(page)
    assert sent == [], "answering sends nothing to the server"
    assert page.errors == []


def test_a_change_of_setting_asks_the_shape_again(server, page):
    page.open(f"{server.url}?seed={SEED}&predict=true&ask=shape,value").open_settings()
    wait_question(page, "What shape is the output")
    page.page.get_by_role("textbox", name="Your answer: the output's rows").fill("3")
    page.page.get_by_role("textbox", name="Your answer: the output's columns").fill("3")
    page.page.get_by_role("textbox", name="Your answer: the output's depth").fill("6")
    page.page.get_by_role("button", name="Check").click()
    wait_question(page, "Its depth is the number of filters, 2")
    page.page.get_by_role("button", name="Go on").click()
    page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
    )
    wait_question(page, "What shape is the output")
    assert page.errors == []


def test_predict_works_in_the_html_export_opened_from_disk(tmp_path, page):
    path = tmp_path / "demo.html"
    result = run_cli("export", str(path), "--seed", str(SEED), "--predict", "true")
    assert result.returncode == 0
    page.page.context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
    page.open(path.as_uri())
    first_steps_of_a_prediction(page)
    assert page.errors == []


def test_the_answer_is_reached_by_tab_after_toggle_movement_and_keys_stay_in_it(server, page):
    page.open(f"{server.url}?seed={SEED}&predict=true&ask=value")
    toggle = page.page.get_by_role("button", name="Toggle Movement")
    toggle.focus()
    page.page.keyboard.press("Tab")
    page.page.keyboard.press("Tab")
    focused = page.page.evaluate(
        "() => { let el = document.activeElement;"
        " while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;"
        " return el?.getAttribute('aria-label') ?? '' }"
    )
    assert focused.startswith("Your answer: the value of o[0,0,0]")
    page.page.keyboard.type("12")  # digits and a space would step or toggle the demo outside it
    page.page.keyboard.press("ArrowRight")
    assert page.step() == 0
    assert page.errors == []


@pytest.mark.parametrize("ask", ["combine", "value"])
def test_axe_finds_no_serious_fault_while_predicting(server, page, ask):
    from axe_playwright_python.sync_playwright import Axe

    page.open(f"{server.url}?seed={SEED}&predict=true&ask={ask}")
    page.page.get_by_role(
        "button", name="Check" if ask == "value" else "Take the largest"
    ).wait_for()
    results = Axe().run(
        page.page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def expected_value(mode: str, layer, n: int):
    """Step n's answer by hand: what each layer asks of a step."""
    step = layer[n]
    if mode == "transposed":  # the channels' scaled slices summed at the window's first tap
        return sum(layer.x[d, step.row, step.col] * layer.w[d, step.filter, 0, 0]
                   for d in step.channels)  # fmt: skip
    if mode == "backward":  # db of the step's filter, its first step's upstream value
        return layer.dout[step.filter, step.row, step.col]
    return step.value


@pytest.mark.parametrize(
    ("mode", "demo"),
    [("transposed", "tconv"), ("im2col", "im2col"), ("backward", "back"), ("pooling", "pool"),
     ("image", "conv")],
)  # fmt: skip
def test_every_layer_asks_its_own_value_and_takes_the_engines(server, page, mode, demo):
    page.open(f"{server.url}?mode={mode}&seed={SEED}&predict=true&ask=value", demo=demo)
    layer = DemoSettings(mode=mode, seed=SEED).conv
    answer = shown(expected_value(mode, layer, 0))
    field = page.page.get_by_role("textbox", name=re.compile("Your answer: the value of"))
    field.fill(answer)
    page.page.get_by_role("button", name="Check").click()
    wait_question(page, f"= {answer}.", demo)
    assert "Correct." in question_text(page, demo)
    assert page.errors == []


def test_im2col_asks_the_shape_of_x_col(server, page):
    page.open(f"{server.url}?mode=im2col&seed={SEED}&predict=true&ask=shape", demo="im2col")
    conv = DemoSettings(mode="im2col", seed=SEED).conv
    rows = conv.x.shape[0] * conv.w.shape[2] * conv.w.shape[3]  # a window's values
    columns = conv.output.shape[1] * conv.output.shape[2]  # the windows
    page.page.get_by_role("textbox", name="Your answer: x_col's rows").fill(str(rows))
    page.page.get_by_role("textbox", name="Your answer: x_col's columns").fill(str(columns))
    page.page.get_by_role("button", name="Check").click()
    wait_question(page, f"x_col is {rows}x{columns}", "im2col")
    assert "Correct." in question_text(page, "im2col")
