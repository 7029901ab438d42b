"""The event schema: GeoJSON property names are a public contract (see README).

One event = one resolved place mention on one date. Point geometry [lon, lat]
in WGS84 (RFC 7946).
"""

from __future__ import annotations

# Public properties, in the order they are written.
EVENT_PROPERTIES: tuple[str, ...] = (
    "id",
    "date",
    "front",
    "initiative",
    "initiative_source",
    "section",
    "place",
    "place_id",
    "mention",
    "status",
    "kind",
    "precision",
    "source",
    "source_url",
    "report_format",
)
# Optional properties: a short snippet of the sentence, only for a user's own
# reports (never in the shipped data), and the method the resolver used.
OPTIONAL_PROPERTIES: tuple[str, ...] = ("snippet", "method", "report_id")
