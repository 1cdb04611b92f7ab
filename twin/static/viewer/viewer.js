"use strict";
// The digital twin viewer: the commune's terrain (quantized-mesh from its DTM), its maps
// draped on the ground (hillshade, relief, orthophotos, 2D layers from the OGC API), point
// clouds, buildings and BIM models as 3D Tiles, and the planner's tools (tools.js, points.js).
// No Cesium ion: no token, no ion imagery, no ion terrain, no base layer from the internet;
// everything comes from this server. The scene is the page's config (/viewer/scene.json).
(function () {
  const config = JSON.parse(document.getElementById("twin-config").textContent);
  const state = {
    viewer: null, tilesets: {}, sources: {}, imagery: {}, imageryStyles: {}, pointStyles: {},
    filters: {}, titles: {}, errors: [], lastPick: null, lastMeasure: null, searchHits: [],
    ready: false, groundHeight: 0, terrain: null, sun: null, timings: {},
  };
  window.twin = state;
  Cesium.Ion.defaultAccessToken = "";
  const started = performance.now();
  const initialView = window.TwinTools.parseHash(window.location.hash);

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
      // draw only when something changed (camera, tiles, a switch): a still view costs no
      // CPU or GPU, which keeps the page fluid on a planner's laptop
      requestRenderMode: true, maximumRenderTimeChange: Infinity,
    });
    const scene = viewer.scene;
    scene.globe.baseColor = Cesium.Color.fromCssColorString("#5f665c");
    scene.globe.showGroundAtmosphere = false;
    scene.skyBox.show = false;
    scene.skyAtmosphere.show = false;
    scene.sun.show = false;
    scene.moon.show = false;
    scene.backgroundColor = Cesium.Color.fromCssColorString("#27313b");
    scene.globe.depthTestAgainstTerrain = true;
    return viewer;
  }

  // --- ground: the terrain, or the ellipsoid raised to the ground's height -------------------
  // Heights are ellipsoidal (geoid applied). Without a terrain the bare ellipsoid would lie
  // tens of metres below the real ground (43 m in Delft), so the ground is a level surface at
  // the lowest height of the 3D content until a terrain is switched on.
  function levelGround(height) {
    const size = 16;
    const heights = new Float32Array(size * size).fill(height);
    return new Cesium.CustomHeightmapTerrainProvider({
      width: size, height: size, callback: () => heights,
    });
  }

  async function useTerrain(viewer, entry) {
    if (entry) {
      viewer.terrainProvider = await Cesium.CesiumTerrainProvider.fromUrl(entry.url, {
        requestVertexNormals: true,
      });
      state.terrain = entry.id;
    } else {
      viewer.terrainProvider = levelGround(state.groundHeight);
      state.terrain = null;
    }
  }

  // --- the layer panel ------------------------------------------------------------------------
  function toggle(listId, entry, checked, onChange) {
    const item = document.createElement("li");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = checked;
    box.id = "layer-" + entry.id;
    box.dataset.layer = entry.id;
    box.addEventListener("change", () => { onChange(box.checked); state.saveView(); state.redraw(); });
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = " " + entry.title;
    item.append(box, label);
    document.getElementById(listId).append(item);
    return item;
  }

  state.shownLayers = () => [...document.querySelectorAll("[data-layer]")]
    .filter((box) => box.checked).map((box) => box.dataset.layer);

  function setShown(id, shown) {
    const box = document.getElementById("layer-" + id);
    if (box && box.checked !== shown) {
      box.checked = shown;
      box.dispatchEvent(new Event("change"));
    }
  }

  // --- 3D Tiles -------------------------------------------------------------------------------
  async function addTileset(viewer, layer) {
    const tileset = await Cesium.Cesium3DTileset.fromUrl(layer.url, {
      maximumScreenSpaceError: layer.kind === "pointcloud" ? 4 : 8,
    });
    tileset.tileFailed.addEventListener((failure) => {
      report("tile failed: " + failure.url + ": " + failure.message);
    });
    viewer.scene.primitives.add(tileset);
    state.tilesets[layer.id] = tileset;
    state.titles[layer.id] = layer.title;
    const item = toggle("layers-3d", layer, true, (on) => { tileset.show = on; });
    item.querySelector("label").append(" (" + layer.kind + ")");
    if (layer.kind === "pointcloud") {
      const style = window.TwinPoints.attach(tileset, layer, () => state.saveView());
      state.pointStyles[layer.id] = style;
      item.append(window.TwinPoints.controls(layer, style));
    } else {
      item.append(window.TwinTools.featureFilter(state, layer.id, tileset, layer.kind));
    }
    return tileset;
  }

  // --- map tiles draped on the ground ---------------------------------------------------------
  function imageryProvider(entry, style) {
    const options = { url: entry.url + "?style=" + style, maximumLevel: 21, tileWidth: 256,
                      tileHeight: 256, credit: entry.title };
    if (entry.rectangle) options.rectangle = Cesium.Rectangle.fromDegrees(...entry.rectangle);
    return new Cesium.UrlTemplateImageryProvider(options);
  }

  function setImageryStyle(viewer, entry, style) {
    const layers = viewer.imageryLayers;
    const old = state.imagery[entry.id];
    const index = old ? layers.indexOf(old) : layers.length;
    const shown = old ? old.show : false;
    if (old) layers.remove(old, true);
    const layer = layers.addImageryProvider(imageryProvider(entry, style), index);
    layer.show = shown;
    layer.alpha = style === "height" ? 0.85 : 1.0;
    state.imagery[entry.id] = layer;
    state.imageryStyles[entry.id] = style;
    return layer;
  }

  function defaultImagery(entries) {
    // the town's orthophotos, else its first terrain model's hillshade
    const inTown = entries.filter((e) => e.inTown);
    const photos = inTown.filter((e) => e.styles.includes("image"));
    if (photos.length) return new Set(photos.map((e) => e.id));
    const dem = inTown.find((e) => e.styles.includes("hillshade") && /_dtm$/.test(e.id)) ||
      inTown.find((e) => e.styles.includes("hillshade"));
    return new Set(dem ? [dem.id] : []);
  }

  function addImagery(viewer, entries) {
    const shown = defaultImagery(entries);
    for (const entry of entries) {
      const layer = setImageryStyle(viewer, entry, entry.styles[0]);
      layer.show = shown.has(entry.id);
      state.titles[entry.id] = entry.title;
      const item = toggle("layers-maps", entry, layer.show,
                          (on) => { state.imagery[entry.id].show = on; });
      if (entry.styles.length > 1) {
        const select = document.createElement("select");
        select.id = "map-style-" + entry.id;
        for (const style of entry.styles) select.add(new Option(style, style));
        select.addEventListener("change", () => {
          setImageryStyle(viewer, entry, select.value);
          state.saveView();
        });
        item.append(" ", select);
      }
    }
  }

  // --- 2D layers from the OGC API, clamped to the ground --------------------------------------
  const COLOURS = ["#2b8cbe", "#6a994e", "#bc6c25", "#9d4edd", "#d7301f", "#457b9d"];

  function townBox() {
    if (!config.extent) return null;
    const [w, s, e, n] = config.extent;
    const pad = 0.004;  // about 300 m around the town
    return [w - pad, s - pad, e + pad, n + pad];
  }

  function groundEntities(source, colour) {
    for (const entity of source.entities.values) {
      if (entity.polygon) {
        entity.polygon.classificationType = Cesium.ClassificationType.TERRAIN;
        entity.polygon.material = colour.withAlpha(0.45);
        entity.polygon.outline = false;
      }
      if (entity.polyline) {
        entity.polyline.classificationType = Cesium.ClassificationType.TERRAIN;
        entity.polyline.material = colour;
        entity.polyline.width = 3;
      }
      if (entity.billboard) {
        entity.billboard = undefined;
        entity.point = { pixelSize: 9, color: colour, outlineColor: Cesium.Color.WHITE,
                         outlineWidth: 1.5, heightReference: Cesium.HeightReference.CLAMP_TO_GROUND,
                         disableDepthTestDistance: 2000 };
      }
    }
  }

  async function loadGeoJson(viewer, layer, index) {
    const colour = Cesium.Color.fromCssColorString(COLOURS[index % COLOURS.length]);
    const box = layer.inTown ? townBox() : null;
    const url = box ? layer.url + "&bbox=" + box.map((v) => v.toFixed(6)).join(",") : layer.url;
    const source = await Cesium.GeoJsonDataSource.load(url, {
      stroke: colour, fill: colour.withAlpha(0.45), strokeWidth: 3, clampToGround: true,
    });
    groundEntities(source, colour);
    await viewer.dataSources.add(source);
    state.sources[layer.id] = source;
    return source;
  }

  function addGeoJsonToggle(viewer, layer, index) {
    state.titles[layer.id] = layer.title;
    let loading = null;
    toggle("layers-2d", layer, layer.inTown, (on) => {
      if (state.sources[layer.id]) { state.sources[layer.id].show = on; return; }
      if (on && !loading) loading = loadGeoJson(viewer, layer, index).catch((e) => report(String(e)));
    });
    return layer.inTown ? loadGeoJson(viewer, layer, index) : null;
  }

  // --- the terrain's switch -------------------------------------------------------------------
  async function addTerrainControls(viewer) {
    const entries = config.terrains || [];
    const chosen = entries.find((t) => t.inTown) || entries[0] || null;
    await useTerrain(viewer, chosen);
    for (const entry of entries) {
      toggle("layers-ground", entry, entry === chosen, (on) => {
        for (const other of entries) {
          if (other !== entry) document.getElementById("layer-" + other.id).checked = false;
        }
        useTerrain(viewer, on ? entry : null).catch((e) => report(String(e)));
      });
    }
    if (!entries.length) {
      document.getElementById("layers-ground").append(Object.assign(
        document.createElement("li"), { textContent: "no terrain built: level ground" }));
    }
  }

  // A fixed light from above, slightly from the south-east of the content: the same shading
  // at any hour (the default sun would leave roofs dark at night, UTC). The shadow study
  // replaces it with Cesium's sun.
  function fixedLight(viewer, centre) {
    return () => {
      const frame = Cesium.Transforms.eastNorthUpToFixedFrame(centre);
      const local = new Cesium.Cartesian3(-0.35, 0.45, -0.82);
      const direction = Cesium.Matrix4.multiplyByPointAsVector(frame, local, new Cesium.Cartesian3());
      viewer.scene.light = new Cesium.DirectionalLight({
        direction: Cesium.Cartesian3.normalize(direction, direction), intensity: 2.0,
      });
    };
  }

  async function flyToContent(viewer) {
    if (initialView.camera) {
      window.TwinTools.setCamera(viewer, initialView.camera);
      return;
    }
    const buildings = config.layers.find((l) => l.kind === "buildings" && l.inTown);
    const first = buildings ? state.tilesets[buildings.id] : Object.values(state.tilesets)[0];
    if (first) {
      await viewer.zoomTo(first, new Cesium.HeadingPitchRange(0.3, -0.75, 0));
    } else if (config.extent) {
      const [w, s, e, n] = config.extent;
      viewer.camera.setView({ destination: Cesium.Rectangle.fromDegrees(w, s, e, n) });
    }
  }

  function restoreLayers() {
    for (const [id, style] of Object.entries(initialView.maps)) {
      const select = document.getElementById("map-style-" + id);
      if (select && [...select.options].some((o) => o.value === style)) {
        select.value = style;
        select.dispatchEvent(new Event("change"));
      }
    }
    if (initialView.layers) {
      for (const box of document.querySelectorAll("[data-layer]")) {
        setShown(box.dataset.layer, initialView.layers.includes(box.dataset.layer));
      }
    }
    for (const [id, mode] of Object.entries(initialView.points)) {
      if (state.pointStyles[id]) state.pointStyles[id].setMode(mode);
    }
    for (const [id, codes] of Object.entries(initialView.hidden)) {
      if (state.pointStyles[id]) state.pointStyles[id].setHidden(codes);
    }
    window.TwinTools.restoreSun(state, initialView.sun);
  }

  state.redraw = () => { if (state.viewer) state.viewer.scene.requestRender(); };

  state.saveView = () => {
    state.redraw();
    if (!state.ready) return;
    history.replaceState(null, "", window.TwinTools.hashOf(state));
  };

  // Frame rate of this scene: the mean time of a few forced redraws (with requestRenderMode a
  // still view draws no frames at all, so counting frames would say nothing).
  state.measureFrameRate = (count) => {
    const viewer = state.viewer;
    const gl = viewer.scene.context._gl;
    const pixel = new Uint8Array(4);
    const drawn = () => { viewer.render(); gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel); };
    drawn();  // readPixels waits for the GPU: the time is the frame's, not its submission's
    const start = performance.now();
    for (let i = 0; i < (count || 10); i++) drawn();
    const mean = (performance.now() - start) / (count || 10);
    state.timings.frameMs = mean;
    state.timings.fps = 1000 / mean;
    return state.timings.fps;
  };

  async function main() {
    const viewer = createViewer();
    state.viewer = viewer;
    const tiled = config.layers.filter((l) => l.kind !== "geojson");
    await Promise.all(tiled.map((layer) => addTileset(viewer, layer)));
    const heights = Object.values(state.tilesets)
      .map((t) => t.root.boundingVolume.minimumHeight)
      .filter((h) => Number.isFinite(h));
    state.groundHeight = heights.length ? Math.min(...heights) : 0;
    await addTerrainControls(viewer);
    addImagery(viewer, config.imagery || []);
    const flat = config.layers.filter((l) => l.kind === "geojson");
    await Promise.all(flat.map((layer, index) => addGeoJsonToggle(viewer, layer, index)));
    window.TwinBim.attach(state, config.layers);  // BIM shown: its city block hidden
    if (config.sensors) await window.TwinSensors.start(state, config.sensors).catch((e) => report(String(e)));
    const centre = Object.values(state.tilesets)[0]
      ? Object.values(state.tilesets)[0].boundingSphere.center
      : Cesium.Cartesian3.fromDegrees(...(config.extent ? config.extent.slice(0, 2) : [0, 0]));
    state.fixedLight = fixedLight(viewer, centre);
    state.fixedLight();
    window.TwinTools.onClick(state);
    window.TwinTools.measureTools(state);
    window.TwinTools.shadowStudy(state);
    window.TwinTools.search(state, flat);
    await flyToContent(viewer);
    state.timings.configured = performance.now() - started;
    state.ready = true;
    restoreLayers();
    viewer.camera.moveEnd.addEventListener(() => state.saveView());
    state.saveView();
    document.body.dataset.status = "ready";
    if (!state.errors.length) {
      statusLine.textContent = config.layers.length + " layers; click a feature for its attributes";
    }
  }

  main().catch((error) => {
    report("viewer failed: " + (error && error.message ? error.message : error));
    document.body.dataset.status = "failed";
  });
})();
