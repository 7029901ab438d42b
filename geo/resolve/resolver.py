"""Front-aware geocoding: pick the right namesake for every mention, or say it cannot.

Ukraine has a hundred Ivanivkas; the name alone decides nothing. What decides is
what the text says about the place and the report around it:

0. the sentence itself: an oblast named with the place ("Ivanivka, Kharkiv
   Oblast") keeps only the candidates there; a bearing ("northwest of
   Siversk") keeps those lying that way from the reference (``bearing``);
1. the *anchors*: names with one candidate (``unique``), one candidate in the
   front's oblasts that fits the rest of the front (``front-oblast``);
2. context: every candidate of an ambiguous name is scored by how close it
   lies to the anchors, weighting anchors in the same paragraph (and next to
   it in the text) above those in the same section, and those above the rest
   of the front; a candidate wins only when it is clearly better than the
   runner-up (``context-paragraph`` / ``context-section`` / ``context-front``),
   and each win becomes an anchor for the next round;
3. fallbacks when the context does not point elsewhere: the one candidate in
   the front's own zone (``front-zone``), a raion centre of the front's oblasts
   (``front-oblast-centre``), a major city among the candidates
   (``major-city``), the one prominent town of a front zone when every
   namesake is a far-away hamlet (``prominent-town``), a foreign town bearing a
   name Ukraine has only as an old one (``abroad-town``), and the online
   geocoder for names the gazetteer lacks (``online``).

Places abroad (Russia beyond the border oblasts, Belarus) are candidates only
when the text points abroad (see :mod:`geo.resolve.candidates`). A name is
never resolved by an old name of a city when a village bearing it lies where
the report is. Anything else stays unresolved (``ambiguous`` with its
candidates, ``unknown``, or ``not-in-oblast`` when the oblast the text names
has no such place): a wrong namesake on the map is worse than a missing point.

Work is per :class:`~geo.resolve.context.Unit` (a name in a paragraph) with
bounded context, so resolving is linear in the number of mentions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from geo._text import name_key
from geo.distance import haversine_km
from geo.model import Front, Mention, Place, Report, Resolution, ResolvedMention, Section
from geo.places.fronts import canonical_front, front_oblasts, in_russia
from geo.places.gazetteer import MAJOR_CODES, Gazetteer, is_major
from geo.places.zones import home_place, zone_front
from geo.resolve.candidates import (
    ABROAD_TOWN_POPULATION,
    abroad_joiners,
    angle_off,
    apply_hint,
    azimuth,
    city_namesakes,
    common_name,
    compass_degrees,
    dedupe,
    front_area_km,
    is_home,
    is_main_name,
    km,
    lookup,
    min_km,
    name_keys,
    variant_only,
)
from geo.resolve.context import Context, Unit
from geo.resolve.foreign import drop_before, is_capital, keeps, mention_use, own_spellings
from geo.resolve.usage import Use, called_town, country_after, road_end

__all__ = ["OnlineLookup", "city_namesakes", "dedupe", "resolve_name", "resolve_report"]

SIGMA_KM = 15.0  # length scale of "close together" on a front
MAX_ANCHOR_KM = 60.0  # the winner must lie this close to some anchor
MARGIN = 2.0  # ... and score at least this many times the runner-up
CITY_NAMESAKE_KM = 15.0  # a village beats a major city namesake only this close to the context
TOWN_POPULATION = 20_000  # a town a report may name as a reference point ("the H20 X-Y highway")
TOWN_NAMESAKE_KM = 50.0  # ... that is plausible when this close to the paragraph's places
PROMINENT_POPULATION = 10_000  # a town a bare name means when its namesakes are far hamlets
OUTSKIRTS_KM = 5.0  # a namesake this close to a town is its suburb, not a rival
FAR_FROM_FRONT_KM = 100.0  # a one-candidate name this far from the front is suspect
CAPITAL_REACH_KM = 400.0  # an oblast capital this close to the report's places is their reference
FEATURE_FAR_KM = 50.0  # ... and a river's or reservoir's one point this far
BEARING_KM = 40.0  # "northwest of Siversk": within this distance of Siversk
BEARING_CONE = 45.0  # ... and within this many degrees of northwest
MUTUAL_MAX_POOL = 8  # a name with more namesakes than this has one near everything
MUTUAL_KM = 30.0
ALL_LEVELS = ("paragraph", "section", "front")
_LADDER = (
    ("context-paragraph", ("paragraph",)),
    ("context-section", ("paragraph", "section")),
    ("context-front", ALL_LEVELS),
)

OnlineLookup = Callable[[str], "Place | None"]
"""A fallback for names the gazetteer lacks (see :class:`geo.resolve.online.NominatimFallback`)."""

Anchors = list[tuple[Place, float]]


# --- building the units ---------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """One mention in report order, with where it sits."""

    mention: Mention
    front: str | None
    cfront: str | None
    section: str
    fi: int
    si: int


def _entries(report: Report) -> list[_Entry]:
    out: list[_Entry] = []
    for fi, front in enumerate(report.fronts):
        cf = canonical_front(front.name) if front.name else front.name
        for si, sec in enumerate(front.sections):
            out.extend(_Entry(m, front.name, cf, sec.heading, fi, si) for m in sec.mentions)
    out.extend(_Entry(m, None, None, "", -1, -1) for m in report.other_mentions)
    return out


def _as_written_in_russia(cands: list[Place], key: str) -> list[Place]:
    """On a front in Russia, a Ukrainian place counts only under its own name.

    "Lyubimovka" on the Kursk front is a Kursk village the gazetteer may lack,
    not a Liubymivka in Sumy Oblast that GeoNames also lists under its Russian
    name; "Yunakivka", written the Ukrainian way, is the Sumy village.
    """
    return [p for p in cands if p.country != "UA" or name_key(p.name) == key]


def _new_unit(uid: int, e: _Entry, key: str, gaz: Gazetteer, hint: str | None) -> Unit:
    m = e.mention
    keys = name_keys(m.text, key)
    found = own_spellings(gaz, lookup(gaz, keys, bool(m.is_feature)), keys)
    home = [p for p in found if is_home(p)]
    abroad = [p for p in found if not is_home(p)]
    if in_russia(e.cfront):
        home = _as_written_in_russia(home, key)
    hinted = apply_hint(gaz, found, hint)
    if hinted is not None:
        cands, abroad = hinted, []
    else:
        joiners = abroad_joiners(home, abroad, key)
        cands, abroad = home + joiners, [p for p in abroad if p not in joiners]
    u = Unit(
        uid=uid, key=key, mentions=[], orders=[], front=e.front, cfront=e.cfront,
        section=e.section, fi=e.fi, si=e.si, para=m.paragraph, cands=cands, prior=[],
        abroad=abroad, all_cands=found, weak=variant_only(gaz, found, keys),
        abroad_context=hinted is not None,
    )  # fmt: skip
    if m.bearing is not None:
        deg = compass_degrees(m.bearing[0])
        if deg is not None and m.bearing[1]:
            u.bearing = (deg, name_key(m.bearing[1]) or m.bearing[1])
    _set_prior(u)
    return u


def _set_prior(u: Unit) -> None:
    obl = front_oblasts(u.cfront) if u.fi >= 0 else frozenset()
    u.prior = [p for p in u.cands if p.oblast in obl] if obl else list(u.cands)


def _use(report: Report, gaz: Gazetteer, m: Mention, key: str) -> tuple[Use, bool]:
    """How the sentence uses the name, and whether that makes it no place at all
    (see :mod:`geo.resolve.foreign`)."""
    found = lookup(gaz, name_keys(m.text, key), bool(m.is_feature))
    use = mention_use(report.text, m, is_capital(found, key))
    return use, drop_before(found, key, use)


def _units(
    report: Report, gaz: Gazetteer
) -> tuple[Context, list[tuple[_Entry, Unit | None, Use]]]:
    """One unit per (paragraph, name, oblast hint, bearing); the mentions in report order.

    A mention that is no place (an actor-capital, a foreign name not used as a
    place) gets no unit: it is neither an answer nor anyone's context.
    """
    by_key: dict[tuple, Unit] = {}
    units: list[Unit] = []
    pairs: list[tuple[_Entry, Unit | None, Use]] = []
    for order, e in enumerate(_entries(report)):
        m = e.mention
        key = m.key or name_key(m.text)
        use, drop = _use(report, gaz, m, key)
        if drop:
            pairs.append((e, None, use))
            continue
        # "Rostov, Russia": the country the sentence names, when the parser gave no oblast
        hint = m.oblast_hint or country_after(report.text, m.start, m.end)
        ukey = (e.fi, e.si, m.paragraph, key, hint or "", m.bearing)
        u = by_key.get(ukey)
        if u is None:
            u = by_key[ukey] = _new_unit(len(units), e, key, gaz, hint)
            units.append(u)
        u.mentions.append(m)
        u.orders.append(order)
        u.said_town = u.said_town or called_town(report.text, m.start)
        u.road_end = u.road_end or road_end(report.text, m.start, m.end)
        pairs.append((e, u, use))
    _open_abroad(units)
    ctx = Context(gaz, units, [u for _, u, _ in pairs if u is not None])
    return ctx, pairs


def _points_abroad(u: Unit) -> bool:
    """The name itself says the paragraph is about Russia or Belarus (Belgorod, Moscow).

    Only a town the reader would know by that name says so: a hamlet abroad
    that shares a name with a Mariupol steel plant ("Ilyich") says nothing.
    """
    if u.mention.oblast_hint and u.cands and all(p.country != "UA" for p in u.cands):
        return True
    return bool(u.all_cands) and all(
        p.country != "UA"
        and (is_major(p) or (is_main_name(p, u.key) and p.population >= ABROAD_TOWN_POPULATION))
        for p in u.all_cands
    )


def _open_abroad(units: list[Unit]) -> None:
    """In a paragraph that names a place abroad, foreign namesakes are candidates too
    ("struck an airfield near Belgorod and a depot in Valuyki")."""
    abroad_paras = {(u.fi, u.si, u.para) for u in units if _points_abroad(u)}
    for u in units:
        if (u.fi, u.si, u.para) not in abroad_paras:
            continue
        u.abroad_context = True
        if u.abroad:
            u.cands = u.cands + u.abroad
            u.abroad = []
            _set_prior(u)


# --- scoring against context ----------------------------------------------------------


def _near(p: Place, anchors: Anchors, limit: float) -> bool:
    return any(km(p, a) <= limit for a, _ in anchors)


def _without_weak(
    cands: list[Place], anchors: Anchors, key: str, weak: frozenset[str] = frozenset()
) -> list[Place]:
    """Second-hand names never beat a first-hand one where the report is.

    "Oleksandrivka" is an old name of Donetsk and the name of a front-line
    village: when a village bearing the name lies near the context, the city
    matched through its old name is no candidate. Likewise a spelling variant
    the gazetteer build made (Pervomaiske for a Pervomayskiy) gives way to a
    place GeoNames itself lists under that name near the context.
    """
    if not anchors:
        return cands
    aliased = [p for p in cands if is_major(p) and not is_main_name(p, key)]
    if aliased and any(
        is_main_name(p, key) and _near(p, anchors, MAX_ANCHOR_KM) for p in cands if p not in aliased
    ):
        cands = [p for p in cands if p not in aliased]
    if weak and any(
        p.place_id not in weak and _near(p, anchors, MAX_ANCHOR_KM) for p in cands
    ):
        cands = [p for p in cands if p.place_id not in weak]
    return cands


def _choose(
    cands: list[Place], anchors: Anchors, key: str = "", local: bool = True,
    weak: frozenset[str] = frozenset(),
) -> tuple[Place | None, str]:
    """The candidate that clearly fits the anchors best, or ``None``; and why.

    ``local`` says the anchors are the mention's own paragraph: there a
    village near the places named with it beats a major city of the same
    name; further out it does so only when the city lies far from all of them
    (a report that says "Zaporizhia" in a section about Kherson villages still
    means the city; "Rivne" among Pokrovsk villages is the village).
    """
    if not anchors or len(cands) < 2:
        return None, ""
    cands = _without_weak(cands, anchors, key, weak)
    if len(cands) == 1:
        # the only first-hand namesake where the report is
        return (cands[0], "") if _near(cands[0], anchors, MAX_ANCHOR_KM) else (None, "")
    scored = _scores(cands, anchors)
    scored.sort(key=lambda t: (-t[0], t[1]))
    (s1, d1, best), (s2, _d2, _) = scored[0], scored[1]
    if d1 > MAX_ANCHOR_KM:
        return None, ""
    majors = city_namesakes(cands, key)
    if s1 >= MARGIN * s2:
        if majors and not is_major(best) and not _village_over_city(d1, majors, anchors, local):
            return None, ""
        return best, ""
    return _tie_break(scored, s1, cands, anchors, key)


_VECTOR_PAIRS = 256  # candidate x anchor pairs from which numpy is cheaper than a loop


def _scores(cands: list[Place], anchors: Anchors) -> list[tuple[float, float, Place]]:
    """(score, nearest anchor km, candidate): each anchor adds its weight times
    exp(-distance / SIGMA_KM). A name with a hundred namesakes in a front with a
    hundred places is a matrix, computed at once."""
    if len(cands) * len(anchors) < _VECTOR_PAIRS:
        out = []
        for c in cands:
            dists = [(km(c, a), w) for a, w in anchors]
            s = sum(w * math.exp(-d / SIGMA_KM) for d, w in dists)
            out.append((s, min(d for d, _ in dists), c))
        return out
    alat = np.array([a.lat for a, _ in anchors])
    alon = np.array([a.lon for a, _ in anchors])
    w = np.array([w for _, w in anchors])
    clat = np.array([c.lat for c in cands])[:, None]
    clon = np.array([c.lon for c in cands])[:, None]
    d = haversine_km(clat, clon, alat[None, :], alon[None, :])
    s = (w[None, :] * np.exp(-d / SIGMA_KM)).sum(axis=1)
    dmin = d.min(axis=1)
    return [(float(s[i]), float(dmin[i]), c) for i, c in enumerate(cands)]


def _village_over_city(d1: float, majors: list[Place], anchors: Anchors, local: bool) -> bool:
    """A village close to the context beats a city of its name: in the paragraph,
    unless the city is an oblast capital within reach of the report's places
    (it is then their reference point); further out, only when every such city
    lies far from them."""
    if d1 > CITY_NAMESAKE_KM:
        return False
    capital_near = any(
        c.feature_code in MAJOR_CODES and _near(c, anchors, CAPITAL_REACH_KM) for c in majors
    )
    if local:
        return not capital_near
    return not any(_near(c, anchors, FAR_FROM_FRONT_KM) for c in majors) and not capital_near


def _tie_break(
    scored: list[tuple[float, float, Place]], s1: float, cands: list[Place], anchors: Anchors,
    key: str,
) -> tuple[Place | None, str]:
    """A close call between candidates that both fit: tie-breakers, in order of trust."""
    close = [c for s, d, c in scored if s >= s1 / MARGIN and d <= MAX_ANCHOR_KM / 2]
    if len(close) < 2 or any(is_major(c) for c in cands):
        return None, ""
    tests: tuple[tuple[str, Callable[[Place], bool]], ...] = (
        ("raion", _raion_test([a for a, _ in anchors])),
        ("name", lambda p: name_key(p.name) == key),
        ("size", lambda p: _is_centre(p, close)),
    )
    for why, test in tests:
        winners = [c for c in close if test(c)]
        if len(winners) == 1:
            return winners[0], why
    return None, ""


def _raion_test(anchors: list[Place]) -> Callable[[Place], bool]:
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


def _is_centre(p: Place, others: list[Place]) -> bool:
    """An administrative centre (or a town ten times larger) among villages."""
    rest = [o for o in others if o is not p]
    if p.feature_code.startswith("PPLA"):
        return not any(o.feature_code.startswith("PPLA") for o in rest)
    return p.population >= 1000 and all(p.population >= 10 * o.population for o in rest)


def _says_city(m: Mention) -> bool:
    """A name followed by "City": the writer already said which namesake."""
    return m.text.rstrip().lower().endswith(" city")


def _town_conflict(best: Place, pool: list[Place], para: Anchors) -> bool:
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
    return bool(refs) and any(min(km(t, a) for a in refs) <= TOWN_NAMESAKE_KM for t in towns)


def _pool(u: Unit) -> list[Place]:
    """The front's candidates, plus any major city: it may be named from any front."""
    if len(u.prior) < 2:
        return u.cands
    return u.prior + [p for p in u.cands if is_major(p) and p not in u.prior]


