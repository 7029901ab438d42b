"""Plain dataclasses passed between the pipeline stages.

parse -> :class:`Report` (fronts, sections, :class:`Mention` s)
resolve -> :class:`Resolution` per mention
ingest -> events (GeoJSON features, see :mod:`geo.store.events`)

They are deliberately free of pandas so parsers stay cheap and easy to test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Literal

Side = Literal["Russia", "Ukraine", "None"]
InitiativeSource = Literal["stated", "inferred"]
Status = Literal["confirmed", "claimed", "reported"]
Precision = Literal["settlement", "feature", "area"]

# The values each of those may take, in display order (strongest status first).
SIDES: tuple[Side, ...] = ("Russia", "Ukraine", "None")
INITIATIVE_SOURCES: tuple[InitiativeSource, ...] = ("stated", "inferred")
STATUSES: tuple[Status, ...] = ("confirmed", "claimed", "reported")
PRECISIONS: tuple[Precision, ...] = ("settlement", "feature", "area")
KINDS: tuple[str, ...] = ("advance", "attack", "strike", "positional", "withdrawal", "other")
COMPASS: tuple[str, ...] = (
    "north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest",
)  # fmt: skip
"""The directions a :attr:`Mention.bearing` may name."""

NO_FRONT = "(no front)"
"""How events outside every front are named wherever a front name is shown or chosen."""


def front_label(front: str | None) -> str:
    """A front's name for display and filters: :data:`NO_FRONT` for events outside fronts."""
    return front if front else NO_FRONT


@dataclass(slots=True)
class Mention:
    """A place name as written in the report, with where it sits.

    ``start``/``end`` are character offsets into :attr:`Report.text`.
    ``key`` is the spelling-insensitive lookup key (see :func:`geo._text.name_key`).
    ``is_feature`` marks rivers, reservoirs, forests, city districts.
    ``paragraph`` numbers the paragraph inside the report, so the resolver can
    use places named close together as context.

    What the sentence itself says about where the place is, when it says it,
    is read by the parser and used by the resolver before anything else:
    ``oblast_hint`` is the oblast the text names for it ("Ivanivka, Kharkiv
    Oblast", "in Sumy Oblast's Ivanivka"), ``bearing`` a compass direction
    and the name key of the place it is relative to ("northwest of Siversk"
    -> ``("northwest", name_key("Siversk"))``). Oblast names are the
    gazetteer's (``Zaporizhzhia``, ``Kyiv City``, ``Belgorod``; an oblast of
    Russia outside the gazetteer keeps the name the text gives, ``Rostov``);
    directions are one of :data:`COMPASS`.

    ``alt_keys`` are the keys of other names the text gives the same place
    ("Chervonyi (Krasnyi) Lyman", "Dovzhansk (formerly Sverdlovsk)"): the
    resolver may try them when ``key`` finds nothing.
    """

    text: str
    start: int
    end: int
    key: str
    status: Status = "reported"
    kind: str = "other"
    is_feature: bool = False
    paragraph: int = 0
    snippet: str = ""
    oblast_hint: str | None = None
    bearing: tuple[str, str] | None = None
    alt_keys: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class Section:
    """A direction inside a front (``heading`` is ``""`` when the front has none).

    Reports that open each direction with a verdict sentence ("Russian forces
    continued offensive operations in the Kupyansk direction … but did not
    advance") give the direction its own initiative, with that sentence as
    evidence (always ``inferred``: the report does not use the word).
    """

    heading: str
    mentions: list[Mention] = field(default_factory=list)
    initiative: Side | None = None
    initiative_evidence: str | None = None


@dataclass(slots=True)
class Front:
    """One front of a report with the initiative the report gives it.

    ``initiative`` is ``None`` (Python) when unknown; the string ``"None"``
    means the report says no side holds it.
    """

    name: str
    initiative: Side | None = None
    initiative_source: InitiativeSource | None = None
    initiative_evidence: str | None = None
    heading: str = ""
    sections: list[Section] = field(default_factory=list)

    @property
    def mentions(self) -> list[Mention]:
        return [m for s in self.sections for m in s.mentions]


@dataclass(slots=True)
class Report:
    """A parsed report: its date, format, fronts and the mentions outside fronts."""

    date: dt.date
    format: str
    title: str
    text: str
    path: str | None = None
    source_url: str | None = None
    fronts: list[Front] = field(default_factory=list)
    other_mentions: list[Mention] = field(default_factory=list)
    notice: str | None = None
    """What a reader must know about how the report was read, shown by the CLI
    and the ingest summary: "special edition: no front sections", "not a
    Russia–Ukraine report: no places read"; ``None`` for an ordinary report."""

    def front(self, name: str) -> Front | None:
        return next((f for f in self.fronts if f.name == name), None)

    def to_dict(self) -> dict:
        """The JSON shape printed by ``frontline parse`` (a public contract)."""
        return {
            "date": self.date.isoformat(),
            "format": self.format,
            "title": self.title,
            "source_url": self.source_url,
            "notice": self.notice,
            "fronts": [
                {
                    "name": f.name,
                    "initiative": f.initiative,
                    "initiative_source": f.initiative_source,
                    "initiative_evidence": f.initiative_evidence,
                    "sections": [
                        {
                            "heading": s.heading,
                            "initiative": s.initiative,
                            "initiative_evidence": s.initiative_evidence,
                            "mentions": [_mention_json(m) for m in s.mentions],
                        }
                        for s in f.sections
                    ],
                }
                for f in self.fronts
            ],
            "other_mentions": [_mention_json(m) for m in self.other_mentions],
        }


def _mention_json(m: Mention) -> dict:
    return {
        "text": m.text,
        "start": m.start,
        "end": m.end,
        "status": m.status,
        "kind": m.kind,
        "feature": m.is_feature,
        "oblast_hint": m.oblast_hint,
        "bearing": list(m.bearing) if m.bearing else None,
        "alt_keys": list(m.alt_keys),
    }


@dataclass(slots=True, frozen=True)
class Place:
    """One gazetteer row."""

    place_id: str
    name: str
    lat: float
    lon: float
    feature_code: str
    oblast: str
    raion: str = ""
    population: int = 0
    country: str = "UA"

    @property
    def precision(self) -> Precision:
        """Settlements are points; features (rivers, forests) and admin areas are not."""
        if self.feature_code.startswith("PPLX"):
            return "feature"
        if self.feature_code.startswith("PPL"):
            return "settlement"
        if self.feature_code.startswith("ADM"):
            return "area"
        return "feature"


@dataclass(slots=True)
class Resolution:
    """How one mention was resolved, or why it was not.

    ``place`` is ``None`` when unresolved; ``candidates`` then lists what the
    gazetteer offered so a user can review it.
    """

    place: Place | None
    method: str
    candidates: list[Place] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.place is not None


@dataclass(slots=True)
class ResolvedMention:
    """A mention with its place in the report and the resolver's answer.

    ``front`` is the report's front for the mention (``None`` for mentions
    outside any front section); ``section`` the direction heading or ``""``.
    ``zone_front`` is the front whose zone holds the resolved place
    (:func:`geo.places.zones.zone_front`), which is where a mention outside
    every front section (a strike, a news article) goes on the map.
    """

    mention: Mention
    front: str | None
    section: str
    resolution: Resolution
    zone_front: str | None = None

    @property
    def event_front(self) -> str | None:
        """The front the event is shown on: the report's, else the place's zone."""
        return self.front if self.front is not None else self.zone_front
