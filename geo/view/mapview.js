/* Frontline's map code; geo/view/mapview.py puts this file into the map page.
 *
 * fl.init(map, options) runs once per map: styles the base, loads the
 * offline base layer from this server, adds the legend, keeps the user's
 * view. fl.draw(group, view) runs for every view (date, filters, chosen
 * place) with the feature group that streamlit-folium swaps in without
 * rebuilding the map. Every string in a view was HTML-escaped in Python
 * (geo.view.mapview.map_data): this code only concatenates them; names from
 * the base layer file are set as text. fl.popup mirrors geo.view.mapview.popup_html.
 */
(function () {
  var fl = (window.fl = window.fl || {});

  fl.init = function (map, o) {
    fl.map = map;
    fl.o = o;
    fl.fitPending = !!o.fit;  // no view asked for: the first view's markers decide it
    fl.markers = [];
    fl.labels = [];
    fl.names = L.layerGroup().addTo(map);
    fl.cities = L.layerGroup().addTo(map);
    map.createPane("flBase").style.zIndex = 150;
    map.createPane("flLabels").style.zIndex = 640;
    fl.labelBox = map.getPane("flLabels");
    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
      var d = L.DomUtil.create("div");
      d.innerHTML = o.legend;
      fl.legendBox = d;
      L.DomEvent.disableClickPropagation(d);
      L.DomEvent.disableScrollPropagation(d);
      // Labels keep clear of the legend: place them again whenever its box changes (the
      // page's style sheets may arrive after the map is drawn).
      // The first fit may have measured it unstyled: fit again (unless the user moved).
      if (window.ResizeObserver) {
        new ResizeObserver(function () { fl.refresh(); fl.refit(); }).observe(d);
      }
      return d;
    };
    legend.addTo(map);
    if (o.basemap) {
      fl.loadBasemap(o.basemap);
    } else {
      map.getContainer().classList.add("fl-tiles");
    }
    map.on("zoomend moveend resize", fl.refresh);
    map.on("resize", function () { fl.refit(); });
    // Labels are measured in pixels: place them again once the web fonts (and with them
    // the legend's final size) are in.
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(fl.refresh); }
    window.addEventListener("resize", fl.refresh);  // the frame's size is set after the map
    Array.prototype.forEach.call(document.querySelectorAll("link[rel=stylesheet]"), function (l) {
      l.addEventListener("load", function () { fl.refresh(); });
    });
    fl.keepView(o.viewKey);
  };

  fl.refresh = function () {
    fl.placeLabels();
    fl.showCities();
    fl.showNames();
  };

  // ---------------------------------------------------------------- base layer
  var BASE_STYLE = {
    land: {stroke: false, fillColor: "#f4f2ea", fillOpacity: 1},
    lakes: {color: "#a9c4d6", weight: 0.6, fillColor: "#dce8ef", fillOpacity: 1},
    rivers: {color: "#8fb3cc", weight: 1.2, opacity: 0.9, fill: false},
    coast: {color: "#7f9fb5", weight: 0.9, fill: false},
    borders: {color: "#6d6d6d", weight: 1.4, dashArray: "6 3", fill: false}
  };

  fl.loadBasemap = function (url) {
    var map = fl.map;
    fetch(url)
      .then(function (r) { return r.json(); })
      .then(function (doc) {
        var by = {};
        doc.features.forEach(function (f) {
          (by[f.properties.layer] = by[f.properties.layer] || []).push(f);
        });
        ["land", "lakes", "rivers", "coast", "borders"].forEach(function (name) {
          if (!by[name]) { return; }
          L.geoJSON({type: "FeatureCollection", features: by[name]},
            {pane: "flBase", interactive: false, style: BASE_STYLE[name]}).addTo(map);
        });
        fl.cityData = by.cities || [];
        map.getContainer().setAttribute("data-fl-basemap", String(doc.features.length));
        fl.showCities();
      })
      .catch(function (e) { console.warn("Frontline: base layer not loaded", e); });
  };

  fl.showCities = function () {
    if (!fl.cityData) { return; }
    var map = fl.map, z = map.getZoom(), b = map.getBounds().pad(0.05);
    var named = {};
    if (z >= fl.o.nameZoom) {
      fl.markers.forEach(function (mk) { named[mk.flText] = true; });
    }
    fl.cities.clearLayers();
    // boxes already taken: front labels, then bigger cities first; no name overlaps another
    var taken = fl.labels.filter(function (x) { return x.lab.box; }).map(function (x) {
      return x.lab.box;
    });
    fl.cityData.forEach(function (f) {
      var r = f.properties.rank, c = f.geometry.coordinates;
      if (!((r === 1 && z >= 6) || (r === 2 && z >= 8)) || !b.contains([c[1], c[0]])) { return; }
      if (named[f.properties.name]) { return; }  // the marker's own label names it
      var p = map.latLngToContainerPoint([c[1], c[0]]), w = 3.5 * f.properties.name.length + 4;
      var box = [p.x - w, p.y - 9, p.x + w, p.y + 9];
      if (taken.some(function (o) { return overlaps(box, o); })) { return; }
      taken.push(box);
      var el = document.createElement("span");
      el.className = "fl-city fl-r" + r;
      el.textContent = f.properties.name;
      L.marker([c[1], c[0]], {interactive: false, keyboard: false, pane: "flBase",
        icon: L.divIcon({className: "", html: el, iconSize: null})}).addTo(fl.cities);
    });
  };

  // ---------------------------------------------------------------- the view
  fl.popup = function (t, maxRows, m) {
    var first = t.dates[m[7]], last = t.dates[m[8]], n = m[6];
    var h = "<div class=fl-pop><b class=fl-place>" + m[5] + "</b><div class=fl-meta>" +
      (n === 1 ? "1 mention" : n + " mentions") + " · " +
      (first === last ? first : first + " – " + last) +
      "<br>front: " + t.fronts[m[9]] + " · status: " + t.statuses[m[10]] +
      "</div><table class=fl-ev>";
    for (var k = 0; k < m[11].length; k++) {
      var r = m[11][k], src = t.sources[r[5]], sec = t.sections[r[2]];
      h += "<tr><td>" + t.dates[r[0]] + "</td><td>" + t.fronts[r[1]] +
        (sec ? " · " + sec : "") + "</td><td>" + t.statuses[r[3]] + ", " + t.kinds[r[4]] +
        "</td></tr><tr><td></td><td colspan=2 class=fl-src>" +
        (src[1] ? '<a href="' + src[1] + '" target="_blank" rel="noopener noreferrer">' +
          src[0] + "</a>" : src[0]) +
        (r.length > 6 ? '<div class="fl-snip">' + r[6] + "</div>" : "") + "</td></tr>";
    }
    h += "</table>";
    if (n > maxRows) { h += "<div class=fl-more>… and " + (n - maxRows) + " earlier</div>"; }
    return h + "</div>";
  };

  fl.tooltip = function (t, m) { return m[5] + " (" + m[6] + ", " + t.statuses[m[4]] + ")"; };

  // streamlit-folium reports the clicked point; make it the marker's own position, so the
  // app finds the place under the click whatever the zoom.
  fl.exactClick = function (e) { e.latlng = this.getLatLng(); };

  fl.draw = function (group, v) {
    var map = fl.map, t = v.t, s = fl.o.styles, ex = v.extra || {};
    fl.markers = [];
    // The old markers are gone: so are their popups (not left fading in the DOM).
    map.closePopup();
    map.getPane("popupPane").replaceChildren();
    if (ex.overlay) {
      L.geoJSON(ex.overlay, {interactive: false, style: function () {
        return {color: "#7a0019", weight: 1, fillColor: "#c0392b", fillOpacity: 0.12,
          dashArray: "3 3"};
      }}).addTo(group);
    }
    var tmp = document.createElement("span");
    for (var i = 0; i < v.markers.length; i++) {
      var m = v.markers[i], st = t.statuses[m[4]], sty = s[st] || s.reported;
      var mk = L.circleMarker([m[0], m[1]], {radius: m[2], color: t.colours[m[3]],
        fillColor: t.colours[m[3]], weight: sty.weight, opacity: sty.opacity,
        fillOpacity: sty.fillOpacity, dashArray: sty.dashArray, className: "fl-marker fl-" + st});
      mk.flData = m;
      tmp.innerHTML = m[5];
      mk.flText = tmp.textContent;
      mk.on("click", fl.exactClick);
      mk.bindPopup(function (layer) { return fl.popup(t, v.maxRows, layer.flData); },
        {maxWidth: 420, autoPanPadding: [20, 20]})
        .bindTooltip(function (layer) { return fl.tooltip(t, layer.flData); }).addTo(group);
      fl.markers.push(mk);
    }
    var ch = ex.chosen;
    if (ch) {
      var rad = ch.marker >= 0 ? v.markers[ch.marker][2] : 6;
      L.circleMarker([ch.lat, ch.lon], {radius: rad + 6, color: "#111", weight: 3, fill: false,
        interactive: false, className: "fl-chosen"}).addTo(group);
    }
    fl.setLabels(v.labels || []);
    // After streamlit-folium has added the group to the map.
    setTimeout(function () {
      if (fl.fitPending && fl.markers.length) {
        fl.fitPending = false;
        fl.fitFront();
      }
      if (ch && ch.focus && ch.focus !== fl.focused) {
        fl.focused = ch.focus;
        map.setView([ch.lat, ch.lon], Math.max(map.getZoom(), 10));
      }
      if (ch && ch.open && ch.open !== fl.opened && ch.marker >= 0 && fl.markers[ch.marker]) {
        fl.opened = ch.open;
        fl.markers[ch.marker].openPopup();
      }
      fl.refresh();
    }, 0);
    setTimeout(fl.refresh, 400);  // again once the legend and fonts have settled
  };

  // Fit the first view to its markers in and around Ukraine (a strike deep in Russia
  // would otherwise zoom the whole front out of sight); whole zoom levels, as in links.
  fl.fitFront = function () {
    var near = fl.o.fitArea, b = null, legend = fl.legendBox;
    fl.markers.forEach(function (mk) {
      var p = mk.getLatLng();
      if (mk.options.color === fl.o.otherColor) { return; }  // no front: a strike far off
      if (p.lat < near[0] || p.lat > near[2] || p.lng < near[1] || p.lng > near[3]) { return; }
      b = b ? b.extend(p) : L.latLngBounds(p, p);
    });
    if (!b) { return; }
    // Keep the markers clear of the zoom buttons, the scale and the legend, and a few
    // nearby places in a view of one sector.
    // (A legend as wide as half the map has no style sheet yet: it is not in the way.)
    var lw = legend ? legend.offsetWidth : 0;
    var right = (lw && lw < fl.map.getSize().x / 2 ? lw : 0) + 24;
    fl.map.fitBounds(b, {paddingTopLeft: [64, 48], paddingBottomRight: [right, 56],
      maxZoom: 8, animate: false});
    fl.fitted = fl.viewNow();
  };

  fl.viewNow = function () {
    var c = fl.map.getCenter();
    return c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + fl.map.getZoom();
  };

  // The frame may still change size after the first fit (the page around the map is
  // drawn after it): fit again, as long as the view is still the one the fit chose.
  fl.refit = function () {
    if (fl.fitted && fl.fitted === fl.viewNow()) { fl.fitFront(); } else { fl.fitted = null; }
  };

  // ---------------------------------------------------------------- front labels
  fl.setLabels = function (labels) {
    fl.labels.forEach(function (x) { x.el.remove(); });
    fl.labels = labels.map(function (lab) {
      var el = document.createElement("div");
      el.className = "fl-front-label";
      el.innerHTML = lab.html;
      L.DomEvent.disableClickPropagation(el);
      el.addEventListener("click", function () {
        var b = lab.box || [0, 0, 0, 0];
        L.popup({maxWidth: 380}).setContent(lab.popup)
          .setLatLng(fl.map.containerPointToLatLng([(b[0] + b[2]) / 2, b[1]])).openOn(fl.map);
      });
      fl.labelBox.appendChild(el);
      return {el: el, lab: lab};
    });
  };

  function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

  function hitsCircle(box, c) {
    var x = Math.max(box[0], Math.min(c[0], box[2])), y = Math.max(box[1], Math.min(c[1], box[3]));
    return (x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) < c[2] * c[2];
  }

  // Each label goes beside its front's events, inside the map, off every marker, other
  // label and map control: the candidate spot with the fewest collisions, then the nearest.
  fl.placeLabels = function () {
    var map = fl.map;
    if (!map || !fl.labels.length) { return; }
    var size = map.getSize(), pad = 6, cr = map.getContainer().getBoundingClientRect();
    var blocks = Array.prototype.map.call(
      map.getContainer().querySelectorAll(".leaflet-control"), function (c) {
        var r = c.getBoundingClientRect();
        return [r.left - cr.left - 4, r.top - cr.top - 4, r.right - cr.left + 4,
          r.bottom - cr.top + 4];
      });
    var circles = [];
    fl.markers.forEach(function (mk) {
      var p = map.latLngToContainerPoint(mk.getLatLng()), r = mk.getRadius() + 3;
      if (p.x > -r && p.y > -r && p.x < size.x + r && p.y < size.y + r) {
        circles.push([p.x, p.y, r]);
      }
    });
    var placed = [];
    fl.labels.forEach(function (x) {
      var el = x.el, b = x.lab.bbox;
      el.style.display = "";
      var w = el.offsetWidth, h = el.offsetHeight;
      var sw = map.latLngToContainerPoint([b[0], b[1]]), ne = map.latLngToContainerPoint([b[2], b[3]]);
      var x0 = sw.x, x1 = ne.x, y0 = ne.y, y1 = sw.y;
      if (x1 < 0 || y1 < 0 || x0 > size.x || y0 > size.y ||
          w + 2 * pad > size.x || h + 2 * pad > size.y) {
        el.style.display = "none";  // the front is out of view
        x.lab.box = null;
        return;
      }
      var c = map.latLngToContainerPoint([x.lab.lat, x.lab.lon]);
      var cands = [[x1 + 10, c.y - h / 2], [x0 - 10 - w, c.y - h / 2],
        [c.x - w / 2, y0 - 10 - h], [c.x - w / 2, y1 + 10]];
      for (var r = 20; r <= 320; r *= 1.5) {
        for (var a = 0; a < 16; a++) {
          var ang = a * Math.PI / 8, dx = Math.cos(ang), dy = Math.sin(ang);
          cands.push([c.x + dx * (r + w / 2) - w / 2, c.y + dy * (r + h / 2) - h / 2]);
        }
      }
      var best = null, bestScore = Infinity, others = placed.concat(blocks);
      cands.forEach(function (p) {
        var px = Math.min(Math.max(p[0], pad), size.x - w - pad);
        var py = Math.min(Math.max(p[1], pad), size.y - h - pad);
        var box = [px, py, px + w, py + h];
        var score = Math.sqrt(Math.pow(px + w / 2 - c.x, 2) + Math.pow(py + h / 2 - c.y, 2));
        for (var k = 0; k < circles.length; k++) { if (hitsCircle(box, circles[k])) { score += 1000; } }
        for (var j = 0; j < others.length; j++) { if (overlaps(box, others[j])) { score += 5000; } }
        if (score < bestScore) { bestScore = score; best = box; }
      });
      x.lab.box = best;
      placed.push([best[0] - 3, best[1] - 3, best[2] + 3, best[3] + 3]);
      L.DomUtil.setPosition(el, map.containerPointToLayerPoint([best[0], best[1]]));
    });
  };

  // ---------------------------------------------------------------- settlement names
  fl.showNames = function () {
    var map = fl.map;
    fl.names.clearLayers();
    if (!map || map.getZoom() < fl.o.nameZoom) { return; }
    var b = map.getBounds(), n = 0;
    for (var i = 0; i < fl.markers.length && n < 500; i++) {
      var mk = fl.markers[i];
      if (!b.contains(mk.getLatLng())) { continue; }
      n++;
      var el = document.createElement("span");
      el.className = "fl-name";
      el.textContent = mk.flText;
      el.style.marginLeft = (mk.getRadius() + 3) + "px";
      L.marker(mk.getLatLng(), {interactive: false, keyboard: false,
        icon: L.divIcon({className: "", html: el, iconSize: null})}).addTo(fl.names);
    }
  };

  // ---------------------------------------------------------------- the user's view
  // The map's view lives in the browser, not in Python: pan and zoom never rerun the
  // app. It is kept (1) in sessionStorage, so a reload keeps the user's view, and (2) in
  // the page URL, so a copied link opens the same view. Only when running inside the app.
  fl.keepView = function (viewKey) {
    var map = fl.map;
    if (!viewKey) { return; }
    try {
      var saved = JSON.parse(window.sessionStorage.getItem("frontline:view") || "null");
      if (saved && saved.key === viewKey) {
        fl.fitPending = false;
        map.setView([saved.lat, saved.lng], saved.zoom, {animate: false});
      }
    } catch (e) { /* no storage: start from the default view */ }
    var syncView = function () {
      var c = map.getCenter(), z = String(map.getZoom());
      var center = c.lat.toFixed(4) + "," + c.lng.toFixed(4);
      try {
        window.sessionStorage.setItem("frontline:view", JSON.stringify(
          {key: viewKey, lat: c.lat, lng: c.lng, zoom: map.getZoom()}));
      } catch (e) { /* ignore */ }
      try {
        var w = window.parent;
        if (!w || w === window) { return; }
        var u = new URL(w.location.href);
        if (u.searchParams.get("center") === center && u.searchParams.get("zoom") === z) {
          return;
        }
        u.searchParams.set("center", center);
        u.searchParams.set("zoom", z);
        w.history.replaceState(w.history.state, "", u.toString());
      } catch (e) { /* another origin: the view is just not in the URL */ }
    };
    map.on("moveend", syncView);
    // The app rewrites the URL after each rerun; put the view back within a second.
    setInterval(syncView, 1000);
  };
})();