TOWN_STATUS_POPULATION = 2_000  # a place of this size (or an administrative centre) is a town


def _is_town(p: Place) -> bool:
    return p.feature_code.startswith(("PPLA", "PPLC")) or p.population >= TOWN_STATUS_POPULATION


def _town_pool(u: Unit) -> list[Place]:
    """What context chooses from: when the text calls the place a town ("captured
    the town of Zarichne"), its towns only, if it has any; a hamlet of the name
    nearer the paragraph's places is not what the writer meant."""
    pool = _pool(u)
    if not u.said_town:
        return pool
    towns = [p for p in pool if _is_town(p)]
    return towns or pool


def _front_anchor_ok(ctx: Context, p: Place, u: Unit) -> bool:
    """A candidate must lie near the front's settlements, if any."""
    ref = ctx.front_settlements(u)
    if u.fi < 0 or not ref:
        return True
    return min_km(p, ref) <= FAR_FROM_FRONT_KM


# --- the steps ------------------------------------------------------------------------


def _settle_unique(ctx: Context) -> None:
    """Unique names: the anchors everything else is judged against; "Mykolaiv City"
    is the city whatever villages share its name."""
    for u in ctx.units:
        if len(u.cands) == 1:
            ctx.settle(u, u.cands[0], "unique")
        elif len(u.cands) > 1 and _says_city(u.mention):
            majors = city_namesakes(u.cands, u.key)
            if len(majors) == 1:
                ctx.settle(u, majors[0], "major-city")


