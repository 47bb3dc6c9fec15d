"""A session's estimated memory grows with its layer's sizes, from the measured default to the
measured caps (app/page/session_cost.py); the admission counts places by the browsers still
there and memory by every session still held (app/page/admission.py)."""

from __future__ import annotations

import pytest

from app.page import admission
from app.page.session_cost import CAPS, HELD_MB, session_cost_mb, settings_of
from app.settings import Settings


def query(**settings: object) -> dict[str, list[bytes]]:
    return {name: [str(value).encode()] for name, value in settings.items()}


@pytest.mark.parametrize("row", list(HELD_MB))
def test_a_row_costs_its_measured_default_and_caps_and_between_them_in_between(row):
    mode, _, twin = row.partition("+")
    shown = {twin: "true"} if twin else {}
    least, most = HELD_MB[row]
    assert session_cost_mb(settings_of(query(mode=mode, **shown))) <= least + 0.05 * most
    assert session_cost_mb(Settings(**CAPS[row])) == pytest.approx(most)
    halfway = {**CAPS[row], "depth": 8, "n_filters": 8, "kernel_height": 5, "kernel_width": 5}
    halfway |= {"padding": 2, "stride": 2}
    between = session_cost_mb(Settings(**halfway))
    assert least < between < most or least == between == most


def test_a_query_the_demo_would_refuse_costs_what_the_page_shows_instead():
    refused = settings_of(query(mode="nonsense", stride="-3", depth="x"))
    assert session_cost_mb(refused) == session_cost_mb(Settings())


def test_a_visitor_who_left_frees_a_place_but_not_the_memory_still_held(monkeypatch):
    monkeypatch.setattr(admission, "MAX_SESSIONS", 2)
    monkeypatch.setattr(admission, "MAX_MEMORY_MB", 100.0)
    monkeypatch.setattr(admission, "_places", {})
    admission._places["a"] = admission.Place("10.0.0.1", 40.0)
    admission._places["b"] = admission.Place("10.0.0.2", 40.0)
    assert admission.refusal(1.0, "10.0.0.3") == admission.FULL  # two places taken
    admission._places["a"].left = True
    assert admission.refusal(1.0, "10.0.0.3") == ""
    assert admission.refusal(30.0, "10.0.0.3") == admission.FULL  # a's memory is still held
    admission.forget_gone({"b"})
    assert admission.refusal(30.0, "10.0.0.3") == ""
