"""The app's widgets and state, driven by Streamlit's AppTest (no browser)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from helpers import APP_FILE, app_count, app_heading, app_runner
from streamlit.testing.v1 import AppTest

from geo.settings import settings
from geo.view.safe import md as md_escape

APP = APP_FILE


@pytest.fixture
def app(store: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FRONTLINE_EVENTS_DIR", str(store))
    monkeypatch.setenv("FRONTLINE_TILES", "0")
    monkeypatch.delenv("FRONTLINE_OVERLAY_DIR", raising=False)

    return app_runner()


_count, _heading = app_count, app_heading


def _qp(at: AppTest) -> dict[str, str]:
    out = {}
    for k in at.query_params:
        v = at.query_params[k]
        out[k] = v if isinstance(v, str) else v[0]
    return out


def test_opens_on_latest_day(app) -> None:
    at = app()
    assert not at.exception, at.exception
    assert _heading(at) == "2024-05-24"
    assert _count(at) == (4, 4)
    assert _qp(at)["date"] == "2024-05-24"
    assert any(settings.geonames_credit in c.value for c in at.caption)


def test_step_buttons_and_slider(app) -> None:
    at = app()
    at.button(key="prev").click().run()
    assert _heading(at) == "2024-05-22" and _count(at) == (4, 4)
    at.button(key="prev").click().run()
    assert _heading(at) == "2024-05-21" and _count(at) == (2, 2)
    at.button(key="next").click().run()
    assert _heading(at) == "2024-05-22"
    # The slider offers only dates with data (no 2024-05-23).
    slider = at.select_slider[0]
    assert [str(o) for o in slider.options] == [
        "20 May 2024", "21 May 2024", "22 May 2024", "24 May 2024",
    ]  # fmt: skip
    slider.set_value(dt.date(2024, 5, 20)).run()
    assert _heading(at) == "2024-05-20" and _count(at) == (3, 3)
    assert _qp(at)["date"] == "2024-05-20"


def test_range_mode_aggregates_per_place(app) -> None:
    at = app()
    at.radio(key="mode_0").set_value("Range").run()
    assert _heading(at) == "2024-05-20 – 2024-05-24"
    assert _count(at) == (13, 8)
    q = _qp(at)
    assert q["from"] == "2024-05-20" and q["to"] == "2024-05-24" and "date" not in q


def test_filters_change_count_and_url(app) -> None:
    at = app()
    at.multiselect(key="fronts").select("Donetsk").run()
    assert _count(at) == (3, 3)
    at.multiselect(key="statuses").select("confirmed").run()
    assert _count(at) == (2, 2)
    q = _qp(at)
    assert q["fronts"] == "Donetsk" and q["status"] == "confirmed"
    dl = at.get("download_button")[0]
    assert dl.proto.label == "Download this view (GeoJSON)"


def test_query_params_restore_the_view(app) -> None:
    at = app(**{"from": "2024-05-20", "to": "2024-05-22", "fronts": "Kharkiv,Nowhere",
                "status": "confirmed,reported", "place": "p-vovch"})  # fmt: skip
    assert not at.exception
    assert at.radio(key="mode_0").value == "Range"
    assert _heading(at) == "2024-05-20 – 2024-05-22"
    assert at.multiselect(key="fronts").value == ["Kharkiv"]  # unknown front dropped
    assert _count(at) == (3, 2)
    assert at.session_state["place"] == "p-vovch"
    assert any(
        "Vovchansk" in md.value and "2 mentions on 2 dates" in md.value for md in at.markdown
    )


def test_bad_query_params_are_ignored(app) -> None:
    at = app(date="not-a-date", zoom="x", center="1,2,3", status="<script>")
    assert not at.exception
    assert _heading(at) == "2024-05-24"
    # A date without data moves to the nearest date that has some.
    at2 = app(date="2024-05-23")
    assert _heading(at2) in ("2024-05-22", "2024-05-24")


def test_empty_store_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTLINE_EVENTS_DIR", str(tmp_path / "none"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("No events" in i.value for i in at.info)


def test_bad_store_file_is_reported_not_fatal(store: Path, app) -> None:
    (store / "2024-05-25_dayseries.geojson").write_text("{not json", encoding="utf-8")
    at = app()
    assert not at.exception
    assert any(md_escape("2024-05-25_dayseries.geojson") in w.value for w in at.warning)
    assert _count(at) == (4, 4)


def _polygon(lon: float) -> str:
    ring = [[lon, 48.0], [lon + 1, 48.0], [lon + 1, 48.8], [lon, 48.0]]
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "<script>x</script>"},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            ],
        }
    )


def test_overlay_nearest_to_the_chosen_date(app, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "overlays"
    folder.mkdir()
    (folder / "area_20240510.geojson").write_text(_polygon(37.0), encoding="utf-8")
    (folder / "area_20240523.geojson").write_text(_polygon(38.0), encoding="utf-8")
    (folder / "notes.geojson").write_text("{}", encoding="utf-8")  # undated: ignored
    monkeypatch.setenv("FRONTLINE_OVERLAY_DIR", str(folder))
    monkeypatch.setenv("FRONTLINE_OVERLAY_SOURCE", "test polygons")
    at = app()
    label = md_escape("area_20240523.geojson (area as of 2024-05-23)")
    assert any(label in c.value and "test polygons" in c.value for c in at.caption)
    assert not at.warning  # one day from the date shown: no age warning
    at.button(key="prev").click().run()
    at.button(key="prev").click().run()  # 2024-05-21: 05-23 is 2 days away, 05-10 is 11
    assert any(md_escape("area_20240523.geojson") in c.value for c in at.caption)


def test_old_overlay_says_how_old_it_is(app, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "overlays"
    folder.mkdir()
    (folder / "area_20220601.geojson").write_text(_polygon(37.0), encoding="utf-8")
    monkeypatch.setenv("FRONTLINE_OVERLAY_DIR", str(folder))
    at = app()
    assert [w.value for w in at.warning] == [
        "The occupied-area overlay is from 2022-06-01, 1 year 11 months before the date shown."
    ]


def test_bad_overlay_file_shows_an_error(app, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "overlays"
    folder.mkdir()
    (folder / "area_20240524.geojson").write_text('{"type": "Point"', encoding="utf-8")
    monkeypatch.setenv("FRONTLINE_OVERLAY_DIR", str(folder))
    at = app()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert md_escape("area_20240524.geojson") in errors and "not valid JSON" in errors
    assert _count(at) == (4, 4)  # the map still works


def test_play_steps_to_the_last_date_and_stops(app, monkeypatch) -> None:
    monkeypatch.setenv("FRONTLINE_PLAY_SECONDS", "0.05")
    at = app()
    at.button(key="prev").click().run()
    at.button(key="prev").click().run()
    assert _heading(at) == "2024-05-21"
    at.button(key="play").click().run()  # plays 05-22, 05-24, then stops at the end
    assert _heading(at) == "2024-05-24"
    assert at.session_state["playing"] is False
    assert at.button(key="play").label == "▶ Play"


def test_gaps_in_the_data_are_shown_and_a_step_across_one_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import REPORTS, write_store

    later = ("2024-09-02", "dayseries", "Day 921 summary", "https://example.org/r/921",
             [("Donetsk", "Russia", "stated")],
             [("p-chasiv", "Donetsk", "", "reported", "attack")])  # fmt: skip
    monkeypatch.setenv("FRONTLINE_EVENTS_DIR", str(write_store(tmp_path / "ev", [*REPORTS, later])))
    monkeypatch.setenv("FRONTLINE_TILES", "0")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2024-05-24"
    at.run()
    gap = md_escape("no reports 2024-05-24 → 2024-09-02 (3 months)")
    assert any("Gaps in the data" in c.value and gap in c.value for c in at.caption)
    at.button(key="next").click().run()
    assert _heading(at) == "2024-09-02"
    assert any("Stepped over a gap" in c.value and gap in c.value for c in at.caption)
    at.button(key="prev").click().run()
    assert any("Stepped over a gap" in c.value for c in at.caption)  # back across it too


def test_a_first_visit_reads_only_the_files_of_what_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session's first run draws the newest day from that day's files: it must complete
    while another thread holds the store's whole-store read (as another session's full
    run may), and read only the newest dates' files."""
    from helpers import REPORTS, write_store

    from geo.store import files as store_files

    extra = [(f"2024-06-{d:02d}", *REPORTS[0][1:]) for d in range(1, 12)]
    folder = write_store(tmp_path / "events", [*REPORTS, *extra])
    monkeypatch.setenv("FRONTLINE_EVENTS_DIR", str(folder))
    monkeypatch.setenv("FRONTLINE_TILES", "0")
    monkeypatch.delenv("FRONTLINE_OVERLAY_DIR", raising=False)
    key = str(folder.resolve())
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:  # a whole-store read in progress, given up after 15 s
        with store_files.build_lock(key):
            taken.set()
            done.wait(15)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    taken.wait(5)
    at = AppTest.from_file(APP, default_timeout=60)
    try:
        at.run()
        assert not done.is_set() and holder.is_alive(), "the first run waited for the whole store"
        read = {name for k, name in list(store_files._file_cache) if k == key}
    finally:
        done.set()
        holder.join()
    assert not at.exception, at.exception
    assert _heading(at) == "2024-06-11" and _count(at) == (3, 3)
    # the newest day, and the days a step away (prepared in the background)
    assert read <= {f"2024-06-{d:02d}_dayseries.geojson" for d in (9, 10, 11)}, read
    at.run()  # the full run that follows: the sidebar, with the whole store
    assert not at.exception, at.exception
    assert [str(o) for o in at.select_slider[0].options][:2] == ["20 May 2024", "21 May 2024"]
    assert at.sidebar.multiselect