def _drop_far_uniques(ctx: Context) -> None:
    """A one-candidate name far from the rest of its front is more likely a
    namesake of a place the gazetteer lacks than a jump of 100+ km.

    A place abroad reached by its own name is exempt: a strike on Taganrog is
    reported among the Donetsk front's villages and is still Taganrog.
    """
    for u in ctx.units:
        p = u.place
        if p is None or u.method != "unique" or is_major(p):
            continue
        if not is_home(p):
            if not _abroad_plausible(ctx, u, p):
                ctx.unsettle(u, "far-from-front")
            continue
        obl = front_oblasts(u.cfront)
        if u.fi >= 0 and obl and p.oblast not in obl and (
            not _front_anchor_ok(ctx, p, u) or _far_without_strike(ctx, u, p)
        ):
            ctx.unsettle(u, "far-from-front")


def _far_without_strike(ctx: Context, u: Unit, p: Place) -> bool:
    """A village far from its front's whole area and from the report's other places
    of the front, named in no strike sentence and with no oblast given: a namesake
    of a place the gazetteer lacks (a Mariupol neighbourhood, a town in
    Transnistria), not an event 200 km off. Strikes reach anywhere (drones on
    Odesa's coast under the Zaporizhia front) and stay."""
    if any(m.kind in ("strike", "attack") or m.oblast_hint for m in u.mentions):
        return False
    if front_area_km(ctx.gaz, u.cfront, p) <= FAR_FROM_FRONT_KM:
        return False
    # the report's own places of the front, less the cities named as reference points
    # (a 2022 Sumy-axis paragraph on Chernihiv's villages keeps Kozelets)
    ref = [q for q in ctx.front_settlements(u) if not is_major(q)]
    return min_km(p, ref) > FAR_FROM_FRONT_KM


