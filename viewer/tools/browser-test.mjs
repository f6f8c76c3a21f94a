// Browser test of the urbis viewer: opens BASE/viewer in headless Chromium (loopback only),
// waits until the tiles are rendered, checks the canvas is not blank, clicks a building and
// waits for its id in the attribute panel, and saves a screenshot.
// Usage: node browser-test.mjs BASE_URL SCREENSHOT.png   (CHROMIUM=path overrides the browser)
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
  // A few more frames so the loaded tiles are drawn.
  await page.waitForTimeout(1500);

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
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  result.screenshot = screenshot;
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
