"""Property tests: random or mutated reports either parse or raise ReportError."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import ReportError
from geo.parse.reading import bytes_to_text
from geo.parse.report import parse_text
from geo.places.gazetteer import load_gazetteer

FIX = Path(__file__).parent / "fixtures" / "reports"
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(FIX.glob("*.txt"))]
GAZ = load_gazetteer()
HEADINGS = [
    "Kharkiv Front – Initiative Russia", "Kherson Front – Initiative Maybe", "Key Takeaways",
    "Russian Main Effort—Eastern Ukraine",
    "Key inflections in ongoing military operations on May 1:",
    "Supporting Effort—Southern Axis (Russian objective:",
    "1) Kyiv axis: Russian forces attacked Bucha.",
    "[1] https://example.org", "# Heading", "<p>", "Day 9 (Feb 30, 2024)", "(Kharkiv City)",
]  # fmt: skip


def _check(text: str, fmt: str = "auto", date: dt.date | None = None) -> None:
    try:
        r = parse_text(text, fmt=fmt, date=date, path="prop.txt", gaz=GAZ)
    except ReportError:
        return
    for m in [m for f in r.fronts for m in f.mentions] + r.other_mentions:
        assert r.text[m.start : m.end] == m.text
    r.to_dict()


@st.composite
def mutated(draw):
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["drop", "dup", "insert", "swap", "cut"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "drop" and lines:
            del lines[i]
        elif op == "dup" and lines:
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(HEADINGS) | st.text(max_size=40)))
        elif op == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cut" and lines:
            k = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated(), fmt=st.sampled_from(["auto", "dayseries", "isw", "news"]))
def test_mutated_reports_parse_or_raise_report_error(text, fmt):
    _check(text, fmt)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=600), fmt=st.sampled_from(["auto", "dayseries", "isw", "news"]))
def test_random_text_parses_or_raises_report_error(text, fmt):
    _check(text, fmt, date=dt.date(2024, 1, 1) if len(text) % 2 else None)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=600))
def test_random_bytes_read_or_raise_report_error(data):
    try:
        text = bytes_to_text(data, "prop.bin")
    except ReportError:
        return
    _check(text)


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_seeds_are_valid_reports_or_clear_errors(seed):
    _check(SEEDS[seed])


def test_a_heading_that_is_a_sentence_names_no_section() -> None:
    from geo.parse.formats.base import MAX_SECTION_WORDS, ReportBuilder

    b = ReportBuilder(text="", gaz=None)  # type: ignore[arg-type]
    short = "Subordinate main effort west of Kyiv along the west bank of the Dnipro"
    goal = "Take the rest of the oblast and push on westward into the next one and beyond it"
    assert len(short.split()) <= MAX_SECTION_WORDS < len(goal.split())
    assert b.section("Kyiv", short).heading == short
    assert b.section("Luhansk", goal).heading == ""
    assert [s.heading for s in b.front("Luhansk").sections] == [""]
