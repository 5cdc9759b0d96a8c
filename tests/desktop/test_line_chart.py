"""The loss chart's axes: round ticks that cover the data, labels with just enough decimals."""

from __future__ import annotations

from typing import Any

from desktop.widgets.line_chart import LineChart, Series, nice_ticks, tick_label


def test_ticks_are_round_and_cover_the_data() -> None:
    assert nice_ticks(0.0, 2.8, 6) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    assert nice_ticks(0.0, 2.8, 5) == [0.0, 1.0, 2.0, 3.0]
    assert nice_ticks(1, 20, 5) == [0, 5, 10, 15, 20]
    assert nice_ticks(0.031, 0.049, 4) == [0.03, 0.035, 0.04, 0.045, 0.05]
    assert nice_ticks(3.0, 3.0, 5)[0] < 3.0 < nice_ticks(3.0, 3.0, 5)[-1]
    assert nice_ticks(float("nan"), 1.0) == []
    assert nice_ticks(1, 2, 6, min_step=1) == [1, 2]  # steps 1 and 2: no tick at step 1.2
    assert nice_ticks(1, 6, 4, min_step=1) == [0, 2, 4, 6]
    assert nice_ticks(1, 3, 5, min_step=1) == [1, 2, 3]


def test_tick_labels() -> None:
    assert tick_label(1500.0, 500.0) == "1,500"
    assert tick_label(0.25, 0.25) == "0.25"
    assert tick_label(1.5, 0.5) == "1.5"


def test_chart_draws_series_and_an_empty_message(qtbot: Any) -> None:
    chart = LineChart("Loss", "step", "loss", empty_text="Select a run")
    qtbot.addWidget(chart)
    chart.resize(600, 300)
    empty = chart.grab().toImage()
    chart.set_series([Series("loss", [(1, 2.0), (2, 1.0), (3, 0.5)], "#2563eb"), Series("eval", [])])
    assert [s.name for s in chart.series()] == ["loss"]  # a series without points is left out
    drawn = chart.grab().toImage()
    assert drawn != empty
    blue = sum(1 for x in range(0, 600, 2) for y in range(0, 300, 2)
               if drawn.pixelColor(x, y).blue() > 200 and drawn.pixelColor(x, y).red() < 80)
    assert blue > 20  # the loss line is on the canvas
