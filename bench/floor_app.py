"""The floor of this stack: a bare Streamlit page with one ``st_folium`` marker.

bench/browser.py times the dashboard's first markers against this page,
served the same way in the same run: nothing can draw a marker faster than
Streamlit plus streamlit-folium plus Leaflet do on their own. Leaflet comes
from this server, as in the app (the machine has no internet).
"""

import folium
from streamlit_folium import st_folium

from geo.view.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL, ensure_leaflet

ensure_leaflet()
m = folium.Map(location=[48.3, 35.9], zoom_start=7, tiles=None)
m.default_js = [("leaflet", LEAFLET_JS_URL)]
m.default_css = [("leaflet_css", LEAFLET_CSS_URL)]
folium.CircleMarker([48.59, 38.0], radius=8).add_to(m)
st_folium(m, key="map", height=620, use_container_width=True, returned_objects=[])