def _abroad_plausible(ctx: Context, u: Unit, p: Place) -> bool:
    """A place abroad fits when it is a major city, when the text points abroad, or
    when it lies near the report's places there. "Volchansk" among Kharkiv
    villages is Vovchansk spelled the Russian way, not a town in the Urals."""
    if is_home(p) or is_major(p) or u.abroad_context:
        return True
    if is_main_name(p, u.key) and any(m.kind == "strike" for m in u.mentions):
        return True  # "struck Millerovo air base": a strike reaches across the border
    ref = ctx.front_settlements(u) + [a for a, _ in ctx.anchors(u, ALL_LEVELS)]
    return bool(ref) and min_km(p, ref) <= FAR_FROM_FRONT_KM


def _strong(u: Unit, places: list[Place]) -> list[Place]:
    return [p for p in places if p.place_id not in u.weak]


def _settle_singles(ctx: Context, final: bool = False) -> None:
    """One first-hand candidate (``unique``), or one in the front's oblasts that fits
    the front (``front-oblast``); the paragraph outranks both (a front's places
    spill over its oblasts; "Hruzke" among Dobropillya's villages is the one
    GeoNames spells Gruzskoye, not the Hruzke it spells so 140 km away)."""
    for u in ctx.units:
        if u.place is not None or len(u.cands) < 2:
            continue
        strong, prior = _strong(u, u.cands), _strong(u, u.prior)
        if len(strong) == 1:
            single, method = strong[0], "unique"
        elif len(prior) == 1 and u.fi >= 0:
            single, method = prior[0], "front-oblast"
        else:
            continue
        if _against_bearing(ctx, u, single, final):
            continue  # the sentence says where it is: the bearing step decides
        para = ctx.anchors(u, ("paragraph",))
        local, _ = _choose(u.cands, para, u.key, True, u.weak)
        if local is not None and _town_conflict(local, u.cands, para):
            continue
        if local is not None and local is not single:
            ctx.settle(u, local, "context-paragraph")
        elif local is None and _outranked_by_city(single, u.cands, u.key):
            continue  # "Mykolaiv" on the Zaporizhia front is still the city (step 5)
        elif _fits_front(ctx, single, u, method):
            ctx.settle(u, single, method)


