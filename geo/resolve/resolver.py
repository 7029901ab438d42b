"""Front-aware geocoding: pick the right namesake for every mention, or say it cannot.

Ukraine has a hundred Ivanivkas; the name alone decides nothing. What decides is
the report around the name: the front it is filed under (its oblasts are a
prior), and above all the other places named next to it. The right reading of a
section is the set of candidates that lie close together, so the resolver:

1. takes the *anchors*: names with one candidate (``unique``) or one candidate
   in the front's oblasts (``front-oblast``) that fits the rest of the front;
2. scores every candidate of an ambiguous name by how close it lies to the
   anchors, weighting anchors in the same paragraph (and next to it in the
   text) above those in the same section, and those above the rest of the
   front; a candidate wins only when it is clearly better than the runner-up
   (``context-paragraph`` / ``context-section`` / ``context-front``), and each
   win becomes an anchor for the next round;
3. falls back to a major city among the candidates (``major-city``) when the
   context does not point elsewhere, then to the one prominent town of a front
   zone when every namesake is a far-away hamlet (``prominent-town``), and to
   the online geocoder for names the gazetteer lacks (``online``).

Anything else stays unresolved (``ambiguous`` with its candidates, or
``unknown``): a wrong namesake on the map is worse than a missing point.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from geo._text import name_key
from geo.distance import haversine_km
from geo.model import Front, Mention, Place, Report, Resolution, ResolvedMention, Section
from geo.places.fronts import canonical_front, front_oblasts, in_russia
from geo.places.gazetteer import MAJOR_CODES, Gazetteer, is_major
from geo.places.zones import zone_front

GONE_CODES = frozenset({"PPLQ", "PPLH"})
DUPLICATE_KM = 3.0  # same name closer than this: one place recorded twice
SIGMA_KM = 15.0  # length scale of "close together" on a front
MAX_ANCHOR_KM = 60.0  # the winner must lie this close to some anchor
MARGIN = 2.0  # ... and score at least this many times the runner-up
CITY_NAMESAKE_KM = 15.0  # a village beats a major city namesake only this close to its paragraph
TOWN_POPULATION = 20_000  # a town a report may name as a reference point ("the H20 X-Y highway")
TOWN_NAMESAKE_KM = 50.0  # ... that is plausible when this close to the paragraph's places
PROMINENT_POPULATION = 10_000  # a town a bare name means when its namesakes are far hamlets
OUTSKIRTS_KM = 5.0  # a namesake this close to a town is its suburb, not a rival
FAR_FROM_FRONT_KM = 100.0  # a one-candidate name this far from the front is suspect
FEATURE_FAR_KM = 50.0  # ... and a river's or reservoir's one point this far
LEVEL_WEIGHT = {"paragraph": 1.0, "section": 0.5, "front": 0.25}
_CODE_RANK = {"PPLC": 0, "PPLA": 0, "PPLA2": 0, "PPLA3": 0, "PPLA4": 0, "PPL": 1}


def _km(a: Place, b: Place) -> float:
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def city_namesakes(cands: Sequence[Place], key: str) -> list[Place]:
    """The major cities among ``cands`` that bear the name itself.

    A city matched only through a historical name (Stanislav for
    Ivano-Frankivsk) does not make a village of that name suspect.
    """
    majors = [p for p in cands if is_major(p)]
    named = [p for p in majors if name_key(p.name) == key]
    return named if named or not key else []


def _rank(p: Place) -> tuple:
    num = p.place_id.split(":")[-1]
    return (
        _CODE_RANK.get(p.feature_code, 2),
        -p.population,
        int(num) if num.isdigit() else 0,
        p.place_id,
    )


_DUP_DLAT = 0.03  # degrees of latitude: more than 3 km apart whatever the longitude


def dedupe(places: Sequence[Place]) -> list[Place]:
    """Collapse records of one place (same name, < 3 km apart) to the best-ranked one.

    GeoNames holds some villages twice; counting them as two namesakes would make
    a clear case look ambiguous.
    """
    kept: list[Place] = []
    for p in sorted(places, key=_rank):
        lat = p.lat
        # a latitude gap of 0.03 degrees is 3.3 km: no haversine needed to keep both
        if all(abs(lat - q.lat) > _DUP_DLAT or _km(p, q) >= DUPLICATE_KM for q in kept):
            kept.append(p)
    order = {p.place_id: i for i, p in enumerate(places)}
    return sorted(kept, key=lambda p: order[p.place_id])


def _by_type(cands: list[Place], is_feature: bool) -> list[Place]:
    """A river is not a village of the same name, and vice versa (when both exist)."""
    if is_feature:
        feats = [p for p in cands if p.precision != "settlement"]
        return feats or cands
    towns = [p for p in cands if p.precision == "settlement"]
    # an abandoned or destroyed-and-gone village is rarely the one a report means
    live = [p for p in towns if p.feature_code not in GONE_CODES]
    return live or towns or cands


@dataclass(slots=True)
class _Item:
    mention: Mention
    front: str | None  # canonical front name, None outside fronts
    section: str
    fi: int  # front index (-1 outside fronts)
    si: int  # section index
    order: int  # position in the report's mention sequence
    cands: list[Place]
    prior: list[Place]  # candidates in the front's oblasts
    place: Place | None = None
    method: str = ""
    key: str = ""  # the mention's name key (computed when the parser left it empty)
    # the items of the same front (or all items outside fronts): the only ones
    # that can be context for this one (see :func:`_level`)
    peers: list[_Item] = field(default_factory=list)
    tried: int = -1  # resolved peers when context last failed to decide this item


def _items(report: Report, gaz: Gazetteer) -> list[_Item]:
    items: list[_Item] = []
    # per (key, is_feature): the same names come back in every report, and
    # deduplicating "Oleksandrivka" (100+ records) is quadratic in its records
    cache = gaz.memo("resolver.candidates")

    def cands(m: Mention) -> list[Place]:
        key = (m.key or name_key(m.text), bool(m.is_feature))
        got = cache.get(key)
        if got is None:
            got = cache[key] = _by_type(dedupe(gaz.candidates(key[0])), key[1])
        return got

    for fi, front in enumerate(report.fronts):
        fname = canonical_front(front.name) if front.name else front.name
        obl = front_oblasts(fname)
        russian = in_russia(fname)
        for si, sec in enumerate(front.sections):
            for m in sec.mentions:
                c = cands(m)
                if russian:
                    c = _as_written_in_russia(c, m.key or name_key(m.text))
                prior = [p for p in c if p.oblast in obl] if obl else list(c)
                it = _Item(m, front.name, sec.heading, fi, si, len(items), c, prior)
                it.key = m.key or name_key(m.text)
                items.append(it)
    for m in report.other_mentions:
        c = cands(m)
        it = _Item(m, None, "", -1, -1, len(items), c, list(c))
        it.key = m.key or name_key(m.text)
        items.append(it)
    groups: dict[int, list[_Item]] = {}
    for it in items:
        groups.setdefault(it.fi, []).append(it)
    for it in items:
        it.peers = groups[it.fi]
    return items


def _as_written_in_russia(cands: list[Place], key: str) -> list[Place]:
    """On a front in Russia, a Ukrainian place counts only under its own name.

    "Lyubimovka" on the Kursk front is a Kursk village the gazetteer may lack,
    not a Liubymivka in Sumy Oblast that GeoNames also lists under its Russian
    name; "Yunakivka", written the Ukrainian way, is the Sumy village.
    """
    return [p for p in cands if p.country != "UA" or name_key(p.name) == key]


def _level(a: _Item, b: _Item) -> str | None:
    """How closely two mentions share context: paragraph, section, front, or not at all."""
    if a.fi < 0 or b.fi < 0:
        # outside fronts only the paragraph counts (a news article mixes regions freely)
        return "paragraph" if a.fi == b.fi and a.mention.paragraph == b.mention.paragraph else None
    if a.fi != b.fi:
        return None
    if a.si != b.si:
        return "front"
    return "paragraph" if a.mention.paragraph == b.mention.paragraph else "section"


def _anchors(it: _Item, items: list[_Item], levels: tuple[str, ...]) -> list[tuple[Place, float]]:
    """Resolved places around ``it`` with their weight as context, each place once.

    A city named six times as a reference point ("southwest of Donetsk City")
    must not outvote six different villages; major cities count half for the
    same reason.
    """
    best: dict[str, tuple[Place, float]] = {}
    for other in it.peers or items:
        if other is it or other.place is None or other.key == it.key:
            continue
        lvl = _level(it, other)
        if lvl not in levels:
            continue
        w = LEVEL_WEIGHT[lvl]
        if lvl == "paragraph":
            # lists in reports run along the front: a neighbour in the text counts more
            w *= 1.0 + 2.0 / (1.0 + abs(other.order - it.order))
        if is_major(other.place):
            w *= 0.5
        pid = other.place.place_id
        if pid not in best or best[pid][1] < w:
            best[pid] = (other.place, w)
    return list(best.values())


def _choose(
    cands: list[Place], anchors: list[tuple[Place, float]], key: str = "", local: bool = True
) -> tuple[Place | None, str]:
    """The candidate that clearly fits the anchors best, or ``None``; and why.

    ``local`` says the anchors are the mention's own paragraph: only there may a
    village beat a major city of the same name (a report that says "Zaporizhia"
    in a section about Kherson villages still means the city).
    """
    if not anchors or len(cands) < 2:
        return None, ""
    scored: list[tuple[float, float, Place]] = []
    for c in cands:
        dists = [(_km(c, a), w) for a, w in anchors]
        s = sum(w * math.exp(-d / SIGMA_KM) for d, w in dists)
        scored.append((s, min(d for d, _ in dists), c))
    scored.sort(key=lambda t: (-t[0], t[1]))
    (s1, d1, best), (s2, _d2, _) = scored[0], scored[1]
    if d1 > MAX_ANCHOR_KM:
        return None, ""
    majors = city_namesakes(cands, key)
    if s1 >= MARGIN * s2:
        if majors and not is_major(best):
            # "Kyiv" needs strong evidence to be a village; an oblast capital's
            # bare name always means the capital
            capital = any(c.feature_code in MAJOR_CODES for c in majors)
            if capital or d1 > CITY_NAMESAKE_KM or not local:
                return None, ""
        return best, ""
    # Close call between candidates that both fit: tie-breakers, in order of trust.
    close = [c for s, d, c in scored if s >= s1 / MARGIN and d <= MAX_ANCHOR_KM / 2]
    if len(close) < 2 or any(is_major(c) for c in cands):
        return None, ""
    for why, test in (
        ("raion", _raion_test([a for a, _ in anchors])),
        ("name", lambda p: name_key(p.name) == key),
        ("size", lambda p: _is_centre(p, close)),
    ):
        winners = [c for c in close if test(c)]
        if len(winners) == 1:
            return winners[0], why
    return None, ""


def _raion_test(anchors: list[Place]):
    """The raion that holds two thirds of the context (a front runs through few raions).

    Major cities are left out: they are named as reference points ("southwest
    of Donetsk City"), not as places of the fighting.
    """
    anchors = [a for a in anchors if not is_major(a)] or anchors
    raions = [a.raion for a in anchors if a.raion]
    top = max(set(raions), key=raions.count) if raions else ""
    if not top or raions.count(top) * 3 < 2 * len(anchors):
        return lambda p: False
    return lambda p: p.raion == top


def _says_city(m: Mention) -> bool:
    """A name followed by "City": the writer already said which namesake."""
    return m.text.rstrip().lower().endswith(" city")


def _town_conflict(best: Place, pool: list[Place], para: list[tuple[Place, float]]) -> bool:
    """A village winner while a town of the same name also fits the paragraph.

    "Kostiantynivka" in a paragraph about Avdiivka and Marinka may be the town
    on the H20 highway or the village near Marinka; the scores cannot tell a
    reference point from a place of fighting, so neither is chosen.
    """
    if best.population >= TOWN_POPULATION or not para:
        return False
    # a major city is everyone's reference point ("southwest of Donetsk City")
    refs = [a for a, _ in para if not is_major(a)]
    towns = [p for p in pool if p is not best and p.population >= TOWN_POPULATION]
    return bool(refs) and any(min(_km(t, a) for a in refs) <= TOWN_NAMESAKE_KM for t in towns)


def _is_centre(p: Place, others: list[Place]) -> bool:
    """An administrative centre (or a town ten times larger) among villages."""
    rest = [o for o in others if o is not p]
    if p.feature_code.startswith("PPLA"):
        return not any(o.feature_code.startswith("PPLA") for o in rest)
    return p.population >= 1000 and all(p.population >= 10 * o.population for o in rest)


_LADDER = (
    ("context-paragraph", ("paragraph",)),
    ("context-section", ("paragraph", "section")),
    ("context-front", ("paragraph", "section", "front")),
)


def _pool(it: _Item) -> list[Place]:
    """The front's candidates, plus any major city: it may be named from any front."""
    if len(it.prior) < 2:
        return it.cands
    return it.prior + [p for p in it.cands if is_major(p) and p not in it.prior]


def _context_rounds(items: list[_Item]) -> int:
    n = 0
    for _ in range(8):
        decided: list[tuple[_Item, Place, str]] = []
        # An item's context is its resolved peers, and places are only ever added
        # here: while their number is unchanged, an undecided item stays undecided.
        done: dict[int, int] = {}
        for it in items:
            if it.place is not None or len(it.cands) < 2:
                continue
            if it.fi not in done:
                done[it.fi] = sum(o.place is not None for o in it.peers)
            version = done[it.fi]
            if it.tried == version:
                continue
            it.tried = version
            para = _anchors(it, items, ("paragraph",))
            for method, levels in _LADDER:
                if it.fi < 0 and levels != ("paragraph",):
                    break
                anchors = para if levels == ("paragraph",) else _anchors(it, items, levels)
                local = levels == ("paragraph",)
                best, why = _choose(_pool(it), anchors, it.key, local)
                if best is not None and _town_conflict(best, it.cands, para):
                    break
                if best is not None:
                    decided.append((it, best, f"{method}-{why}" if why else method))
                    break
        if not decided:
            break
        for it, p, method in decided:
            it.place, it.method = p, method
        n += len(decided)
    return n


MUTUAL_MAX_POOL = 8  # a name with more namesakes than this has one near everything
MUTUAL_KM = 30.0


def _peer_pool(o: _Item) -> list[Place]:
    """Where an unresolved neighbour may lie; a name a major city bears is the city."""
    return city_namesakes(o.cands, o.key) or _pool(o)


def _mutual(items: list[_Item]) -> int:
    """Ambiguous names of one paragraph that have exactly one way to lie close together.

    Each candidate is scored by the nearest candidate of every *other* ambiguous
    name in the paragraph (and the resolved anchors there); the winner must be
    clearly ahead, as in :func:`_choose`.
    """
    open_ = [it for it in items if it.place is None and len(it.cands) >= 2]
    decided: list[tuple[_Item, Place]] = []
    for it in open_:
        pool = _pool(it)
        peers = [
            o for o in open_
            if o is not it and o.key != it.key
            and _level(it, o) == "paragraph" and len(_peer_pool(o)) <= MUTUAL_MAX_POOL
        ]  # fmt: skip
        if not peers:
            continue
        anchors = _anchors(it, items, ("paragraph",))
        scored = []
        for c in pool:
            near = [(min(_km(c, q) for q in _peer_pool(o)), 1.0) for o in peers]
            near += [(_km(c, a), w) for a, w in anchors]
            s = sum(w * math.exp(-d / SIGMA_KM) for d, w in near)
            scored.append((s, min(d for d, _ in near), c))
        scored.sort(key=lambda t: (-t[0], t[1]))
        (s1, d1, best), (s2, _, _) = scored[0], scored[1]
        if (
            d1 <= MUTUAL_KM and s1 >= MARGIN * s2 and not any(is_major(c) for c in it.cands)
            and not _town_conflict(best, it.cands, anchors)
        ):  # fmt: skip
            decided.append((it, best))
    for it, p in decided:
        it.place, it.method = p, "context-mutual"
    return len(decided)


def _front_settlements(it: _Item, items: list[_Item]) -> list[Place]:
    """The resolved settlements of ``it``'s front, other than ``it``.

    Only settlements count: a river's or a spit's one point says little about
    where a front runs.
    """
    return [
        o.place for o in it.peers or items
        if o.place is not None and o.fi == it.fi and o is not it
        and o.place.precision == "settlement"
    ]  # fmt: skip


def _front_anchor_ok(p: Place, it: _Item, items: list[_Item]) -> bool:
    """A single front-oblast candidate must lie near the front's settlements, if any."""
    ref = _front_settlements(it, items)
    if it.fi < 0 or not ref:
        return True
    return min(_km(p, q) for q in ref) <= FAR_FROM_FRONT_KM


def _lone_centre(it: _Item, items: list[_Item]) -> Place | None:
    """The one raion (or oblast) centre among the front-oblast candidates, if the
    front's places give no namesake a claim (none lies within reach of them)."""
    centres = [
        p for p in it.prior
        if p.feature_code in ("PPLA", "PPLA2") and name_key(p.name) == it.key
    ]  # fmt: skip
    if len(centres) != 1 or not _front_anchor_ok(centres[0], it, items):
        return None
    ctx = [a for a, _ in _anchors(it, items, ("paragraph", "section", "front"))]
    if any(_km(p, a) <= MAX_ANCHOR_KM for p in it.cands for a in ctx):
        return None
    return centres[0]


def _prominent(p: Place) -> bool:
    return p.population >= PROMINENT_POPULATION or p.feature_code in ("PPLA", "PPLA2")


def _prominent_town(it: _Item, items: list[_Item]) -> Place | None:
    """The one town (10k+ people or a raion centre) of a front zone bearing the
    name, when every namesake is a village a tenth its size or less and none of
    them lies within reach of the places around the mention.

    A war report naming "Rubizhne" or "Lyman" without nearby places means the
    town the war is about, not a hamlet of the same name; a hamlet near the
    report's places keeps the name ambiguous.
    """
    towns = [
        p for p in it.cands
        if _prominent(p) and name_key(p.name) == it.key and zone_front(p)
    ]  # fmt: skip
    if len(towns) != 1:
        return None
    town = towns[0]
    # a hamlet on the town's outskirts is the same point to a map reader
    rest = [p for p in it.cands if p is not town and _km(p, town) > OUTSKIRTS_KM]
    # rivals by size are places bearing the name itself, not an old name of theirs
    rivals = [p for p in rest if name_key(p.name) == it.key]
    if any(_prominent(p) or p.population * 10 > max(town.population, 1) for p in rivals):
        return None
    obl = front_oblasts(it.front) if it.fi >= 0 else ()
    if obl and town.oblast not in obl:
        # a town outside the front's oblasts must lie near the paragraph's places
        para = [a for a, _ in _anchors(it, items, ("paragraph",))]
        if not para or min(_km(town, a) for a in para) > FAR_FROM_FRONT_KM:
            return None
    ctx = [a for a, _ in _anchors(it, items, ("paragraph", "section", "front"))]
    if any(_km(p, a) <= MAX_ANCHOR_KM for p in rest for a in ctx):
        return None
    return town


def _outranked_by_city(p: Place, cands: list[Place], key: str) -> bool:
    """A village whose name is also a major city's needs context, not just its oblast."""
    return not is_major(p) and bool(city_namesakes(cands, key))


OnlineLookup = Callable[[str], "Place | None"]
"""A fallback for names the gazetteer lacks (see :class:`geo.resolve.online.NominatimFallback`)."""


def _lookup_online(online: OnlineLookup, it: _Item) -> Place | None:
    try:
        return online(it.mention.text)
    except Exception:  # the fallback is best effort: never lose a report to it
        return None


def resolve_report(
    report: Report, gaz: Gazetteer, online: OnlineLookup | None = None
) -> list[ResolvedMention]:
    """Resolve every mention of ``report`` (front ones, then ``other_mentions``).

    ``online`` is an optional fallback for names the gazetteer lacks: an object
    with ``lookup(name) -> Place | None`` (see :class:`geo.resolve.online.NominatimFallback`)
    or such a callable. Results come back in mention order.
    """
    items = _items(report, gaz)
    _resolve_items(items)
    for it in items:
        if not it.cands and online is not None:
            p = _lookup_online(online, it)
            if p is not None and (not front_oblasts(it.front) or _front_anchor_ok(p, it, items)):
                it.place, it.method = p, "online"
    return [
        ResolvedMention(
            mention=it.mention,
            front=it.front,
            section=it.section,
            resolution=Resolution(
                place=it.place,
                method=it.method or ("unknown" if not it.cands else "ambiguous"),
                candidates=[] if it.place else list(it.cands),
            ),
            zone_front=zone_front(it.place) if it.place is not None else None,
        )
        for it in items
    ]


def _resolve_items(items: list[_Item]) -> None:
    # 1. unique names: the anchors everything else is judged against;
    # "Mykolaiv City" is the city whatever villages share its name
    for it in items:
        if len(it.cands) == 1:
            it.place, it.method = it.cands[0], "unique"
        elif _says_city(it.mention):
            majors = city_namesakes(it.cands, it.key)
            if len(majors) == 1:
                it.place, it.method = majors[0], "major-city"
    # a one-candidate name far from the rest of its front is more likely a
    # namesake of a place the gazetteer lacks than a jump of 100+ km
    for it in items:
        p = it.place
        if p is not None and it.method == "unique" and it.fi >= 0 and not is_major(p):
            obl = front_oblasts(it.front)
            if obl and p.oblast not in obl and not _front_anchor_ok(p, it, items):
                it.place, it.method = None, "far-from-front"
    # 2. one candidate in the front's oblasts, if it fits the front
    for it in items:
        single = it.place is None and len(it.cands) > 1 and len(it.prior) == 1 and it.fi >= 0
        if not single:
            continue
        # the paragraph outranks the oblast list: a front's places spill over its oblasts
        para = _anchors(it, items, ("paragraph",))
        local, _ = _choose(it.cands, para, it.key)
        if local is not None and _town_conflict(local, it.cands, para):
            continue
        if local is not None and local is not it.prior[0]:
            it.place, it.method = local, "context-paragraph"
        elif local is None and _outranked_by_city(it.prior[0], it.cands, it.key):
            continue  # "Mykolaiv" on the Zaporizhia front is still the city (step 4)
        elif _front_anchor_ok(it.prior[0], it, items):
            it.place, it.method = it.prior[0], "front-oblast"
    # 3. spatial context, in rounds: each round's winners are anchors for the next;
    # when the anchors run out, names that are all ambiguous settle each other
    for _ in range(4):
        changed = _context_rounds(items)
        changed += _mutual(items)
        if not changed:
            break
    # 4. a raion centre of the front's oblasts when nothing of the front is near
    # any namesake ("Hulyaipole" alone on the Zaporizhia front)
    for it in items:
        if it.place is None and it.fi >= 0 and len(it.cands) >= 2:
            centre = _lone_centre(it, items)
            if centre is not None:
                it.place, it.method = centre, "front-oblast-centre"
    # 5. a major city among the candidates, unless the context points elsewhere
    for it in items:
        if it.place is not None or len(it.cands) < 2:
            continue
        majors = city_namesakes(it.cands, it.key) or [p for p in it.cands if is_major(p)]
        if len(majors) != 1:
            continue
        city = majors[0]
        ctx = _anchors(it, items, ("paragraph", "section", "front"))

        def near(p: Place, ctx=ctx) -> bool:
            return min(_km(p, a) for a, _ in ctx) <= MAX_ANCHOR_KM

        # An oblast capital's bare name is the capital (Kyiv named on the Sumy
        # front); another city holds even far from the front's places (Mariupol
        # named on the Kherson front) unless a namesake sits among them.
        capital = city.feature_code in MAJOR_CODES and name_key(city.name) == it.key
        if (
            capital or not ctx or it.fi < 0 or near(city)
            or not any(near(p) for p in it.cands if p is not city)
        ):  # fmt: skip
            it.place, it.method = city, "major-city"
    # 6. a prominent town of a front zone when no namesake is near the context
    # ("the town of Rubizhne" with only Luhansk City around it)
    for it in items:
        if it.place is None and len(it.cands) >= 2:
            town = _prominent_town(it, items)
            if town is not None:
                it.place, it.method = town, "prominent-town"
    # 7. a river's or reservoir's one point may lie anywhere along it: outside
    # the front's oblasts it must lie near the front's settlements
    for it in items:
        p = it.place
        if p is None or p.precision == "settlement" or it.fi < 0:
            continue
        obl = front_oblasts(it.front)
        if not obl or p.oblast in obl:
            continue
        ref = _front_settlements(it, items)
        if not ref or min(_km(p, q) for q in ref) > FEATURE_FAR_KM:
            it.place, it.method = None, "far-from-front"


# --- one name, as a user asks it -------------------------------------------------------


def resolve_name(
    name: str,
    gaz: Gazetteer,
    front: str | None = None,
    near: Iterable[str] = (),
    online: OnlineLookup | None = None,
) -> Resolution:
    """Resolve one name as if it sat in a paragraph with the names ``near`` on ``front``.

    What ``frontline geocode`` and the geopy adapter answer with; an unresolved
    name comes back with its candidates.
    """

    def mention(text: str) -> Mention:
        return Mention(text=text, start=0, end=len(text), key=name_key(text), paragraph=0)

    target = mention(name.strip())
    others = [mention(n.strip()) for n in near if n and n.strip()]
    report = Report(date=dt.date.today(), format="cli", title="", text="")
    if front:
        section = Section("", [target, *others])
        report.fronts = [Front(name=canonical_front(front), sections=[section])]
    else:
        report.other_mentions = [target, *others]
    resolved = resolve_report(report, gaz, online)
    return next(x.resolution for x in resolved if x.mention is target)
