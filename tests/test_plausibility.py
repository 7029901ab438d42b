"""The plausibility self-check of bench/accuracy.py on the 2023-2026 development reports.

No event of a current report may lie more than 100 km from its front's area or
(for dates the occupied-area polygons cover) from that day's occupied-area
line: that is a marker in the wrong oblast. Runs only where ../shared exists.
"""

from __future__ import annotations

import pytest

from geo.settings import settings

pytestmark = [pytest.mark.shared, pytest.mark.slow]


def _current_reports():
    from geo.ingest import report_files

    root = settings.shared_dir / "reports"
    out = []
    for sub in ("isw-later", "dayseries", "news"):
        if (root / sub).is_dir():
            out += report_files(root / sub)
    return out


def test_no_current_event_over_100_km():
    files = _current_reports()
    if not files:
        pytest.skip("../shared/reports is absent")
    from bench.accuracy import FAIL_KM, check_reports
    from geo.places.gazetteer import load_gazetteer

    events, flags = check_reports(files, load_gazetteer())
    assert events > 500  # the check looked at real events, not an empty parse
    over = [f.line() for f in flags if f.worst > FAIL_KM]
    assert over == []
