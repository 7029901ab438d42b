"""News articles: no front structure; a date and the places named.

Date rule: ``--date``; else the first full date in the title or the first 40
lines ("May 4, 2023", "4 May 2023", "2023-05-04"); else a ``YYYY-MM-DD`` in the
file name; else a :class:`ReportError` asking for ``--date``. Every mention is
a non-front mention: front membership comes later, from geography.
"""

from __future__ import annotations

from geo.errors import ReportError
from geo.model import Report
from geo.parse.dates import file_date, full_dates
from geo.parse.formats.base import ParseContext, ReportBuilder, blocks, title_of


class News:
    name = "news"

    def detect(self, text: str) -> float:
        return 0.3

    def parse(self, text: str, ctx: ParseContext) -> Report:
        title = title_of(text)
        date = ctx.date or _date(text, title, ctx.path)
        b = ReportBuilder(text, ctx.gaz)
        for blk in blocks(text):
            b.add(None, "", blk)
        return b.report(date=date, format=self.name, title=title, path=ctx.path)


def _date(text: str, title: str, path: str | None):
    for part in (title, "\n".join(text.split("\n", 40)[:40])):
        ds = full_dates(part)
        if ds:
            return ds[0][1]
    d = file_date(path)
    if d:
        return d
    raise ReportError(path, "no date found; pass --date")


FORMAT = News()
