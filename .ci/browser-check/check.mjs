// The browser check of the public pages (issue 16), run by .ci/browser against a real
// `samverkan serve --demo`: Debian's Chromium driven by playwright-core.
//
//   node check.mjs BASE_URL
//
// 1. axe-core, WCAG 2.1 A and AA, on the embed page of every public demo agreement in
//    Swedish and English, with and without `include=former`, with theme parameters and
//    `rows=`, at 1024 and 320 px; on the snippet builder and the accessibility statement.
// 2. Reflow: every one of those embed pages at every width from 320 to 1920 px in steps of
//    16 px (320 px is also 1280 px at 400 % zoom) must not scroll sideways, and no name or
//    place may be broken inside a word; the other pages every 64 px.
// 3. A host page on another origin (a second port, served from here) frames the embed
//    page: the frame must show the list with no console error, no page error and no
//    Content-Security-Policy violation in either document. The same with ?resize=1 and the
//    documented host script (the frame takes the page's height), and the ?fragment=1 list
//    in a host page with /embed/signatories.css (axe and reflow again).
// 4. frame-ancestors: an agreement restricted by its administrator to the host's origin is
//    shown there and refused on a third origin.
//
// Any finding fails the run (exit 1); each is printed with the page and what was found.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const base = process.argv[2];
// A platform administrator's token, for the frame-ancestors setting.
const token = process.env.BROWSER_CHECK_TOKEN;
if (!base || !token) {
  console.error("usage: BROWSER_CHECK_TOKEN=… node check.mjs BASE_URL");
  process.exit(2);
}

const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`FAIL ${what}`);
};

// Every public agreement of the demo, read as an anonymous visitor reads them.
async function publicAgreements() {
  const ids = [];
  let url = `${base}/api/v1/agreements?limit=100`;
  while (url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    const body = await res.json();
    for (const a of body.items) ids.push(a.id);
    url = body.next_cursor ? `${base}/api/v1/agreements?limit=100&cursor=${body.next_cursor}` : null;
  }
  if (ids.length === 0) throw new Error("the demo has no public agreement");
  return ids;
}

const ids = await publicAgreements();
const embedPages = [];
for (const id of ids) {
  for (const lang of ["sv", "en"]) {
    embedPages.push(`/embed/agreements/${id}/signatories?lang=${lang}`);
    embedPages.push(`/embed/agreements/${id}/signatories?lang=${lang}&include=former`);
  }
}
// The theme parameters, on the first agreement (they apply the same to every page).
const themed = [
  "lang=sv&include=former&accent=006b3c&font=serif&density=compact",
  "lang=en&include=former&scheme=dark&heading=none",
  "lang=sv&scheme=auto&font=inherit-like&accent=7a1f5c&resize=1",
  "lang=sv&rows=1",
];
for (const q of themed) embedPages.push(`/embed/agreements/${ids[0]}/signatories?${q}`);
// The other public pages: the snippet builder (empty, and with a preview of every option)
// and the accessibility statement, in both languages.
const otherPages = [
  "/embed/",
  "/embed/?lang=en",
  `/embed/?agreement=${ids[0]}&lang=sv&include=former&rows=5&accent=006b3c&font=serif&scheme=auto&density=compact&heading=none&resize=1`,
  `/embed/?agreement=${ids[0]}&lang=en&accent=ffdd00`,
  "/embed/accessibility",
  "/embed/accessibility?lang=en",
  // The accession form (issue 19), empty, in both languages. (With errors and after
  // sending are POSTs: not checked here yet.)
  `/embed/agreements/${ids[0]}/apply`,
  `/embed/agreements/${ids[0]}/apply?lang=en`,
];

const profile = mkdtempSync(join(tmpdir(), "samverkan-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
  ],
  viewport: { width: 1024, height: 768 },
});

