// The urbis viewer: collections from the OGC API, their 3D Tiles in CesiumJS, attributes of
// a clicked building from the OGC API item, search by id, colour by attribute or validity.
// No ion token and no network: the globe shows the Natural Earth II imagery CesiumJS ships
// (served from /viewer/cesium/), with OpenStreetMap on top when ticked; no ion logo.
"use strict";

const $ = (id) => document.getElementById(id);
const status = (text) => { $("status").textContent = text; };
const NO_DATA = -1e299; // numeric attributes below this are "no value" (urbis writes -1e300)

// CesiumJS's credit without the Cesium ion logo: no ion service is used here.
Cesium.CreditDisplay.cesiumCredit = new Cesium.Credit(
  '<a href="https://cesium.com/platform/cesiumjs/" target="_blank" rel="noopener">CesiumJS</a>', true);

/** A message for any error CesiumJS or fetch throws (some carry no `message`). */
function errorText(e) {
  if (!e) return "unknown error";
  if (e.message) return e.message;
  if (e.statusCode) return `HTTP ${e.statusCode}${e.response ? `: ${e.response}` : ""}`;
  return String(e);
}

const viewer = new Cesium.Viewer("globe", {
  baseLayer: Cesium.ImageryLayer.fromProviderAsync(
    Cesium.TileMapServiceImageryProvider.fromUrl(Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII"))),
  baseLayerPicker: false,
  geocoder: false,
  timeline: false,
  animation: false,
  sceneModePicker: false,
  navigationHelpButton: false,
  fullscreenButton: false,
  infoBox: false,
  selectionIndicator: false,
});
viewer.scene.globe.baseColor = Cesium.Color.fromCssColorString("#dfe4d8");
viewer.scene.globe.depthTestAgainstTerrain = false;

const state = {
  collection: null,
  tileset: null,
  selected: null, // { feature, color }
  highlight: null, // id highlighted by search
  ranges: {}, // numeric property id -> [min, max] over loaded tiles
  sunLayer: null, // the sunlight heat map imagery layer
};
window.urbis = { viewer, state };

/** The tile property id urbis gives an attribute name (see urbis_tiles::metadata). */
function propertyId(name) {
  let id = name.replace(/[^A-Za-z0-9]/g, "_");
  if (!/^[A-Za-z_]/.test(id)) id = "_" + id;
  if (id === "id" || id === "type") id = "attr_" + id;
  return id;
}

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  if (!r.ok) {
    let message = `${r.status} ${r.statusText}`;
    try { message = (await r.json()).description || message; } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return r.json();
}

async function listCollections() {
  const data = await getJson("/collections");
  const list = $("collections");
  list.replaceChildren();
  for (const c of data.collections) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.textContent = c.title && c.title !== c.id ? `${c.title} (${c.id})` : c.id;
    b.title = c.description || c.id;
    b.dataset.id = c.id;
    b.onclick = () => openCollection(c.id);
    li.append(b);
    list.append(li);
  }
  status(data.collections.length ? "Pick a collection." : "The store has no collection yet.");
  const wanted = new URLSearchParams(location.search).get("collection");
  const first = wanted || (data.collections[0] && data.collections[0].id);
  if (first) await openCollection(first);
}

async function openCollection(id) {
  document.body.dataset.tilesLoaded = "false";
  for (const b of $("collections").querySelectorAll("button")) {
    b.classList.toggle("active", b.dataset.id === id);
  }
  if (state.tileset) viewer.scene.primitives.remove(state.tileset);
  state.collection = id;
  state.tileset = null;
  state.ranges = {};
  status(`Building the tiles of ${id}…`);
  try {
    const url = `/collections/${encodeURIComponent(id)}/3dtiles/tileset.json`;
    const tileset = await Cesium.Cesium3DTileset.fromUrl(url, { maximumScreenSpaceError: 8 });
    state.tileset = tileset;
    viewer.scene.primitives.add(tileset);
    tileset.tileLoad.addEventListener(noteRanges);
    tileset.allTilesLoaded.addEventListener(() => {
      document.body.dataset.tilesLoaded = "true";
      status(`${id}: tiles loaded. Click a building.`);
    });
    frameTileset(tileset);
    await fillColourOptions(id);
    applyStyle();
    if ($("sun").checked) showSun(true);
    status(`${id}: loading tiles…`);
  } catch (e) {
    status(`${id}: ${errorText(e)}`);
  }
}

/**
 * Puts the camera where the whole tileset is in view and as large as it fits: looking north
 * and 68° down at the middle of its root region, at the shortest distance from which all eight
 * corners of the region are inside the frame (3% margin). Tilesets without a root region
 * (never made by urbis) are framed by their bounding sphere.
 */
function frameTileset(tileset) {
  const region = tileset.root.boundingVolume;
  if (!(region instanceof Cesium.TileBoundingRegion)) {
    viewer.zoomTo(tileset);
    return;
  }
  const r = region.rectangle;
  const corners = [];
  for (const h of [region.minimumHeight, region.maximumHeight]) {
    for (const [lon, lat] of [[r.west, r.south], [r.east, r.south], [r.east, r.north], [r.west, r.north]]) {
      corners.push(Cesium.Cartesian3.fromRadians(lon, lat, h));
    }
  }
  const middle = Cesium.Cartesian3.fromRadians((r.west + r.east) / 2, (r.south + r.north) / 2, region.minimumHeight);
  const camera = viewer.camera;
  const canvas = viewer.scene.canvas;
  const [mx, my] = [canvas.clientWidth * 0.03, canvas.clientHeight * 0.03];
  const look = (range) => camera.lookAt(middle, new Cesium.HeadingPitchRange(0, Cesium.Math.toRadians(-68), range));
  const fits = (range) => {
    look(range);
    return corners.every((p) => {
      const w = Cesium.SceneTransforms.worldToWindowCoordinates(viewer.scene, p);
      return w && w.x >= mx && w.x <= canvas.clientWidth - mx && w.y >= my && w.y <= canvas.clientHeight - my;
    });
  };
  let [near, far] = [1, Math.max(tileset.boundingSphere.radius, 50) * 4];
  for (let i = 0; i < 20 && !fits(far); i++) far *= 2;
  for (let i = 0; i < 40; i++) {
    const range = (near + far) / 2;
    if (fits(range)) far = range; else near = range;
  }
  look(far);
  camera.lookAtTransform(Cesium.Matrix4.IDENTITY);
}

async function fillColourOptions(id) {
  const select = $("colour-by");
  for (const o of [...select.options]) if (o.dataset.numeric) o.remove();
  try {
    const q = await getJson(`/collections/${encodeURIComponent(id)}/queryables`);
    for (const [name, schema] of Object.entries(q.properties || {})) {
      if (["id", "type", "geometry"].includes(name)) continue;
      const typed = schema.type === "number" || schema.type === "integer";
      if (schema.type && !typed) continue;
      // Queryables of mixed type (or only nulls so far) show up once a loaded tile holds a
      // number for them.
      const o = document.createElement("option");
      o.value = propertyId(name);
      o.textContent = name;
      o.dataset.numeric = "true";
      o.hidden = !typed;
      select.append(o);
    }
  } catch (_) { /* no queryables: surfaces and validity only */ }
}

function noteRanges(tile) {
  const content = tile.content;
  const options = [...$("colour-by").options].filter((o) => o.dataset.numeric);
  for (let i = 0; i < content.featuresLength; i++) {
    const f = content.getFeature(i);
    for (const o of options) {
      const p = o.value;
      const v = f.getProperty(p);
      if (typeof v !== "number" || v < NO_DATA) continue;
      o.hidden = false;
      const r = state.ranges[p] || [v, v];
      state.ranges[p] = [Math.min(r[0], v), Math.max(r[1], v)];
    }
  }
  if ($("colour-by").selectedOptions[0]?.dataset.numeric) applyStyle();
}

function applyStyle() {
  const tileset = state.tileset;
  if (!tileset) return;
  const by = $("colour-by").value;
  const conditions = [];
  if (state.highlight) conditions.push([`\${id} === ${JSON.stringify(state.highlight)}`, "color('#ffd400')"]);
  const legend = $("legend");
  legend.replaceChildren();
  if (by === "validation") {
    conditions.push(["${validation} === 'valid'", "color('#3a9d5d')"]);
    conditions.push(["${validation} === undefined || ${validation} === ''", "color('#b8b8b8')"]);
    conditions.push(["true", "color('#d03030')"]);
    legend.textContent = "green: valid · red: invalid · grey: not validated";
  } else if (by) {
    const [lo, hi] = state.ranges[by] || [0, 1];
    const span = hi > lo ? hi - lo : 1;
    conditions.push([`\${${by}} === undefined || \${${by}} < ${NO_DATA}`, "color('#b8b8b8')"]);
    conditions.push(["true", `hsl((1.0 - clamp((\${${by}} - ${lo}) / ${span}, 0.0, 1.0)) * 0.66, 0.75, 0.5)`]);
    legend.textContent = `blue ${lo.toFixed(1)} → red ${hi.toFixed(1)}`;
  }
  if (conditions.length === 0) {
    tileset.style = undefined;
  } else {
    if (!by) conditions.push(["true", "color('#ffffff')"]); // white keeps the surface colours
    tileset.style = new Cesium.Cesium3DTileStyle({ color: { conditions } });
  }
}

function row(table, key, value, cls) {
  const tr = table.insertRow();
  tr.insertCell().textContent = key;
  const td = tr.insertCell();
  td.textContent = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (cls) td.className = cls;
}

async function showFeature(id, validation) {
  const panel = $("attributes");
  panel.dataset.id = id;
  panel.replaceChildren();
  const table = document.createElement("table");
  panel.append(table);
  row(table, "id", id);
  if (validation) row(table, "validation", validation, validation === "valid" ? "" : "invalid");
  try {
    const item = await getJson(
      `/collections/${encodeURIComponent(state.collection)}/items/${encodeURIComponent(id)}?f=json`);
    for (const [k, v] of Object.entries(item.properties || {})) row(table, k, v);
    return item;
  } catch (e) {
    row(table, "error", errorText(e), "invalid");
    return null;
  }
}

function select(feature) {
  if (state.selected) {
    try { state.selected.feature.color = state.selected.color; } catch (_) { /* tile unloaded */ }
  }
  state.selected = feature ? { feature, color: Cesium.Color.clone(feature.color) } : null;
  if (feature) feature.color = Cesium.Color.fromCssColorString("#ffd400");
}

new Cesium.ScreenSpaceEventHandler(viewer.scene.canvas).setInputAction((click) => {
  const picked = viewer.scene.pick(click.position);
  if (!(picked instanceof Cesium.Cesium3DTileFeature)) {
    select(null);
    return;
  }
  select(picked);
  showFeature(picked.getProperty("id"), picked.getProperty("validation"));
}, Cesium.ScreenSpaceEventType.LEFT_CLICK);

$("search").onsubmit = async (event) => {
  event.preventDefault();
  const id = $("search-id").value.trim();
  if (!id || !state.collection) return;
  const item = await showFeature(id);
  if (!item || !item.geometry) {
    status(`${id}: not found in ${state.collection}`);
    return;
  }
  const coords = JSON.stringify(item.geometry.coordinates).match(/-?\d+(\.\d+)?(e-?\d+)?/g).map(Number);
  const xs = coords.filter((_, i) => i % 2 === 0), ys = coords.filter((_, i) => i % 2 === 1);
  const pad = 0.001;
  state.highlight = item.id;
  applyStyle();
  viewer.camera.flyTo({
    destination: Cesium.Rectangle.fromDegrees(
      Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad),
  });
  status(`${item.id}: found.`);
};

$("colour-by").onchange = applyStyle;

let osm = null;
$("osm").onchange = (e) => {
  if (e.target.checked) {
    osm = viewer.imageryLayers.addImageryProvider(
      new Cesium.OpenStreetMapImageryProvider({ url: "https://tile.openstreetmap.org/" }));
  } else if (osm) {
    viewer.imageryLayers.remove(osm);
    osm = null;
  }
};

// The ground sunlight heat map (computed by the server on first request), draped on the globe.
async function showSun(on) {
  if (state.sunLayer) {
    viewer.imageryLayers.remove(state.sunLayer);
    state.sunLayer = null;
  }
  $("sun-legend").textContent = "";
  if (!on || !state.collection) return;
  const base = `/collections/${encodeURIComponent(state.collection)}`;
  status(`Computing the sunlight of ${state.collection}…`);
  try {
    const info = await getJson(`${base}/sun`);
    const [w, s, e, n] = info.rectangle;
    const provider = await Cesium.SingleTileImageryProvider.fromUrl(`${base}/sun.png`, {
      rectangle: Cesium.Rectangle.fromDegrees(w, s, e, n),
    });
    state.sunLayer = viewer.imageryLayers.addImageryProvider(provider);
    state.sunLayer.alpha = 0.85;
    $("sun-legend").textContent =
      `direct sun ${info.date} ${info.from}–${info.to} (${info.clock}): dark blue 0 h → yellow ${info.window_hours} h; mean ${info.mean_hours.toFixed(1)} h`;
    status(`${state.collection}: sunlight shown.`);
  } catch (err) {
    status(`Sunlight of ${state.collection}: ${errorText(err)}`);
  }
}
$("sun").onchange = (e) => showSun(e.target.checked);

listCollections().catch((e) => status(`Cannot list collections: ${errorText(e)}`));
