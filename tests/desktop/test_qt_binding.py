"""The Qt binding must not leak references to None.

PySide6 6.12.0 on Python 3.11 dropped one reference to None on every call of a
Qt method returning nothing; a labelling session of a few hundred examples then
aborted the app with "Fatal Python error: none_dealloc". The pin in
packaging/requirements.txt avoids it; this test stops the pin being raised to a
version that has the bug again.
"""

from __future__ import annotations

import sys

from desktop.qt import QLabel


def test_void_qt_calls_keep_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel("x")
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i))
    assert sys.getrefcount(None) - before > -100
