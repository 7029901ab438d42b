"""Status and kind of a sentence (rules in geo/classify.py)."""

from __future__ import annotations

import pytest

from geo.parse.classify import classify


@pytest.mark.parametrize(
    ("sentence", "status", "kind"),
    [
        (
            "Russian sources claimed gains near Sokil, but this is unconfirmed.",
            "claimed",
            "advance",
        ),
        ("Geolocated footage shows Russian troops advanced east of Terny.", "confirmed", "advance"),
        ("Geolocated footage from Spirne is claimed to show an assault.", "claimed", "attack"),
        ("The advance has not been visually confirmed.", "claimed", "advance"),
        ("These claims lack visual confirmation.", "claimed", "other"),
        ("ISW assesses that Russian forces seized Ocheretyne.", "confirmed", "advance"),
        ("Russian forces continued ground attacks near Siversk.", "reported", "attack"),
        ("Russian forces attempted to advance near Robotyne.", "reported", "attack"),
        ("Russian forces made no gains near Robotyne despite assaults.", "reported", "attack"),
        ("Russian forces shelled Nikopol with artillery.", "reported", "strike"),
        ("A missile hit Kharkiv City.", "reported", "strike"),
        ("Positional fighting continued near Krynky.", "reported", "positional"),
        ("Ukrainian forces reportedly withdrew from Krynky.", "claimed", "withdrawal"),
        ("Officials visited Kyiv.", "reported", "other"),
    ],
)
def test_classify(sentence, status, kind):
    assert classify(sentence) == (status, kind)