def _against_bearing(ctx: Context, u: Unit, p: Place, final: bool) -> bool:
    """The sentence gives a bearing ("Hruzke (northeast of Dobropillya)") that ``p``
    does not lie on, or whose reference may still be found (until the ``final``
    pass): a lone candidate in the front's oblasts, 140 km away, is no answer
    before the bearing is read."""
    if u.bearing is None:
        return False
    ref, waiting = _bearing_ref(ctx, u)
    if ref is None:
        return waiting or (not final and ctx.gaz.has_key(u.bearing[1]))
    return p not in _bearing_fit(u, ref)


def _fits_front(ctx: Context, p: Place, u: Unit, method: str) -> bool:
    if method == "unique" and (p.oblast in front_oblasts(u.cfront) or is_major(p)):
        return True
    return _front_anchor_ok(ctx, p, u)


def _outranked_by_city(p: Place, cands: list[Place], key: str) -> bool:
    """A village whose name is also a major city's needs context, not just its oblast."""
    return not is_major(p) and bool(city_namesakes(cands, key))


def _bearing_ref(ctx: Context, u: Unit) -> tuple[Place | None, bool]:
    """The place a bearing is relative to, and whether it may still be found."""
    assert u.bearing is not None
    ref_key = u.bearing[1]
    waiting = False
    for v, _d in sorted(u.neighbours, key=lambda t: t[1]):
        if v.key == ref_key:
            if v.place is not None:
                return v.place, False
            waiting = waiting or v.open
    if waiting:
        return None, True
    # not named in the paragraph: as the section (or front) resolved it, else its one home
    return ctx.named(u, ref_key) or home_place(ctx.gaz, ref_key), False


def _bearing_fit(u: Unit, ref: Place) -> list[Place]:
    assert u.bearing is not None
    deg = u.bearing[0]
    return [
        p for p in u.cands
        if 0.5 < km(ref, p) <= BEARING_KM and angle_off(azimuth(ref, p), deg) <= BEARING_CONE
    ]  # fmt: skip


def _settle_bearings(ctx: Context) -> int:
    """"Northwest of Siversk": the namesakes lying that way, near it, are the only ones left."""
    n = 0
    for u in ctx.units:
        if u.bearing is None or u.place is not None or len(u.cands) < 2 or u.method == "bearing-":
            continue
        ref, _waiting = _bearing_ref(ctx, u)
        if ref is None:
            continue
        fit = _bearing_fit(u, ref)
        u.method = "bearing-"  # looked at once its reference is known
        if len(fit) == 1:
            ctx.settle(u, fit[0], "bearing")
            n += 1
        elif fit:
            u.cands = fit
            _set_prior(u)
            u.tried = -1
    return n


def _reference_fit(u: Unit) -> list[Place] | None:
    """The candidates of ``u`` from which every resolved place said to lie at a
    bearing of it does lie so; ``None`` when no such place is resolved yet."""
    seen: dict[str, Unit] = {}
    for v, _d in u.neighbours:
        if v.bearing is not None and v.bearing[1] == u.key and v.place is not None:
            seen.setdefault(v.place.place_id, v)
    if not seen:
        return None
    fit = []
    for c in u.cands:
        if all(
            0.5 < km(c, v.place) <= BEARING_KM
            and angle_off(azimuth(c, v.place), v.bearing[0]) <= BEARING_CONE
            for v in seen.values()
            if v.place is not None and v.bearing is not None
        ):
            fit.append(c)
    return fit


def _settle_bearing_references(ctx: Context) -> int:
    """"Northeast of Oleksandrivka near Ivanivka": once Ivanivka is found, the
    Oleksandrivka it is northeast of is the one namesake lying southwest of it.

    Reports name a direction by its town and place everything else by bearings
    from it; the town itself is often a name a hundred villages bear.
    """
    n = 0
    for u in ctx.units:
        if not u.open:
            continue
        fit = _reference_fit(u)
        if fit is not None and len(fit) == 1 and not _town_conflict(
            fit[0], u.cands, ctx.anchors(u, ("paragraph",))
        ):
            ctx.settle(u, fit[0], "bearing-reference")
            n += 1
    return n


def _bearing_pending(ctx: Context, u: Unit) -> bool:
    """The bearing step has not yet read ``u``'s bearing against a found reference
    (the reference may be found in this very round of context)."""
    if u.bearing is None or u.method == "bearing-":
        return False
    ref, waiting = _bearing_ref(ctx, u)
    # a reference named elsewhere in the section may be found in a later round
    return waiting or ref is not None or ctx.gaz.has_key(u.bearing[1])


