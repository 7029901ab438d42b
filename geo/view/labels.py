"""Front labels: what each front's label says, where its events are, and the report behind it.

Where exactly a label goes is decided in the browser (it depends on the
window, the zoom and the markers' pixel sizes; see ``fl.placeLabels`` in
:mod:`geo.view.mapview`); this module gives it what it needs: the front's
events' centre and extent, and the text. Over a range the text says which
date's initiative it shows ("as of 2022-06-30") and the label's popup
summarises the range and quotes the report's own sentence when it was
stored (``fronts[].evidence``, kept only for reports ingested with text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence a report gave for a front's initiative."""

    date: dt.date
    title: str
    sentence: str


@dataclass(frozen=True, slots=True)
class FrontLabel:
    """A front's label: where its events are and what initiative to show."""

    front: str
    lat: float
    lon: float
    count: int
    initiative: str | None
    initiative_source: str | None
    bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # south, west, north, east
    as_of: dt.date | None = None  # the date of the initiative shown (said over a range)
    ranged: bool = False
    summary: str = ""  # over a range: "Russia on 12 dates, Ukraine on 2"
    evidence: tuple[Evidence, ...] = field(default=())

    @property
    def text(self) -> str:
        """``"Donetsk — initiative: Russia"``; "(inferred)" when the report did not state it;
        "unknown" when no report in view says (``None`` is a report saying neither side);
        over a range, " as of <date>"."""
        if not self.initiative:
            return f"{self.front} — initiative: unknown"
        suffix = " (inferred)" if self.initiative_source == "inferred" else ""
        when = f" as of {self.as_of.isoformat()}" if self.ranged and self.as_of else ""
        return f"{self.front} — initiative: {self.initiative}{suffix}{when}"


def _summary(known: pd.DataFrame) -> dict[str, str]:
    """Per front, how many dates in view each side held the initiative."""
    if len(known) == 0:
        return {}
    per = known.drop_duplicates(["front", "date"], keep="last")
    counts = per.groupby(["front", "initiative"]).size()
    out: dict[str, str] = {}
    for front in per["front"].unique():
        c = counts[front].sort_values(ascending=False)
        parts = [f"{side} on {n} date{'s' if n != 1 else ''}" for side, n in c.items()]
        out[str(front)] = ", ".join(parts)
    return out


def front_labels(
    events: gpd.GeoDataFrame, ranged: bool = False, evidence: pd.DataFrame | None = None
) -> list[FrontLabel]:
    """One label per named front: its events' centre and extent, its latest initiative.

    Events with no front get no label. The initiative is the one given on the
    latest date in view, so a range shows where things stand at its end (and
    says so when ``ranged``). ``evidence`` (from :func:`evidence_table`) adds
    the report's sentence for that date, when one was stored.
    """
    if len(events) == 0:
        return []
    ev = events[events["front"].notna()]
    if len(ev) == 0:
        return []
    df = pd.DataFrame(
        {
            "front": ev["front"].astype(str).to_numpy(),
            "lat": ev.geometry.y.to_numpy(),
            "lon": ev.geometry.x.to_numpy(),
            "date": pd.to_datetime(ev["date"]).to_numpy(),
            "initiative": ev["initiative"].to_numpy() if "initiative" in ev else None,
            "initiative_source": (
                ev["initiative_source"].to_numpy() if "initiative_source" in ev else None
            ),
        }
    )
    g = df.groupby("front")
    centres = g.agg(
        lat=("lat", "mean"), lon=("lon", "mean"), n=("lat", "size"),
        s=("lat", "min"), w=("lon", "min"), nn=("lat", "max"), e=("lon", "max"),
    )  # fmt: skip
    known = df[df["initiative"].notna()].sort_values(["date", "initiative_source"], kind="stable")
    # stated beats inferred on the same date: "stated" sorts after "inferred", tail keeps it
    latest = known.groupby("front").tail(1).set_index("front")
    summaries = _summary(known) if ranged else {}
    labels = []
    for front, row in centres.iterrows():
        has = front in latest.index
        ini = latest.at[front, "initiative"] if has else None
        src = latest.at[front, "initiative_source"] if has else None
        as_of = pd.Timestamp(latest.at[front, "date"]).date() if has else None
        labels.append(
            FrontLabel(
                str(front),
                float(row["lat"]),
                float(row["lon"]),
                int(row["n"]),
                None if ini is None or pd.isna(ini) else str(ini),
                None if src is None or pd.isna(src) else str(src),
                (float(row["s"]), float(row["w"]), float(row["nn"]), float(row["e"])),
                as_of,
                ranged,
                summaries.get(str(front), ""),
                _evidence_for(evidence, str(front), as_of),
            )
        )
    return sorted(labels, key=lambda x: -x.count)


def evidence_table(reports: list[dict]) -> pd.DataFrame:
    """``date, front, title, sentence`` for every stored initiative sentence.

    ``reports`` is :meth:`geo.store.base.Store.reports`; only reports ingested
    with their text keep ``fronts[].evidence`` (shipped data holds none).
    """
    rows = []
    for r in reports:
        rep = r.get("report") or {}
        try:
            date = dt.date.fromisoformat(str(rep.get("date")))
        except ValueError:
            continue
        for f in r.get("fronts") or []:
            sentence = str(f.get("evidence") or "").strip()
            if sentence and f.get("name"):
                rows.append((date, str(f["name"]), str(rep.get("title") or ""), sentence))
    return pd.DataFrame(rows, columns=["date", "front", "title", "sentence"])


def _evidence_for(
    table: pd.DataFrame | None, front: str, date: dt.date | None
) -> tuple[Evidence, ...]:
    if table is None or date is None or len(table) == 0:
        return ()
    hit = table[(table["front"] == front) & (table["date"] == date)]
    return tuple(Evidence(date, t, s) for t, s in zip(hit["title"], hit["sentence"], strict=True))
