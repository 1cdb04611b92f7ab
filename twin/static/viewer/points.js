"use strict";
// Point-cloud styles: ASPRS classification palette, height ramp, intensity, true colour,
// returns (single / first / intermediate / last of a pulse), classes to hide and a filter
// to first or last returns only. One CustomShader per point-cloud tileset reads the per-point
// classification and intensity (EXT_structural_metadata property attributes of our glb
// tiles), the return number and number of returns when the source has them, and COLOR_0
// when it has colour; the palette, with the hidden classes made transparent, is a 256 x 1
// texture, so hiding a class is one texture update, no rebuild; the returns filter is a
// uniform.
window.TwinPoints = (function () {
  const MODES = { classification: 0, height: 1, intensity: 2, rgb: 3, returns: 4 };
  // Which returns are drawn: all, only the first of each pulse, only the last.
  const RETURN_FILTERS = { all: 0, first: 1, last: 2 };
  // The returns style: the point's place in its pulse (0: not recorded by the source).
  const RETURN_COLOURS = {
    unknown: ["Not recorded", "#b0b0b0"], single: ["Single return", "#4daf4a"],
    first: ["First of several", "#377eb8"], intermediate: ["Intermediate", "#ffbf00"],
    last: ["Last of several", "#e41a1c"],
  };

  function glslColour(key) {
    const c = Cesium.Color.fromCssColorString(RETURN_COLOURS[key][1]);
    return `vec3(${c.red.toFixed(3)}, ${c.green.toFixed(3)}, ${c.blue.toFixed(3)})`;
  }
  // ASPRS LAS 1.4 standard classes (R4), colours after the usual LiDAR viewers.
  const CLASSES = {
    0: ["Never classified", "#b0b0b0"], 1: ["Unclassified", "#c8c8c8"],
    2: ["Ground", "#a0522d"], 3: ["Low vegetation", "#9acd32"],
    4: ["Medium vegetation", "#3cb371"], 5: ["High vegetation", "#006400"],
    6: ["Building", "#e34a33"], 7: ["Low point (noise)", "#ff00ff"],
    8: ["Model key-point", "#ffd700"], 9: ["Water", "#1e90ff"], 10: ["Rail", "#8b4513"],
    11: ["Road surface", "#505050"], 12: ["Overlap", "#ffff00"],
    13: ["Wire - guard", "#ffa500"], 14: ["Wire - conductor", "#ff8c00"],
    15: ["Transmission tower", "#8a2be2"], 16: ["Wire connector", "#dda0dd"],
    17: ["Bridge deck", "#708090"], 18: ["High noise", "#ff1493"],
    26: ["Other (AHN: civil structures)", "#4682b4"],
  };

  function className(code) {
    return CLASSES[code] ? CLASSES[code][0] : "Class " + code;
  }

  function paletteTexture(hidden) {
    const bytes = new Uint8Array(256 * 4);
    for (let code = 0; code < 256; code++) {
      const css = CLASSES[code] ? CLASSES[code][1] : "#d0d0d0";
      const colour = Cesium.Color.fromCssColorString(css);
      bytes.set([colour.red * 255, colour.green * 255, colour.blue * 255,
                 hidden.has(code) ? 0 : 255], code * 4);
    }
    return new Cesium.TextureUniform({
      typedArray: bytes, width: 256, height: 1, repeat: false,
      minificationFilter: Cesium.TextureMinificationFilter.NEAREST,
      magnificationFilter: Cesium.TextureMagnificationFilter.NEAREST,
    });
  }

  // The colour is chosen per point in the vertex shader (a varying), not per fragment: a
  // point covers about ten fragments, and software renderers pay for every one.
  function vertexText(hasColour, hasReturns) {
    const colour = hasColour ? "vsInput.attributes.color_0.rgb" : "vec3(0.8)";
    // without returns in the tiles the metadata has no such properties: constants instead
    const number = hasReturns ? "float(vsInput.metadata.return_number)" : "0.0";
    const count = hasReturns ? "float(vsInput.metadata.number_of_returns)" : "0.0";
    return `
      vec3 ramp(float t) {
        t = clamp(t, 0.0, 1.0);
        vec3 a = vec3(0.19, 0.21, 0.58), b = vec3(0.17, 0.67, 0.55), c = vec3(0.99, 0.91, 0.14);
        vec3 d = vec3(0.84, 0.19, 0.15);
        if (t < 0.33) return mix(a, b, t / 0.33);
        if (t < 0.66) return mix(b, c, (t - 0.33) / 0.33);
        return mix(c, d, (t - 0.66) / 0.34);
      }
      vec3 returnColour(float number, float count) {
        if (number < 0.5) return ${glslColour("unknown")};
        if (count < 1.5) return ${glslColour("single")};
        if (number < 1.5) return ${glslColour("first")};
        if (number >= count - 0.5) return ${glslColour("last")};
        return ${glslColour("intermediate")};
      }
      void vertexMain(VertexInput vsInput, inout czm_modelVertexOutput vsOutput) {
        float code = float(vsInput.metadata.classification);
        vec4 entry = texture(u_palette, vec2((code + 0.5) / 256.0, 0.5));
        vec3 rgb = entry.rgb;
        float number = ${number};
        float count = ${count};
        bool kept = u_returns == 0 || (number > 0.5 && (u_returns == 1 ? number < 1.5
                                                                        : number >= count - 0.5));
        if (u_mode == 1) {
          vec3 world = (czm_model * vec4(vsInput.attributes.positionMC, 1.0)).xyz;
          float h = dot(world - u_origin, u_up);
          rgb = ramp((h - u_heights.x) / max(u_heights.y - u_heights.x, 0.01));
        } else if (u_mode == 2) {
          float i = float(vsInput.metadata.intensity);
          rgb = vec3(clamp(sqrt(i / u_intensityMax), 0.0, 1.0));
        } else if (u_mode == 3) {
          rgb = ${colour};
        } else if (u_mode == 4) {
          rgb = returnColour(number, count);
        }
        float alpha = kept ? entry.a : 0.0;
        v_colour = vec4(rgb, alpha);
        vsOutput.pointSize = alpha < 0.5 ? 0.0 : u_pointSize;
      }`;
  }

  const FRAGMENT = `
    void fragmentMain(FragmentInput fsInput, inout czm_modelMaterial material) {
      if (v_colour.a < 0.5) discard;
      material.diffuse = v_colour.rgb;
    }`;

  function shaderFor(tileset, layer) {
    const centre = tileset.boundingSphere.center;
    const up = Cesium.Ellipsoid.WGS84.geodeticSurfaceNormal(centre, new Cesium.Cartesian3());
    const range = layer.heightRange || [-20, 40];
    const mid = (range[0] + range[1]) / 2;
    return new Cesium.CustomShader({
      uniforms: {
        u_palette: { type: Cesium.UniformType.SAMPLER_2D, value: paletteTexture(new Set()) },
        u_mode: { type: Cesium.UniformType.INT, value: 0 },
        u_returns: { type: Cesium.UniformType.INT, value: 0 },
        u_origin: { type: Cesium.UniformType.VEC3, value: centre },
        u_up: { type: Cesium.UniformType.VEC3, value: up },
        // heights relative to the tileset's centre, which sits about mid-range
        u_heights: { type: Cesium.UniformType.VEC2,
                     value: new Cesium.Cartesian2(range[0] - mid, range[1] - mid) },
        u_intensityMax: { type: Cesium.UniformType.FLOAT, value: 2500.0 },
        u_pointSize: { type: Cesium.UniformType.FLOAT, value: 3.0 },
      },
      varyings: { v_colour: Cesium.VaryingType.VEC4 },
      lightingModel: Cesium.LightingModel.UNLIT,
      vertexShaderText: vertexText(layer.hasColour, layer.hasReturns),
      fragmentShaderText: FRAGMENT,
    });
  }

  // The style of one point-cloud tileset, and its panel controls.
  function attach(tileset, layer, onChange) {
    const shader = shaderFor(tileset, layer);
    tileset.customShader = shader;
    const style = { mode: "classification", hidden: new Set(), returns: "all", shader: shader,
                    layer: layer };
    style.setMode = (mode) => {
      if (!(mode in MODES) || (mode === "rgb" && !layer.hasColour)
          || (mode === "returns" && !layer.hasReturns)) return;
      style.mode = mode;
      shader.setUniform("u_mode", MODES[mode]);
      const select = document.getElementById("point-style-" + layer.id);
      if (select) select.value = mode;
      onChange();
    };
    style.setReturns = (which) => {
      if (!(which in RETURN_FILTERS) || !layer.hasReturns) return;
      style.returns = which;
      shader.setUniform("u_returns", RETURN_FILTERS[which]);
      const select = document.getElementById("point-returns-" + layer.id);
      if (select) select.value = which;
      onChange();
    };
    style.setHidden = (codes) => {
      style.hidden = new Set(codes.map(Number));
      shader.setUniform("u_palette", paletteTexture(style.hidden));
      for (const box of document.querySelectorAll(`[data-points="${layer.id}"]`)) {
        box.checked = !style.hidden.has(Number(box.dataset.code));
      }
      onChange();
    };
    return style;
  }

  // A legend entry's colour square.
  function swatch(css) {
    const square = document.createElement("span");
    square.className = "swatch";
    square.style.background = css;
    return square;
  }

  // A legend (the classes' and the returns' share one layout): an item per entry.
  function legendList(cssClass, entries, itemOf) {
    const list = document.createElement("ul");
    list.className = cssClass;
    for (const entry of entries) list.append(itemOf(entry));
    return list;
  }

  function controls(layer, style) {
    const section = document.createElement("div");
    section.className = "point-controls";
    const select = document.createElement("select");
    select.id = "point-style-" + layer.id;
    select.title = "Colour the points by";
    const labels = { classification: "Classification (ASPRS)", height: "Height",
                     intensity: "Intensity", rgb: "True colour", returns: "Returns" };
    for (const mode of Object.keys(MODES)) {
      if (mode === "rgb" && !layer.hasColour) continue;
      if (mode === "returns" && !layer.hasReturns) continue;
      select.add(new Option(labels[mode], mode));
    }
    select.addEventListener("change", () => style.setMode(select.value));
    section.append(select);
    section.append(legendList("classes", layer.classes || [], (code) => {
      const item = document.createElement("li");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.dataset.points = layer.id;
      box.dataset.code = code;
      box.id = `class-${layer.id}-${code}`;
      box.addEventListener("change", () => {
        const hidden = new Set(style.hidden);
        if (box.checked) hidden.delete(code); else hidden.add(code);
        style.setHidden([...hidden]);
      });
      const label = document.createElement("label");
      label.htmlFor = box.id;
      label.append(swatch(CLASSES[code] ? CLASSES[code][1] : "#d0d0d0"),
                   " " + code + " " + className(code));
      item.append(box, label);
      return item;
    }));
    if (layer.hasReturns) section.append(returnsControls(layer, style));
    return section;
  }

  // The returns filter and the legend of the returns style.
  function returnsControls(layer, style) {
    const part = document.createElement("div");
    part.className = "point-returns";
    const select = document.createElement("select");
    select.id = "point-returns-" + layer.id;
    select.title = "Show the returns";
    const labels = { all: "All returns", first: "First returns only",
                     last: "Last returns only" };
    for (const which of Object.keys(RETURN_FILTERS)) select.add(new Option(labels[which], which));
    select.addEventListener("change", () => style.setReturns(select.value));
    // the class list's layout
    const legend = legendList("classes returns-legend", Object.values(RETURN_COLOURS),
                              ([label, css]) => {
                                const item = document.createElement("li");
                                item.append(swatch(css), " " + label);
                                return item;
                              });
    part.append(select, legend);
    return part;
  }

  return { attach: attach, controls: controls, CLASSES: CLASSES, MODES: MODES,
           RETURN_FILTERS: RETURN_FILTERS, RETURN_COLOURS: RETURN_COLOURS };
})();