def _context_choice(ctx: Context, u: Unit) -> tuple[Place, str] | None:
    para = ctx.anchors(u, ("paragraph",))
    pool = _town_pool(u)
    if u.said_town and len(pool) == 1 and len(u.cands) > 1 and _near(pool[0], para, MAX_ANCHOR_KM):
        return pool[0], "context-town"  # "the town of X": its one town near the paragraph
    if u.road_end:
        towns = [p for p in u.cands if p.population >= TOWN_POPULATION or is_major(p)]
        fits = _near(towns[0], para, FAR_FROM_FRONT_KM) if towns and para else bool(towns) and (
            u.fi < 0 or towns[0].oblast in front_oblasts(u.cfront)
        )
        if len(towns) == 1 and fits:
            return towns[0], "road-end"  # "the Kostiantynivka-Donetsk highway": the town
    for method, levels in _LADDER:
        if u.fi < 0 and levels != ("paragraph",):
            break
        anchors = para if levels == ("paragraph",) else ctx.anchors(u, levels)
        best, why = _choose(pool, anchors, u.key, levels == ("paragraph",), u.weak)
        if best is not None and _town_conflict(best, u.cands, para):
            return None
        if best is not None:
            return best, f"{method}-{why}" if why else method
    return None


def _context_rounds(ctx: Context, defer: bool) -> int:
    """Spatial context in rounds: each round's winners are anchors for the next.

    A unit's context only grows while nothing is found in its front, so a unit
    is looked at again only when its front (paragraph, outside fronts) changed.
    With ``defer``, units whose bearing reference may still be found wait.
    """
    n = 0
    for _ in range(8):
        decided: list[tuple[Unit, Place, str]] = []
        for u in ctx.units:
            if not u.open or (defer and _bearing_pending(ctx, u)):
                continue
            version = ctx.version(u)
            if u.tried == version:
                continue
            u.tried = version
            got = _context_choice(ctx, u)
            if got is not None:
                decided.append((u, *got))
        if not decided:
            break
        for u, p, method in decided:
            ctx.settle(u, p, method)
        n += len(decided)
    return n


def _peer_pool(o: Unit) -> list[Place]:
    """Where an unresolved neighbour may lie; a name a major city bears is the city."""
    return city_namesakes(o.cands, o.key) or _pool(o)


def _mutual_choice(ctx: Context, u: Unit) -> Place | None:
    peers = [
        v for v, _d in u.neighbours
        if v.open and v.key != u.key and len(_peer_pool(v)) <= MUTUAL_MAX_POOL
    ]  # fmt: skip
    if not peers:
        return None
    anchors = ctx.anchors(u, ("paragraph",))
    scored = []
    for c in _strong(u, _pool(u)) or _pool(u):
        near = [(min(km(c, q) for q in _peer_pool(o)), 1.0) for o in peers]
        near += [(km(c, a), w) for a, w in anchors]
        s = sum(w * math.exp(-d / SIGMA_KM) for d, w in near)
        scored.append((s, min(d for d, _ in near), c))
    if len(scored) < 2:
        return None
    scored.sort(key=lambda t: (-t[0], t[1]))
    (s1, d1, best), (s2, _, _) = scored[0], scored[1]
    if (
        d1 <= MUTUAL_KM and s1 >= MARGIN * s2 and not any(is_major(c) for c in u.cands)
        and not _town_conflict(best, u.cands, anchors)
    ):  # fmt: skip
        return best
    return None


def _mutual(ctx: Context) -> int:
    """Ambiguous names of one paragraph that have exactly one way to lie close together.

    Each candidate is scored by the nearest candidate of every *other*
    ambiguous name near it in the paragraph (and the resolved anchors there);
    the winner must be clearly ahead, as in :func:`_choose`.
    """
    decided = [(u, p) for u in ctx.units if u.open and (p := _mutual_choice(ctx, u)) is not None]
    for u, p in decided:
        ctx.settle(u, p, "context-mutual")
    return len(decided)


def _zone_single(ctx: Context, u: Unit) -> Place | None:
    """The one candidate in the front's own zone, when nothing of the front is near
    any other namesake ("Makiivka" on the Luhansk front is the Luhansk village,
    not the Donetsk city next door); an oblast capital's bare name stays the capital."""
    zone = [p for p in u.prior if zone_front(p) == u.cfront]
    if len(zone) != 1:
        return None
    p = zone[0]
    others = [c for c in u.cands if c is not p]
    obl = front_oblasts(u.cfront)
    for c in city_namesakes(others, u.key):
        # a capital's bare name is the capital; a city outside the front's oblasts
        # is named from any front ("Kryvyi Rih" on the Kherson front)
        if c.feature_code in MAJOR_CODES or c.oblast not in obl:
            return None
    if not _front_anchor_ok(ctx, p, u):
        return None
    ctx_a = ctx.anchors(u, ALL_LEVELS)
    if any(_near(c, ctx_a, MAX_ANCHOR_KM) for c in others):
        return None
    return p


def _lone_centre(ctx: Context, u: Unit) -> Place | None:
    """The one raion (or oblast) centre among the front-oblast candidates, if the
    front's places give no namesake a claim (none lies within reach of them)."""
    centres = [
        p for p in u.prior if p.feature_code in ("PPLA", "PPLA2") and is_main_name(p, u.key)
    ]  # fmt: skip
    if len(centres) != 1 or not _front_anchor_ok(ctx, centres[0], u):
        return None
    ctx_a = ctx.anchors(u, ALL_LEVELS)
    if any(_near(p, ctx_a, MAX_ANCHOR_KM) for p in u.cands):
        return None
    return centres[0]