// Console errors, page errors and CSP violations of a page and all its frames.
function watch(page, label) {
  page.on("console", (msg) => {
    if (msg.type() === "error") fail(`${label}: console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => fail(`${label}: page error: ${err.message}`));
}

const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
async function axe(page, label) {
  // Evaluated through the DevTools protocol: the pages' policy forbids every script, and
  // rightly so; the check must not weaken it.
  await page.evaluate(axeSource);
  const result = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: "tag", values } }),
    tags,
  );
  for (const v of result.violations) {
    const targets = v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ");
    fail(`${label}: axe ${v.id} (${v.impact}): ${v.help} — ${targets}`);
  }
  return result.passes.length;
}

async function overflowAt(page, width) {
  await page.setViewportSize({ width, height: 768 });
  return page.evaluate(() => {
    const doc = document.documentElement;
    const over = doc.scrollWidth - doc.clientWidth;
    if (over <= 0) return null;
    // The element that sticks out furthest, to say what to fix.
    let worst = null;
    let right = doc.clientWidth;
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect().right;
      if (r > right) {
        right = r;
        worst = el;
      }
    }
    const name = worst
      ? `${worst.tagName.toLowerCase()}${worst.className ? "." + worst.className : ""} "${(worst.textContent || "").trim().slice(0, 40)}"`
      : "?";
    return `${over} px (${name})`;
  });
}

// The host-side snippet for ?resize=1, as the documentation gives it (api/templates/embed/resize-snippet.js, shown by the snippet builder).
const resizeSnippet = readFileSync(new URL("./resize-snippet.js", import.meta.url), "utf8").replace(
  "SAMVERKAN_ORIGIN",
  new URL(base).origin,
);

// Names and places broken inside a word ("Ängsblom|man"): a word whose text lies on more
// than one line. (A word wider than the whole column may have to break; none in the demo is.)
async function brokenWords(page) {
  return page.evaluate(() => {
    const broken = [];
    const cells = document.querySelectorAll(".samverkan tbody th, .samverkan td span[lang]");
    for (const cell of cells) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest(".samverkan-period, .samverkan-vh")) continue;
        const re = /\S+/g;
        for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (tops.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken;
  });
}

const started = Date.now();
let axeRuns = 0;
let widths = 0;
const page = await context.newPage();
for (const path of [...embedPages, ...otherPages]) {
  const label = path;
  const events = [];
  const onConsole = (msg) => msg.type() === "error" && events.push(`console error: ${msg.text()}`);
  const onError = (err) => events.push(`page error: ${err.message}`);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  await page.setViewportSize({ width: 1024, height: 768 });
  const res = await page.goto(base + path, { waitUntil: "load" });
  if (!res || res.status() !== 200) {
    fail(`${label}: status ${res ? res.status() : "none"}`);
    continue;
  }
  for (const e of events) fail(`${label}: ${e}`);
  page.off("console", onConsole);
  page.off("pageerror", onError);
  const isEmbed = embedPages.includes(path);
  const steps = [];
  for (let w = 320; w <= 1920; w += isEmbed ? 16 : 64) steps.push(w);
  for (const w of steps) {
    const over = await overflowAt(page, w);
    widths++;
    if (over) fail(`${label}: scrolls sideways at ${w} px by ${over}`);
    const broken = await brokenWords(page);
    if (broken.length) fail(`${label}: words broken across lines at ${w} px: ${broken.join(", ")}`);
  }
  await page.setViewportSize({ width: 1024, height: 768 });
  await axe(page, label);
  // The narrow layout is another layout: check it too.
  await page.setViewportSize({ width: 320, height: 768 });
  await axe(page, `${label} at 320 px`);
  axeRuns += 2;
}
await page.close();

// A host page on another origin (another port) frames the embed page.
const host = createServer(async (req, res) => {
  const url = new URL(req.url, "http://host");
  const src = url.searchParams.get("src") || "";
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  if (url.pathname === "/fragment") {
    // A CMS that includes the list server-side (?fragment=1) with the list's stylesheet.
    const fragment = await (await fetch(src)).text();
    res.end(`<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Kommunens webbplats</title>
<link rel="stylesheet" href="${base}/embed/signatories.css"></head>
<body style="margin:0;padding:1rem;font-family:sans-serif"><main><h1>Idéburen sektor</h1>${fragment}</main></body></html>`);
    return;
  }
  if (url.pathname === "/resize") {
    // The documented host snippet for ?resize=1, as a host page would have it.
    res.end(`<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Kommunens webbplats</title></head>
<body><main><h1>Idéburen sektor</h1>
<iframe src="${src.replaceAll('"', "&quot;")}" title="Anslutna organisationer" width="100%" height="150" style="border:0"></iframe>
<script>${resizeSnippet}</script>
</main></body></html>`);
    return;
  }
  res.end(`<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Kommunens webbplats</title></head>
<body><main><h1>Idéburen sektor</h1>
<iframe src="${src.replaceAll('"', "&quot;")}" title="Anslutna organisationer" loading="lazy" width="100%" height="600" style="border:0"></iframe>
</main></body></html>`);
});
await new Promise((resolve) => host.listen(0, "127.0.0.1", resolve));
const hostBase = `http://127.0.0.1:${host.address().port}`;
for (const path of [embedPages[0], embedPages[3]]) {
  const label = `framed by ${hostBase}: ${path}`;
  const p = await context.newPage();
  watch(p, label);
  await p.goto(`${hostBase}/?src=${encodeURIComponent(base + path)}`, { waitUntil: "load" });
  const iframe = await p.waitForSelector("iframe", { timeout: 5000 }).catch(() => null);
  const frame = iframe ? await iframe.contentFrame() : null;
  if (frame) await frame.waitForLoadState("load").catch(() => {});
  if (!frame || !frame.url().startsWith(base)) {
    fail(`${label}: the frame did not load`);
  } else {
    await frame.waitForSelector("h1", { timeout: 5000 }).catch(() => fail(`${label}: no h1 in the frame`));
    // Violations are reported to the document whose policy was violated: listen in both.
    const violations = await Promise.all(
      [p.mainFrame(), frame].map((f) =>
        f.evaluate(
          () =>
            new Promise((resolve) => {
              const seen = [];
              document.addEventListener("securitypolicyviolation", (e) =>
                seen.push(`${e.violatedDirective} ${e.blockedURI}`),
              );
              // Layout and the stylesheet are applied by now; a late violation would come
              // from a resource loading after load, which the pages do not have.
              requestAnimationFrame(() => setTimeout(() => resolve(seen), 100));
            }),
        ),
      ),
    );
    for (const v of violations.flat()) fail(`${label}: CSP violation: ${v}`);
    const rows = await frame.evaluate(() => document.querySelectorAll("tbody tr").length);
    const text = await frame.evaluate(() => document.body.innerText);
    if (!text.trim()) fail(`${label}: the frame is empty`);
    console.log(`framed ${path}: ${rows} rows`);
  }
  await p.close();
}

// The list as a fragment inside a host page, with /embed/signatories.css.
{
  const src = `${base}/embed/agreements/${ids[0]}/signatories?lang=sv&include=former&fragment=1`;
  const label = `fragment in ${hostBase}`;
  const p = await context.newPage();
  watch(p, label);
  await p.goto(`${hostBase}/fragment?src=${encodeURIComponent(src)}`, { waitUntil: "load" });
  if (!(await p.evaluate(() => document.querySelector(".samverkan table") !== null)))
    fail(`${label}: no list in the page`);
  for (let w = 320; w <= 1920; w += 16) {
    const over = await overflowAt(p, w);
    widths++;
    if (over) fail(`${label}: scrolls sideways at ${w} px by ${over}`);
  }
  await p.setViewportSize({ width: 1024, height: 768 });
  await axe(p, label);
  await p.setViewportSize({ width: 320, height: 768 });
  await axe(p, `${label} at 320 px`);
  axeRuns += 2;
  await p.close();
}

// ?resize=1 with the documented host snippet: the frame grows to its page's height.
{
  const src = `${base}/embed/agreements/${ids[0]}/signatories?lang=sv&include=former&resize=1`;
  const label = `resize=1 in ${hostBase}`;
  const p = await context.newPage();
  watch(p, label);
  await p.goto(`${hostBase}/resize?src=${encodeURIComponent(src)}`, { waitUntil: "load" });
  const grown = await p
    .waitForFunction(() => document.querySelector("iframe").getBoundingClientRect().height > 150, null, { timeout: 5000 })
    .then(() => true)
    .catch(() => false);
  if (!grown) fail(`${label}: the frame's height was not set from the page's message`);
  const frame = await (await p.$("iframe")).contentFrame();
  const inner = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  const outer = await p.evaluate(() => Math.round(document.querySelector("iframe").getBoundingClientRect().height));
  if (Math.abs(inner - outer) > 1) fail(`${label}: frame ${outer} px for a page of ${inner} px`);
  console.log(`resize: frame ${outer} px, page ${inner} px`);
  await p.close();
}

// frame-ancestors: an administrator restricts one agreement to the host's origin. The host
// still frames it; a host on a third origin is refused by the browser.
{
  const id = ids[ids.length - 1];
  const auth = { authorization: `Bearer ${token}` };
  const current = await fetch(`${base}/api/v1/agreements/${id}`, { headers: auth });
  const etag = current.headers.get("etag");
  // The PATCH replaces the settings whole: keep the agreement's own and set the one.
  const settings = { ...(await current.json()).settings, embed_frame_ancestors: [hostBase] };
  const patched = await fetch(`${base}/api/v1/agreements/${id}`, {
    method: "PATCH",
    headers: { ...auth, "if-match": etag, "content-type": "application/json" },
    body: JSON.stringify({ settings }),
  });
  if (patched.status !== 200) fail(`frame-ancestors: PATCH answered ${patched.status}: ${await patched.text()}`);
  const other = createServer((req, res) => host.emit("request", req, res));
  await new Promise((resolve) => other.listen(0, "127.0.0.1", resolve));
  const otherBase = `http://127.0.0.1:${other.address().port}`;
  const src = `${base}/embed/agreements/${id}/signatories?lang=sv`;
  const shows = async (hostAt) => {
    const p = await context.newPage();
    const errors = [];
    p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(`${hostAt}/?src=${encodeURIComponent(src)}`, { waitUntil: "load" });
    const frame = await (await p.waitForSelector("iframe")).contentFrame();
    if (frame) await frame.waitForLoadState("load").catch(() => {});
    const listed = frame
      ? await frame.evaluate(() => document.querySelector(".samverkan table, .samverkan-summary") !== null).catch(() => false)
      : false;
    await p.close();
    return { listed, errors };
  };
  const allowed = await shows(hostBase);
  if (!allowed.listed) fail(`frame-ancestors: ${hostBase} is allowed but the frame is empty`);
  for (const e of allowed.errors) fail(`frame-ancestors: allowed host: console error: ${e}`);
  const refused = await shows(otherBase);
  if (refused.listed) fail(`frame-ancestors: ${otherBase} is not allowed but the list showed`);
  if (!refused.errors.some((e) => e.includes("frame-ancestors")))
    fail(`frame-ancestors: no CSP refusal reported for ${otherBase}: ${refused.errors.join(" | ")}`);
  console.log(`frame-ancestors: shown in ${hostBase}, refused in ${otherBase}`);
  other.close();
}
host.close();

await context.close();
rmSync(profile, { recursive: true, force: true });
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `browser check: ${embedPages.length + otherPages.length} pages, ${axeRuns} axe runs, ${widths} widths, ${secs} s`,
);
if (failures.length) {
  console.log(`${failures.length} finding(s)`);
  process.exit(1);
}
console.log("browser check: no finding");
