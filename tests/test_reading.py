"""Reading report files: limits, binary and encoding checks, markup stripping."""

from __future__ import annotations

import codecs
import os
import threading

import pytest

from geo.errors import ReportError
from geo.parse.reading import (
    bytes_to_text,
    excerpt,
    html_to_text,
    markdown_to_text,
    read_report,
)


def _write(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_empty_file_is_refused(tmp_path):
    p = _write(tmp_path, "empty.txt", b"  \n\n ")
    with pytest.raises(ReportError, match="empty file") as exc:
        read_report(p)
    assert str(p) in str(exc.value)


def test_missing_file_is_a_report_error(tmp_path):
    with pytest.raises(ReportError, match="not found"):
        read_report(tmp_path / "nope.txt")


def test_binary_file_is_refused(tmp_path):
    p = _write(tmp_path, "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(ReportError, match="binary"):
        read_report(p)


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTLINE_MAX_REPORT_BYTES", "1000")
    p = _write(tmp_path, "big.txt", b"Kyiv. " * 400)
    with pytest.raises(ReportError, match="limit"):
        read_report(p)


def test_utf8_bom_and_utf16_bom_decode(tmp_path):
    text = "Headline – Day 1 (May 1, 2024)\nFighting near Chasiv Yar.\n"
    a = read_report(_write(tmp_path, "a.txt", codecs.BOM_UTF8 + text.encode("utf-8")))
    b = read_report(_write(tmp_path, "b.txt", text.encode("utf-16")))  # BOM included
    assert a == b == text
    assert not a.startswith("\ufeff")


def test_cp1251_only_when_clearly_cyrillic(tmp_path):
    cyr = "Бої тривали біля Часового Яру та Покровська протягом дня.\n".encode("cp1251")
    assert "Часового" in read_report(_write(tmp_path, "uk.txt", cyr))
    # Latin text with a few stray high bytes is not "clearly cp1251".
    junk = "Café near Bakhmut, à la fin, déjà vu.\n".encode("latin-1")
    with pytest.raises(ReportError, match="not valid UTF-8"):
        read_report(_write(tmp_path, "bad.txt", junk))


def test_html_keeps_blocks_and_drops_scripts():
    html = (
        "<html><head><title>T – Day 2 (May 2, 2024)</title><style>.x{}</style></head><body>"
        "<h2>Donetsk Front – Initiative Russia</h2><p>Attacks near <b>Siversk</b>&nbsp;and"
        " Spirne.</p><script>var a = 'Kupiansk';</script><ul><li>one</li><li>two</li></ul>"
        "</body></html>"
    )
    text = bytes_to_text(html.encode(), "x.html", kind="html")
    lines = [ln for ln in text.splitlines() if ln]
    assert lines[0] == "T – Day 2 (May 2, 2024)"
    assert "Donetsk Front – Initiative Russia" in lines
    assert "Attacks near Siversk and Spirne." in lines
    assert "- one" in lines and "- two" in lines
    assert "Kupiansk" not in text and ".x{}" not in text
    assert html_to_text("<p>a</p><p>b</p>").split() == ["a", "b"]


def test_markdown_is_stripped_but_headings_stay_lines():
    md = (
        "# Title – Day 3 (May 3, 2024)\n\n## Kharkiv Front – Initiative Russia\n\n"
        "**Bold** near [Lyptsi](http://x/y) and *Hlyboke*.\n\n* item one\n"
    )
    out = markdown_to_text(md)
    text = bytes_to_text(md.encode(), "r.md", kind="markdown")
    assert "Kharkiv Front – Initiative Russia" in text.splitlines()
    assert "Bold near Lyptsi and Hlyboke." in text.splitlines()
    assert "- item one" in out
    assert "#" not in text and "**" not in text and "http" not in text


def test_whitespace_is_normalised():
    text = bytes_to_text("A\u00a0 b\t c\r\n\r\n\r\n\r\nd\u200b e\n".encode())
    assert text == "A b c\n\nd e\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_report(fifo)
        except BaseException as exc:  # the thread reports what happened
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(30)  # a hang guard, not a timing: a blocking open would never return
    if worker.is_alive():
        # unblock the reader so the test process can end, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO blocked")
    assert len(outcome) == 1 and isinstance(outcome[0], ReportError)
    assert "not a regular file" in str(outcome[0]) and str(fifo) in str(outcome[0])


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ReportError, match="folder"):
        read_report(tmp_path)


def test_markdown_footnote_links_and_leftover_emphasis():
    md = (
        "#### **Russian objective: Hold the line**\n"
        "####  ****Russian objective: Push back****.\n"
        "** _Effort #1 – Kharkiv Oblast_****_(_ objective: more)**\n"
        "Troops advanced.[[xii]](https://example.org/analysis/<#_edn12>) More [link](http://a/b(c)d).\n"
        "* [](https://example.org/<javascript:void\\(0\\)>)\n"
        "see t.me/voin_dv and snake_case\n"
    )
    lines = [ln for ln in markdown_to_text(md).splitlines() if ln.strip()]
    assert lines[0] == "Russian objective: Hold the line"
    assert lines[1] == "Russian objective: Push back."
    assert lines[2] == " Effort #1 – Kharkiv Oblast( objective: more)"
    assert lines[3] == "Troops advanced.[xii] More link."
    assert lines[4].strip() == "-"  # a footer link with no text is an empty bullet
    assert lines[5] == "see t.me/voin_dv and snake_case"


@pytest.mark.parametrize("unit", ["*a ", "[", "[a](b", "**a __b _c ", "![", "# " + " " * 50])
def test_hostile_markdown_is_read(unit):
    # shapes that made the old patterns backtrack; speed is measured in bench/linear.py
    md = unit * 2000
    out = markdown_to_text(md)
    assert isinstance(out, str) and len(out) <= len(md) + 4


def test_comma_joined_paragraphs_are_split_back():
    nb = "\u00a0"
    parts = [
        "Ann Example, Bo Sample",
        "May 1, 6pm ET" + nb,
        "Fighting went on near Bakhmut over 11,300 square kilometers. More words follow here.",
        "Key Takeaways" + nb,
        "A takeaway sentence ends here.",
        "Another takeaway sentence ends here., Then one after a comma and a space.",
    ] * 8
    text = ",".join(parts) + "," + nb + ",,"
    out = bytes_to_text(text.encode(), "x.txt", kind="text").splitlines()
    lines = [ln for ln in out if ln]
    assert lines[:5] == [
        "Ann Example, Bo Sample",
        "May 1, 6pm ET",
        "Fighting went on near Bakhmut over 11,300 square kilometers. More words follow here.",
        "Key Takeaways",
        "A takeaway sentence ends here.",
    ]
    assert lines[5] == "Another takeaway sentence ends here."
    assert lines[6] == "Then one after a comma and a space."
    # ordinary prose is never touched
    prose = "Troops, tanks, and guns moved. Officials said so, again. " * 40
    assert bytes_to_text(prose.encode(), "y.txt") == prose.strip() + "\n"


def test_error_excerpts_stay_short():
    long = "x" * 1_000_000
    assert len(excerpt(long)) < 130 and excerpt(long).endswith("…'")
    assert excerpt("short  text\nhere") == "'short text here'"


def test_a_saved_publisher_page_is_read_from_its_report_body_only(tmp_path):
    """A page saved from the publisher's site (as a browser or a crawler keeps it) is cut
    to the report: the menu's place names and the footer never become mentions."""
    import datetime as dt

    from publisher import new_page, old_page

    from geo.parse.report import parse_file

    day = dt.date(2025, 12, 1)
    for make in (new_page, old_page):
        saved = tmp_path / f"{make.__name__}.html"
        saved.write_text(make(day), encoding="utf-8")
        report = parse_file(saved)
        assert report.date == day and report.source_url and day.strftime("%Y") in report.title
        assert "Kramatorsk" not in report.text and "footer" not in report.text
        assert "Donate" not in report.text
        assert any(f.mentions for f in report.fronts)


def test_a_publisher_page_without_a_known_body_is_one_error_naming_the_file(tmp_path):
    from geo.errors import ReportError
    from geo.parse.report import parse_file

    saved = tmp_path / "odd page.html"
    saved.write_text(
        '<html><head><title>Russian Offensive Campaign Assessment, May 3, 2025</title>'
        '<link rel="canonical" href="https://understandingwar.org/research/russia-ukraine/x/">'
        '<meta property="og:site_name" content="Institute for the Study of War"></head>'
        "<body><nav>Kramatorsk menu</nav><div class='unknown'>Text near Pokrovsk.</div>"
        "</body></html>",
        encoding="utf-8",
    )
    with pytest.raises(ReportError) as err:
        parse_file(saved)
    assert "odd page.html" in str(err.value) and "no report body" in str(err.value)
    assert "\n" not in str(err.value)