def _settle_front_fallbacks(ctx: Context) -> None:
    """The front's own zone, then a raion centre of its oblasts, when nothing of
    the front is near any namesake ("Hulyaipole" alone on the Zaporizhia front)."""
    for u in ctx.units:
        if u.place is None and u.fi >= 0 and len(u.cands) >= 2:
            zone = _zone_single(ctx, u)
            if zone is not None:
                ctx.settle(u, zone, "front-zone")
                continue
            centre = _lone_centre(ctx, u)
            if centre is not None:
                ctx.settle(u, centre, "front-oblast-centre")


def _fallback_city(ctx: Context, u: Unit) -> Place | None:
    """A major city among the candidates, unless the context points elsewhere.

    An oblast capital's bare name is the capital (Kyiv named on the Sumy
    front); another city holds even far from the front's places (Mariupol named
    on the Kherson front) unless a namesake sits among them. A city reached
    through an old name only when few villages bear it and none lies there
    ("Oleksandrivka" is a hundred villages before it is Donetsk's old name).
    """
    majors = city_namesakes(u.cands, u.key)
    if not majors and not common_name(u.cands, u.key):
        majors = [p for p in u.cands if is_major(p)]
    if len(majors) != 1:
        return None
    city = majors[0]
    others = [p for p in u.cands if p is not city]
    para = ctx.anchors(u, ("paragraph",))
    if any(_near(p, para, CITY_NAMESAKE_KM) for p in others) and not _near(
        city, para, FAR_FROM_FRONT_KM
    ):
        return None  # Kamianske named among Avdiivka's villages is the village there
    ctx_a = ctx.anchors(u, ALL_LEVELS)
    if not is_main_name(city, u.key) and any(
        is_main_name(p, u.key) and _near(p, ctx_a, MAX_ANCHOR_KM) for p in others
    ):
        return None
    capital = city.feature_code in MAJOR_CODES and is_main_name(city, u.key)
    if (
        capital or not ctx_a or u.fi < 0 or _near(city, ctx_a, MAX_ANCHOR_KM)
        or not any(_near(p, ctx_a, MAX_ANCHOR_KM) for p in others)
    ):  # fmt: skip
        return city
    return None


def _settle_major_cities(ctx: Context) -> None:
    for u in ctx.units:
        if u.place is None and len(u.cands) >= 2:
            city = _fallback_city(ctx, u)
            if city is not None:
                ctx.settle(u, city, "major-city")


def _prominent(p: Place) -> bool:
    return p.population >= PROMINENT_POPULATION or p.feature_code in ("PPLA", "PPLA2")


def _prominent_town(ctx: Context, u: Unit) -> Place | None:
    """The one town (10k+ people or a raion centre) of a front zone bearing the
    name, when every namesake is a village a tenth its size or less and none of
    them lies within reach of the places around the mention.

    A war report naming "Rubizhne" or "Lyman" without nearby places means the
    town the war is about, not a hamlet of the same name; a hamlet near the
    report's places keeps the name ambiguous.
    """
    towns = [p for p in u.cands if _prominent(p) and is_main_name(p, u.key) and zone_front(p)]
    if len(towns) != 1:
        return None
    town = towns[0]
    # a hamlet on the town's outskirts is the same point to a map reader
    rest = [p for p in u.cands if p is not town and km(p, town) > OUTSKIRTS_KM]
    # rivals by size are places bearing the name itself, not an old name of theirs
    rivals = [p for p in rest if is_main_name(p, u.key)]
    if any(_prominent(p) or p.population * 10 > max(town.population, 1) for p in rivals):
        return None
    obl = front_oblasts(u.cfront) if u.fi >= 0 else frozenset()
    if obl and town.oblast not in obl:
        # a town outside the front's oblasts must lie near the paragraph's places
        para = ctx.anchors(u, ("paragraph",))
        if not para or min(km(town, a) for a, _ in para) > FAR_FROM_FRONT_KM:
            return None
    ctx_a = ctx.anchors(u, ALL_LEVELS)
    if any(_near(p, ctx_a, MAX_ANCHOR_KM) for p in rest):
        return None
    return town


def _settle_prominent_towns(ctx: Context) -> None:
    """A prominent town of a front zone when no namesake is near the context
    ("the town of Rubizhne" with only Luhansk City around it)."""
    for u in ctx.units:
        if u.place is None and len(u.cands) >= 2:
            town = _prominent_town(ctx, u)
            if town is not None:
                ctx.settle(u, town, "prominent-town")


def _settle_abroad_towns(ctx: Context) -> None:
    """A foreign town bearing a name that Ukrainian places bear only as an old or
    other name ("Millerovo"), unless one of those lies among the report's places."""
    for u in ctx.units:
        if u.place is not None or len(u.cands) < 2:
            continue
        named = [
            p for p in u.cands
            if not is_home(p) and is_main_name(p, u.key) and p.population >= ABROAD_TOWN_POPULATION
        ]  # fmt: skip
        home = [p for p in u.cands if is_home(p)]
        if len(named) != 1 or any(is_main_name(p, u.key) for p in home):
            continue
        if not _abroad_plausible(ctx, u, named[0]):
            continue
        if not any(_near(p, ctx.anchors(u, ALL_LEVELS), MAX_ANCHOR_KM) for p in home):
            ctx.settle(u, named[0], "abroad-town")


