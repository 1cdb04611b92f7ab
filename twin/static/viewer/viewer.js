"use strict";
// The digital twin viewer: building and point-cloud 3D Tiles, 2D layers from the OGC API,
// and the attributes of a clicked building (EXT_structural_metadata through Cesium).
// No Cesium ion: no token, no ion imagery, no ion terrain; everything comes from this server.
(function () {
  const config = JSON.parse(document.getElementById("twin-config").textContent);
  const state = { viewer: null, tilesets: {}, sources: {}, errors: [], lastPick: null,
                  ready: false, groundHeight: 0 };
  window.twin = state;
  Cesium.Ion.defaultAccessToken = "";

  const statusLine = document.getElementById("status");
  if (config.signedIn) {
    // The browser sends the Basic credentials of /sign-in with every request to this server.
    document.getElementById("identity").textContent =
      "Signed in with key " + config.signedIn.key + " (" + config.signedIn.role + ")";
  }
  function report(message) {
    state.errors.push(message);
    statusLine.textContent = message;
  }
  window.addEventListener("error", (event) => report(String(event.message)));
  window.addEventListener("unhandledrejection", (event) => report(String(event.reason)));

  function createViewer() {
    const viewer = new Cesium.Viewer("cesiumContainer", {
      baseLayer: false, baseLayerPicker: false, geocoder: false, homeButton: false,
      sceneModePicker: false, navigationHelpButton: false, animation: false, timeline: false,
      fullscreenButton: false, infoBox: false, selectionIndicator: false,
      terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    });
    const scene = viewer.scene;
    // Heights are ellipsoidal (geoid applied): without terrain, the bare ellipsoid would sit
    // tens of metres below the real ground, so the 2D layers are the ground instead.
    scene.globe.show = false;
    scene.skyBox.show = false;
    scene.skyAtmosphere.show = false;
    scene.sun.show = false;
    scene.moon.show = false;
    scene.backgroundColor = Cesium.Color.fromCssColorString("#27313b");
    return viewer;
  }

  function layerToggle(layer, target) {
    const item = document.createElement("li");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.id = "layer-" + layer.id;
    box.addEventListener("change", () => { target.show = box.checked; });
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = " " + layer.title + " (" + layer.kind + ")";
    item.append(box, label);
    document.getElementById("layers").append(item);
  }

  async function addTileset(viewer, layer) {
    const tileset = await Cesium.Cesium3DTileset.fromUrl(layer.url, {
      maximumScreenSpaceError: layer.kind === "pointcloud" ? 4 : 8,
    });
    tileset.tileFailed.addEventListener((failure) => {
      report("tile failed: " + failure.url + ": " + failure.message);
    });
    if (layer.kind === "pointcloud") {
      tileset.style = new Cesium.Cesium3DTileStyle({ pointSize: 3 });
    }
    viewer.scene.primitives.add(tileset);
    state.tilesets[layer.id] = tileset;
    layerToggle(layer, tileset);
    return tileset;
  }

  function atHeight(positions, height) {
    return positions.map((position) => {
      const c = Cesium.Cartographic.fromCartesian(position);
      return Cesium.Cartesian3.fromRadians(c.longitude, c.latitude, height);
    });
  }

  function placeEntities(source, height) {
    const now = Cesium.JulianDate.now();
    for (const entity of source.entities.values) {
      if (entity.polygon) {
        entity.polygon.height = height;
        entity.polygon.outline = false;
      }
      if (entity.polyline) {
        entity.polyline.positions = atHeight(entity.polyline.positions.getValue(now), height);
      }
      if (entity.billboard && entity.position) {
        entity.position = atHeight([entity.position.getValue(now)], height)[0];
      }
    }
  }

  async function addGeoJson(viewer, layer, index) {
    const colours = ["#8d99ae", "#6a994e", "#bc6c25", "#457b9d", "#9d4edd"];
    const colour = Cesium.Color.fromCssColorString(colours[index % colours.length]);
    const source = await Cesium.GeoJsonDataSource.load(layer.url, {
      stroke: colour, fill: colour.withAlpha(0.55), strokeWidth: 2, clampToGround: false,
    });
    placeEntities(source, state.groundHeight);
    await viewer.dataSources.add(source);
    state.sources[layer.id] = source;
    layerToggle(layer, source);
  }

  function plain(value) {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number") return Math.round(value * 1000) / 1000;
    return value;
  }

  function showAttributes(feature) {
    const properties = {};
    for (const name of feature.getPropertyIds()) {
      properties[name] = plain(feature.getProperty(name));
    }
    state.lastPick = properties;
    const table = document.getElementById("attribute-table");
    table.replaceChildren();
    for (const [name, value] of Object.entries(properties)) {
      const row = table.insertRow();
      row.insertCell().textContent = name;
      row.insertCell().textContent = String(value);
    }
    document.getElementById("attributes").hidden = false;
  }

  function onClick(viewer) {
    const handler = new Cesium.ScreenSpaceEventHandler(viewer.scene.canvas);
    handler.setInputAction((click) => {
      const picked = viewer.scene.pick(click.position);
      if (picked instanceof Cesium.Cesium3DTileFeature && picked.getPropertyIds().length) {
        showAttributes(picked);
      } else {
        state.lastPick = null;
        document.getElementById("attributes").hidden = true;
      }
    }, Cesium.ScreenSpaceEventType.LEFT_CLICK);
  }

  // A fixed light from above, slightly from the south-east of the content: the same shading
  // at any hour (the default sun would leave roofs dark at night, UTC).
  function lightFrom(viewer, centre) {
    const frame = Cesium.Transforms.eastNorthUpToFixedFrame(centre);
    const local = new Cesium.Cartesian3(-0.35, 0.45, -0.82);
    const direction = Cesium.Matrix4.multiplyByPointAsVector(frame, local, new Cesium.Cartesian3());
    viewer.scene.light = new Cesium.DirectionalLight({
      direction: Cesium.Cartesian3.normalize(direction, direction), intensity: 2.0,
    });
  }

  async function flyToContent(viewer) {
    const buildings = config.layers.find((l) => l.kind === "buildings");
    const first = buildings ? state.tilesets[buildings.id] : Object.values(state.tilesets)[0];
    if (first) {
      lightFrom(viewer, first.boundingSphere.center);
      await viewer.zoomTo(first, new Cesium.HeadingPitchRange(0.3, -0.75, 0));
    } else if (config.extent) {
      const [w, s, e, n] = config.extent;
      viewer.camera.setView({ destination: Cesium.Rectangle.fromDegrees(w, s, e, n) });
    }
  }

  async function main() {
    const viewer = createViewer();
    state.viewer = viewer;
    const tiled = config.layers.filter((l) => l.kind !== "geojson");
    await Promise.all(tiled.map((layer) => addTileset(viewer, layer)));
    const heights = Object.values(state.tilesets)
      .map((t) => t.root.boundingVolume.minimumHeight)
      .filter((h) => Number.isFinite(h));
    state.groundHeight = heights.length ? Math.min(...heights) : 0;
    const flat = config.layers.filter((l) => l.kind === "geojson");
    await Promise.all(flat.map((layer, index) => addGeoJson(viewer, layer, index)));
    onClick(viewer);
    await flyToContent(viewer);
    state.ready = true;
    document.body.dataset.status = "ready";
    if (!state.errors.length) {
      statusLine.textContent = config.layers.length + " layers; click a building";
    }
  }

  main().catch((error) => {
    report("viewer failed: " + (error && error.message ? error.message : error));
    document.body.dataset.status = "failed";
  });
})();
