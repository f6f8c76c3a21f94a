// Browser test of the urbis viewer: opens BASE/viewer in headless Chromium (loopback only),
// waits until the tiles are rendered, checks the first view frames the whole city, large, over
// the offline base layer, checks the canvas is not blank, clicks a building and waits for its
// id in the attribute panel, and saves a screenshot.
// Usage: node browser-test.mjs BASE_URL SCREENSHOT.png   (CHROMIUM=path overrides the browser)
// SCREENSHOT.png is the first view; SCREENSHOT-final.png the view after the clicks.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

const [base, screenshot] = process.argv.slice(2);
const fail = (message) => { console.log(JSON.stringify({ ok: false, message })); process.exit(1); };
if (!base || !screenshot) fail("usage: browser-test.mjs BASE_URL SCREENSHOT.png");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    // Loopback only: every other host fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
  ],
});
const result = { ok: false };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}/viewer`);
  await page.waitForFunction(() => document.body.dataset.tilesLoaded === "true", null, { timeout: 180000 });
  // And the globe's own tiles (the base layer under the city); slow under SwiftShader.
  await page.waitForFunction(() => window.urbis.viewer.scene.globe.tilesLoaded, null, { timeout: 180000 });
  // A few more frames so the loaded tiles are drawn; the first view is the screenshot.
  await page.waitForTimeout(1500);
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  result.screenshot = screenshot;

  // Not blank: the frame has many colours, and a share of its pixels changes when the tileset
  // is hidden (what is drawn is the city, not just the globe and sky).
  result.canvas = await page.evaluate(() => {
    const { viewer, state } = window.urbis;
    const grab = () => {
      viewer.render();
      const src = viewer.scene.canvas;
      const c = document.createElement("canvas");
      c.width = src.width; c.height = src.height;
      const ctx = c.getContext("2d");
      ctx.drawImage(src, 0, 0);
      return ctx.getImageData(0, 0, c.width, c.height).data;
    };
    const withCity = grab();
    state.tileset.show = false;
    const without = grab();
    state.tileset.show = true;
    viewer.render();
    const colours = new Set();
    let changed = 0, total = 0;
    for (let i = 0; i < withCity.length; i += 4 * 3) {
      colours.add((withCity[i] << 16) | (withCity[i + 1] << 8) | withCity[i + 2]);
      const d = Math.abs(withCity[i] - without[i]) + Math.abs(withCity[i + 1] - without[i + 1]) +
        Math.abs(withCity[i + 2] - without[i + 2]);
      if (d > 30) changed++;
      total++;
    }
    return { colours: colours.size, cityShare: changed / total };
  });
  if (result.canvas.colours < 20 || result.canvas.cityShare < 0.01) {
    throw new Error(`the canvas shows no city: ${JSON.stringify(result.canvas)}`);
  }

  // The first view: all four ground corners of the tileset's root region are in the frame, the
  // quadrilateral between them covers most of it, and the base layer is the Natural Earth II
  // imagery shipped with CesiumJS, loaded.
  result.frame = await page.evaluate(() => {
    const { viewer, state } = window.urbis;
    const region = state.tileset.root.boundingVolume;
    if (!(region instanceof Cesium.TileBoundingRegion)) return { region: false };
    const r = region.rectangle;
    const [w, h] = [viewer.scene.canvas.clientWidth, viewer.scene.canvas.clientHeight];
    const corners = [[r.west, r.south], [r.east, r.south], [r.east, r.north], [r.west, r.north]].map(
      ([lon, lat]) => Cesium.SceneTransforms.worldToWindowCoordinates(
        viewer.scene, Cesium.Cartesian3.fromRadians(lon, lat, region.minimumHeight)));
    const inside = corners.every((p) => p && p.x >= 0 && p.y >= 0 && p.x <= w && p.y <= h);
    let area = 0;
    for (let i = 0; inside && i < 4; i++) {
      const [a, b] = [corners[i], corners[(i + 1) % 4]];
      area += a.x * b.y - b.x * a.y;
    }
    const base = viewer.imageryLayers.length > 0 ? viewer.imageryLayers.get(0) : null;
    // The frame's corners, outside the city, show the ground, not black space.
    viewer.render();
    const c = document.createElement("canvas");
    c.width = viewer.scene.canvas.width; c.height = viewer.scene.canvas.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(viewer.scene.canvas, 0, 0);
    const ground = [[4, 4], [c.width - 5, 4], [4, c.height - 5], [c.width - 5, c.height - 5]].map(([x, y]) => {
      const p = ctx.getImageData(x, y, 1, 1).data;
      return p[0] + p[1] + p[2];
    });
    return {
      region: true,
      inside,
      corners: corners.map((p) => p && [Math.round(p.x), Math.round(p.y)]),
      share: Math.abs(area) / 2 / (w * h),
      baseLayer: base && base.ready ? String(base.imageryProvider.url) : null,
      ground,
    };
  });
  const frame = result.frame;
  if (!frame.region || !frame.inside || frame.share < 0.5) {
    throw new Error(`the first view does not frame the whole city, large: ${JSON.stringify(frame)}`);
  }
  if (!frame.baseLayer || !frame.baseLayer.includes("NaturalEarthII") || frame.ground.some((v) => v < 120)) {
    throw new Error(`no offline base layer: ${JSON.stringify(frame)}`);
  }

  // Find a pixel showing a building, then click it like a person would.
  const target = await page.evaluate(() => {
    const { viewer } = window.urbis;
    const canvas = viewer.scene.canvas;
    const rect = canvas.getBoundingClientRect();
    for (let step = 40; step >= 5; step = Math.floor(step / 2)) {
      for (let y = step; y < rect.height; y += step) {
        for (let x = step; x < rect.width; x += step) {
          const picked = viewer.scene.pick(new Cesium.Cartesian2(x, y));
          if (picked instanceof Cesium.Cesium3DTileFeature &&
              String(picked.getProperty("type")).startsWith("Building")) {
            return { x: rect.left + x, y: rect.top + y, cx: x, cy: y, id: picked.getProperty("id") };
          }
        }
      }
    }
    return null;
  });
  if (!target) throw new Error("no building under any pixel");
  result.clicked = target;
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(
    (id) => {
      const panel = document.getElementById("attributes");
      return panel.dataset.id === id && panel.textContent.includes(id) && panel.querySelectorAll("tr").length > 2;
    },
    target.id,
    { timeout: 30000 },
  );
  result.panel = await page.evaluate(() => document.getElementById("attributes").innerText.slice(0, 400));

  // Colour by a numeric attribute: the option appears once loaded tiles hold numbers for it,
  // and the style then gives the building under the pointer a colour of the blue-red ramp
  // (not white, not the grey of "no value").
  await page.waitForFunction(
    () => [...document.getElementById("colour-by").options]
      .some((o) => o.textContent === "measuredHeight" && !o.hidden),
    null,
    { timeout: 30000 },
  );
  await page.evaluate(() => {
    const s = document.getElementById("colour-by");
    s.value = [...s.options].find((o) => o.textContent === "measuredHeight").value;
    s.dispatchEvent(new Event("change"));
  });
  const styled = await page.waitForFunction(
    (t) => {
      const { viewer, state } = window.urbis;
      const picked = viewer.scene.pick(new Cesium.Cartesian2(t.cx, t.cy));
      const style = state.tileset && state.tileset.style;
      if (!(picked instanceof Cesium.Cesium3DTileFeature) || !style) return null;
      const c = style.color.evaluateColor(picked, new Cesium.Color());
      const grey = Math.abs(c.red - c.green) < 0.02 && Math.abs(c.green - c.blue) < 0.02;
      return grey ? null : [c.red, c.green, c.blue];
    },
    target,
    { timeout: 30000 },
  );
  result.colouredBy = { attribute: "measuredHeight", colour: await styled.jsonValue() };

  // The sunlight heat map: computed by the server, draped on the globe as an imagery layer.
  await page.evaluate(() => {
    const box = document.getElementById("sun");
    box.checked = true;
    box.dispatchEvent(new Event("change"));
  });
  await page.waitForFunction(
    () => window.urbis.state.sunLayer !== null &&
      document.getElementById("sun-legend").textContent.includes("direct sun"),
    null,
    { timeout: 60000 },
  );
  result.sunLegend = await page.evaluate(() => document.getElementById("sun-legend").textContent);
  // The view after clicking, colouring and the sun map, beside the first.
  result.finalScreenshot = screenshot.replace(/\.png$/, "") + "-final.png";
  await page.screenshot({ path: result.finalScreenshot });
  result.pageErrors = errors;
  if (errors.length) throw new Error(`errors in the page: ${errors.join("; ")}`);
  result.ok = true;
} catch (e) {
  result.message = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