def _drop_far_features(ctx: Context) -> None:
    """A river's or reservoir's one point may lie anywhere along it: outside the
    front's oblasts it must lie near the front's settlements."""
    for u in ctx.units:
        p = u.place
        if p is None or p.precision == "settlement" or u.fi < 0:
            continue
        obl = front_oblasts(u.cfront)
        if not obl or p.oblast in obl:
            continue
        ref = ctx.front_settlements(u)
        if not ref or min(km(p, q) for q in ref) > FEATURE_FAR_KM:
            ctx.unsettle(u, "far-from-front")


def _resolve_units(ctx: Context) -> None:
    _settle_unique(ctx)
    _drop_far_uniques(ctx)
    _settle_singles(ctx)
    for _ in range(4):
        changed = (
            _settle_bearings(ctx) + _settle_bearing_references(ctx)
            + _context_rounds(ctx, defer=True) + _mutual(ctx)
        )  # fmt: skip
        if not changed:
            break
    _context_rounds(ctx, defer=False)
    _settle_bearing_references(ctx)
    _settle_singles(ctx, final=True)  # those that waited for their bearing's reference
    _settle_front_fallbacks(ctx)
    _settle_major_cities(ctx)
    _settle_prominent_towns(ctx)
    _settle_abroad_towns(ctx)
    _drop_far_features(ctx)


# --- the report -----------------------------------------------------------------------


def _lookup_online(online: OnlineLookup, u: Unit) -> Place | None:
    try:
        return online(u.mention.text)
    except Exception:  # the fallback is best effort: never lose a report to it
        return None


def _resolve_online(ctx: Context, online: OnlineLookup) -> None:
    for u in ctx.units:
        if not u.all_cands:
            p = _lookup_online(online, u)
            if p is not None and (not front_oblasts(u.cfront) or _front_anchor_ok(ctx, p, u)):
                ctx.settle(u, p, "online")


def _off_front(p: Place, e: _Entry) -> bool:
    """A place abroad named in a strike sentence (or outside the front's oblasts) is a
    strike on that place, not a front event."""
    if p.country == "UA":
        return False
    if e.mention.kind == "strike" and not in_russia(e.cfront):
        return True
    return e.fi >= 0 and p.oblast not in front_oblasts(e.cfront)


def _method(u: Unit) -> str:
    if u.method and u.method != "bearing-":
        return u.method
    if not u.all_cands:
        return "unknown"
    return "not-in-oblast" if not u.cands else "ambiguous"


OFF_SECTION_KM = 100.0  # a place this far from its section front's places is not on that front


def _off_section_front(ctx: Context, u: Unit, p: Place) -> bool:
    """A place outside its section front's oblasts and far from every place the
    report puts on that front (or, when it puts none there, outside the front's
    zone): a strike on Odesa's coast listed under the
    Zaporizhia front, a Chernihiv town in a 2022 Sumy-axis paragraph. The place
    is right; the front is the section's heading, not where the event is, so the
    event goes on the front of the place's own zone (or none)."""
    if u.fi < 0 or not is_home(p):
        return False
    obl = front_oblasts(u.cfront)
    if not obl or p.oblast in obl:
        return False
    ref = [q for q in ctx.front_settlements(u) if q.oblast in obl]
    if not ref:  # nothing else of the front in the report: its oblasts decide
        return zone_front(p) != u.cfront
    return min_km(p, ref) > OFF_SECTION_KM


def _resolved(
    ctx: Context, e: _Entry, u: Unit, shown: dict[int, list[Place]], off: dict[int, bool]
) -> ResolvedMention:
    p = u.place
    if u.uid not in shown:  # one list per unit: a name repeated 100,000 times is not copied
        shown[u.uid] = [] if p else list(u.cands or u.all_cands)
    front: str | None = e.front
    zf = zone_front(p) if p is not None else None
    if p is not None and _off_front(p, e):
        front, zf = None, None
    elif p is not None and front is not None:
        if u.uid not in off:
            off[u.uid] = _off_section_front(ctx, u, p)
        if off[u.uid]:
            front = zf
    return ResolvedMention(
        mention=e.mention,
        front=front,
        section=e.section,
        resolution=Resolution(
            place=p, method=_method(u), candidates=shown[u.uid]
        ),
        zone_front=zf,
    )


def resolve_report(
    report: Report, gaz: Gazetteer, online: OnlineLookup | None = None
) -> list[ResolvedMention]:
    """Resolve every mention of ``report`` (front ones, then ``other_mentions``).

    ``online`` is an optional fallback for names the gazetteer lacks: a
    callable ``name -> Place | None`` (see
    :class:`geo.resolve.online.NominatimFallback`). Results come back in
    mention order.
    """
    ctx, pairs = _units(report, gaz)
    _resolve_units(ctx)
    if online is not None:
        _resolve_online(ctx, online)
    shown: dict[int, list[Place]] = {}
    off: dict[int, bool] = {}
    # a region named with a place abroad once says where it is for the whole report
    evidenced = {
        u.place.place_id for e, u, use in pairs
        if u is not None and u.place is not None and use is Use.PLACE
        and (e.mention.oblast_hint or country_after(report.text, e.mention.start, e.mention.end))
    }  # fmt: skip
    # a name asked for without a sentence (geocode, the geopy adapter) is a place
    asked = not report.text
    return [
        _resolved(ctx, e, u, shown, off) for e, u, use in pairs
        if u is not None
        and (u.place is None or asked or keeps(u.place, e.mention, use, evidenced, report.text))
    ]  # fmt: skip


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
