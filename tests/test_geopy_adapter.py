"""GazetteerGeocoder speaks geopy: Location objects, exactly_one, reverse."""

from __future__ import annotations

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.resolve.geopy_adapter import GazetteerGeocoder


@pytest.fixture(scope="module")
def geocoder():
    return GazetteerGeocoder()


def test_is_a_geopy_geocoder(geocoder):
    assert isinstance(geocoder, Geocoder)


def test_geocode_with_front_context_picks_the_village(geocoder):
    loc = geocoder.geocode("Makiivka", front="Luhansk", near=["Kreminna", "Nevske", "Torske"])
    assert isinstance(loc, Location)
    assert loc.raw["place_id"] == "geonames:702318"
    assert loc.raw["oblast"] == "Luhansk" and loc.raw["method"].startswith("context")
    assert abs(loc.latitude - 49.22) < 0.01 and abs(loc.longitude - 37.98) < 0.01


def test_unique_name_and_list_form(geocoder):
    loc = geocoder.geocode("Kupiansk")
    assert loc.raw["place_id"] == "geonames:703656"
    locs = geocoder.geocode("Kupyansk", exactly_one=False)
    assert [x.raw["place_id"] for x in locs] == ["geonames:703656"]


def test_ambiguous_name_is_none_or_all_candidates(geocoder):
    assert geocoder.geocode("Ivanivka") is None
    locs = geocoder.geocode("Ivanivka", exactly_one=False)
    assert len(locs) > 50
    assert all(x.raw["method"] == "ambiguous" for x in locs)
    assert len({x.raw["place_id"] for x in locs}) == len(locs)


def test_unknown_and_empty_give_none(geocoder):
    assert geocoder.geocode("Zzyzxville") is None
    assert geocoder.geocode("  ") is None


def test_reverse_finds_the_nearest_settlement(geocoder):
    # a point 300 m off Vovchansk's centre
    loc = geocoder.reverse((50.2935, 36.9411))
    assert loc.raw["place_id"] == "geonames:689304"
    assert loc.raw["distance_km"] < 1.0
    five = geocoder.reverse("50.2935, 36.9411", exactly_one=False)
    assert len(five) == 5 and five[0].raw["place_id"] == "geonames:689304"
    d = [x.raw["distance_km"] for x in five]
    assert d == sorted(d)
