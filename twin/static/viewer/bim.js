"use strict";
// BIM models in the city: the city's LOD1 block of a building a BIM model replaces (recorded
// at `twin ingest ifc` by footprint overlap, listed in the scene as the BIM entry's
// `replaces`: city tileset id, feature property, feature ids) is hidden while the BIM layer
// is shown and restored when it is hidden, by a Cesium3DTileStyle `show` condition on the
// city tileset. Several BIM models may replace buildings of the same city tileset: a
// building stays hidden while any of them is shown. A style chosen for a city tileset
// (`state.bim.setStyle`: its colour, its own `show`) is composed with that condition, not
// replaced by it: each is re-applied when either changes.
window.TwinBim = (function () {
  // The `show` expression hiding `ids` by `property` (ids are <layer>/<fid>: layer ids are
  // plain identifiers, so a JSON string is a valid expression literal, as in tools.js).
  function hideExpression(property, ids) {
    if (!ids.length) return "true";
    const tests = ids.map((id) => "${" + property + "} === " + JSON.stringify(String(id)));
    return "!(" + tests.join(" || ") + ")";
  }

  function attach(state, layers) {
    const bims = layers.filter((l) => l.kind === "bim" && (l.replaces || []).length);
    const cities = {};  // city tileset id -> { property, byBim: { bimId: [ids] } }
    for (const bim of bims) {
      for (const entry of bim.replaces) {
        if (!state.tilesets[entry.layer]) continue;  // not in this scene
        const city = cities[entry.layer] || { property: entry.property, byBim: {} };
        city.byBim[bim.id] = entry.ids;
        cities[entry.layer] = city;
      }
    }

    function shownBim(id) {
      const tileset = state.tilesets[id];
      return Boolean(tileset && tileset.show);
    }

    // The ids hidden in one city tileset now: those of every BIM shown.
    function hidden(cityId) {
      const city = cities[cityId];
      if (!city) return [];
      const ids = new Set();
      for (const [bimId, replaced] of Object.entries(city.byBim)) {
        if (shownBim(bimId)) replaced.forEach((id) => ids.add(id));
      }
      return [...ids].sort();
    }

    const chosen = {};  // tileset id -> the style JSON chosen for it (colour, show...)

    // The style of one tileset: the chosen one, its `show` and-ed with the hidden ids'.
    function composed(id) {
      const base = chosen[id] || {};
      const city = cities[id];
      const ids = city ? hidden(id) : [];
      const hide = ids.length ? hideExpression(city.property, ids) : null;
      const show = [base.show, hide].filter((e) => e !== undefined && e !== null && e !== "")
        .map((e) => "(" + String(e) + ")").join(" && ");  // `show: false` stays false
      const json = Object.assign({}, base);
      if (show) json.show = show;
      return Object.keys(json).length ? new Cesium.Cesium3DTileStyle(json) : undefined;
    }

    function restyle() {
      for (const id of new Set([...Object.keys(cities), ...Object.keys(chosen)])) {
        if (state.tilesets[id]) state.tilesets[id].style = composed(id);
      }
      state.redraw();
    }

    // Style a tileset (Cesium 3D Tiles style JSON, e.g. { color: "color('red')" }; null
    // clears it) without losing the buildings a shown BIM hides.
    function setStyle(id, json) {
      if (json) chosen[id] = Object.assign({}, json);
      else delete chosen[id];
      restyle();
    }

    for (const bim of bims) {
      const box = document.getElementById("layer-" + bim.id);
      if (box) box.addEventListener("change", restyle);
    }
    // For tests and other tools: what a city tileset hides, and whether its style shows the
    // feature with this id (the style's own evaluation on a feature carrying only that id).
    state.bim = {
      hidden: hidden,
      restyle: restyle,
      setStyle: setStyle,
      shows: (cityId, featureId) => {
        const tileset = state.tilesets[cityId];
        const city = cities[cityId];
        if (!tileset || !tileset.style || !tileset.style.show || !city) {
          return Boolean(tileset && tileset.show);
        }
        const values = { [city.property]: featureId };
        const feature = {
          getProperty: (name) => values[name],
          getPropertyInherited: (name) => values[name],
          hasProperty: (name) => name in values,
        };
        return Boolean(tileset.style.show.evaluate(feature));
      },
    };
    restyle();
  }

  return { attach: attach, hideExpression: hideExpression };
})();
