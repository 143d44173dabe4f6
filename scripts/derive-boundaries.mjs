#!/usr/bin/env node
// Derives data/geo/jjj-boundaries.geojson (Beijing–Tianjin–Hebei at prefecture-city level, plus the
// neighbouring provinces at province level) from the map files that the npm package echarts@4.9.0 ships
// under map/json/. No dependencies beyond Node's built-ins.
//
//   mkdir -p /tmp/geo && cd /tmp/geo && npm init -y && npm install --ignore-scripts echarts@4.9.0
//   node scripts/derive-boundaries.mjs /tmp/geo/node_modules/echarts [output.geojson]
//
// What it does (see data/geo/SOURCE.md):
//   1. decodes ECharts' compressed "UTF8Encoding" geometry (zigzag + delta coded character pairs; the
//      decoded values are integers in units of 1/1024 degree, kept as integers until the end so that
//      shared borders match exactly);
//   2. takes Hebei's 11 prefecture-level cities as they are (province/hebei.json), and dissolves the
//      districts of Beijing and Tianjin (province/beijing.json, province/tianjin.json) and the
//      prefecture-level cities of the neighbouring provinces (province/<name>.json) into one outline
//      each, by cancelling the borders shared by two districts;
//   3. simplifies with a topology-aware Douglas–Peucker: rings are cut at junction vertices (where three
//      or more borders meet) and each border between two junctions is simplified once, the same way from
//      both sides, so neighbouring polygons still share their simplified border exactly;
//   4. rounds to 3 decimals, drops consecutive duplicates, spikes and rounding bow-ties, drops parts
//      smaller than MIN_AREA_DEG2 (holes: MIN_HOLE_AREA_DEG2), and writes RFC 7946 rings (exterior
//      counter-clockwise, holes clockwise; note that d3-geo wants the opposite winding).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TOLERANCE_DEG = 0.005; // Douglas–Peucker tolerance
const DECIMALS = 3;
const MIN_AREA_DEG2 = 1e-5; // parts (islands, dissolve slivers) smaller than this (~0.1 km²) are dropped
const MIN_HOLE_AREA_DEG2 = 1e-4; // holes smaller than this (~1 km²: gaps between districts) are dropped

// Hebei's prefecture-level cities by GB/T 2260 code.
const HEBEI_CITIES = {
  130100: ['shijiazhuang', '石家庄', 'Shijiazhuang'],
  130200: ['tangshan', '唐山', 'Tangshan'],
  130300: ['qinhuangdao', '秦皇岛', 'Qinhuangdao'],
  130400: ['handan', '邯郸', 'Handan'],
  130500: ['xingtai', '邢台', 'Xingtai'],
  130600: ['baoding', '保定', 'Baoding'],
  130700: ['zhangjiakou', '张家口', 'Zhangjiakou'],
  130800: ['chengde', '承德', 'Chengde'],
  130900: ['cangzhou', '沧州', 'Cangzhou'],
  131000: ['langfang', '廊坊', 'Langfang'],
  131100: ['hengshui', '衡水', 'Hengshui'],
};
// Features made by dissolving every feature of one province file: [file, id, name_zh, name_en, level].
const DISSOLVED = [
  ['beijing', 'beijing', '北京', 'Beijing', 'city'],
  ['tianjin', 'tianjin', '天津', 'Tianjin', 'city'],
  ['shanxi', 'shanxi', '山西', 'Shanxi', 'province'], // echarts: shanxi.json = 山西, shanxi1.json = 陕西
  ['shandong', 'shandong', '山东', 'Shandong', 'province'],
  ['henan', 'henan', '河南', 'Henan', 'province'],
  ['neimenggu', 'neimenggu', '内蒙古', 'Inner Mongolia', 'province'],
  ['liaoning', 'liaoning', '辽宁', 'Liaoning', 'province'],
];

function usage(msg) {
  if (msg) console.error(`error: ${msg}`);
  console.error('usage: node scripts/derive-boundaries.mjs <path to node_modules/echarts (4.x)> [output.geojson]');
  process.exit(2);
}

const pkgDir = process.argv[2];
if (!pkgDir) usage();
const scriptDir = path.dirname(fileURLToPath(import.meta.url));
const outFile = process.argv[3] ?? path.resolve(scriptDir, '../data/geo/jjj-boundaries.geojson');
const mapDir = path.join(pkgDir, 'map', 'json', 'province');
if (!fs.existsSync(mapDir)) usage(`${mapDir} not found (echarts 5+ no longer ships map/json; use echarts@4.9.0)`);
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
if (pkg.name !== 'echarts' || pkg.version !== '4.9.0') {
  console.warn(`warning: expected echarts@4.9.0, got ${pkg.name}@${pkg.version}; SOURCE.md describes 4.9.0`);
}

// ---------------------------------------------------------------------------------------------------
// Decoding. Returns polygons as arrays of rings; a ring is an array of [x, y] integer pairs in units of
// 1/scale degree, closed (first == last), without consecutive duplicates.

let SCALE = null;

function loadProvince(name) {
  const json = JSON.parse(fs.readFileSync(path.join(mapDir, `${name}.json`), 'utf8'));
  const scale = json.UTF8Encoding ? (json.UTF8Scale ?? 1024) : null;
  if (scale === null) throw new Error(`${name}.json is not UTF8Encoding-compressed; this script expects echarts 4.x files`);
  if (SCALE === null) SCALE = scale;
  if (SCALE !== scale) throw new Error(`${name}.json: UTF8Scale ${scale} differs from ${SCALE}`);
  return json.features.map((f) => {
    const g = f.geometry;
    const polys =
      g.type === 'Polygon'
        ? [g.coordinates.map((r, i) => decodeRing(r, g.encodeOffsets[i]))]
        : g.coordinates.map((p, i) => p.map((r, k) => decodeRing(r, g.encodeOffsets[i][k])));
    // A ring of fewer than 4 positions encloses nothing; a part without its exterior is dropped.
    const polygons = polys.filter((p) => p[0].length >= 4).map((p) => p.filter((r) => r.length >= 4));
    return { id: String(f.id), name: f.properties.name, polygons };
  });
}

// Same algorithm as decodePolygon() in echarts/src/coord/geo/parseGeoJson.js, without the final division.
function decodeRing(str, offsets) {
  let px = offsets[0];
  let py = offsets[1];
  const out = [];
  for (let i = 0; i < str.length; i += 2) {
    let x = str.charCodeAt(i) - 64;
    let y = str.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1); // zigzag
    y = (y >> 1) ^ -(y & 1);
    x += px; // delta
    y += py;
    px = x;
    py = y;
    const last = out[out.length - 1];
    if (!last || last[0] !== x || last[1] !== y) out.push([x, y]);
  }
  const f = out[0];
  const l = out[out.length - 1];
  if (out.length && (f[0] !== l[0] || f[1] !== l[1])) out.push([f[0], f[1]]); // e.g. 蓟州区 is left open
  return out;
}

const signedArea = (r) => {
  let a = 0;
  for (let i = 0; i < r.length - 1; i++) a += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1];
  return a / 2;
};
const vkey = (p) => `${p[0]},${p[1]}`;

// ---------------------------------------------------------------------------------------------------
// Dissolve: orient every exterior ring counter-clockwise, count directed edges, cancel each edge against
// its reverse (a border shared by two districts), and chain what is left into rings. Counter-clockwise
// results are exteriors, clockwise ones holes. The source has no holes, so only exteriors are read.

function dissolve(features) {
  const count = new Map(); // "a|b" -> net number of directed edges a->b
  const pts = new Map();
  for (const f of features) {
    for (const poly of f.polygons) {
      const ring = signedArea(poly[0]) < 0 ? [...poly[0]].reverse() : poly[0];
      for (let i = 0; i < ring.length - 1; i++) {
        const a = vkey(ring[i]);
        const b = vkey(ring[i + 1]);
        pts.set(a, ring[i]);
        const rev = `${b}|${a}`;
        if (count.get(rev) > 0) count.set(rev, count.get(rev) - 1);
        else count.set(`${a}|${b}`, (count.get(`${a}|${b}`) ?? 0) + 1);
      }
    }
  }
  const out = new Map(); // vertex -> list of outgoing target vertices (with multiplicity)
  for (const [k, n] of count) {
    const [a, b] = k.split('|');
    for (let i = 0; i < n; i++) {
      if (!out.has(a)) out.set(a, []);
      out.get(a).push(b);
    }
  }
  const rings = [];
  // Every vertex has in-degree == out-degree, so a walk from any start returns to it.
  for (const start of [...out.keys()].sort()) {
    while (out.get(start).length) {
      const ring = [pts.get(start)];
      let cur = start;
      do {
        const next = out.get(cur).pop();
        ring.push(pts.get(next));
        cur = next;
      } while (cur !== start);
      rings.push(ring);
    }
  }
  // Where two districts overlap a little, the walk yields an extra exterior inside the real one: drop it.
  const all = rings.filter((r) => signedArea(r) > 0);
  const exteriors = all.filter((r) => !all.some((o) => o !== r && signedArea(o) > signedArea(r) && pointInRing(r[0], o)));
  // Where they leave a gap, it comes out as a hole; MIN_HOLE_AREA_DEG2 drops the small ones later.
  const holes = rings.filter((r) => signedArea(r) < 0);
  return exteriors.map((ext) => [ext, ...holes.filter((h) => pointInRing(h[0], ext))]);
}

function pointInRing([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// ---------------------------------------------------------------------------------------------------
// Topology-aware Douglas–Peucker.

function douglasPeucker(points, tol) {
  const n = points.length;
  if (n <= 2) return points;
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const stack = [[0, n - 1]];
  while (stack.length) {
    const [s, e] = stack.pop();
    const [ax, ay] = points[s];
    const [bx, by] = points[e];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    let maxD = -1;
    let idx = -1;
    for (let i = s + 1; i < e; i++) {
      const [px, py] = points[i];
      let d;
      if (len2 === 0) d = Math.hypot(px - ax, py - ay);
      else {
        const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
      }
      if (d > maxD) {
        maxD = d;
        idx = i;
      }
    }
    if (maxD > tol) {
      keep[idx] = 1;
      stack.push([s, idx], [idx, e]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

// A vertex is a junction when it has three or more distinct neighbours over all rings: that is where a
// border between two polygons starts or ends.
function findJunctions(allRings) {
  const nb = new Map();
  const add = (a, b) => {
    if (!nb.has(a)) nb.set(a, new Set());
    nb.get(a).add(b);
  };
  for (const r of allRings) {
    for (let i = 0; i < r.length - 1; i++) {
      const a = vkey(r[i]);
      const b = vkey(r[i + 1]);
      add(a, b);
      add(b, a);
    }
  }
  const j = new Set();
  for (const [k, s] of nb) if (s.size >= 3) j.add(k);
  return j;
}

function simplifyChain(chain, tol) {
  // Simplify in a canonical direction so the two polygons sharing this border get the same result.
  const a = chain.map(vkey).join(';');
  const reversed = [...chain].reverse();
  const b = reversed.map(vkey).join(';');
  return a <= b ? douglasPeucker(chain, tol) : douglasPeucker(reversed, tol).reverse();
}

function simplifyRing(ring, junctions, tol) {
  const open = ring.slice(0, -1);
  let cuts = open.map((p, i) => (junctions.has(vkey(p)) ? i : -1)).filter((i) => i >= 0);
  if (cuts.length === 0) {
    // An island: anchor at the first vertex and at the vertex farthest from it.
    let far = 0;
    let best = -1;
    for (let i = 0; i < open.length; i++) {
      const d = Math.hypot(open[i][0] - open[0][0], open[i][1] - open[0][1]);
      if (d > best) {
        best = d;
        far = i;
      }
    }
    cuts = far === 0 ? [0] : [0, far];
  }
  const n = open.length;
  const out = [];
  for (let c = 0; c < cuts.length; c++) {
    const s = cuts[c];
    const e = c + 1 < cuts.length ? cuts[c + 1] : cuts[0] + n;
    const chain = [];
    for (let i = s; i <= e; i++) chain.push(open[i % n]);
    const simp = simplifyChain(chain, tol);
    out.push(...simp.slice(0, -1));
  }
  out.push(out[0]);
  return out;
}

// Rounding (and, here and there, the source itself) leaves two kinds of defects, both removed here:
// spikes (a -> b -> a, a zero-width protrusion: drop b and the repeated a) and tiny "Z" bends where
// segment i crosses segment i+2 (a bow-tie: drop the two middle points). Both tests read the ring the
// same way forwards and backwards, so a border shared by two rings gets the same fix on both sides.
// Works on the closed ring in place, cyclically.
function cleanRing(ring) {
  const o = (p, q, r) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const crosses = (a, b, c, d) => o(a, b, c) * o(a, b, d) < 0 && o(c, d, a) * o(c, d, b) < 0;
  const same = (a, b) => a[0] === b[0] && a[1] === b[1];
  const open = ring.slice(0, -1);
  let changed = true;
  while (changed && open.length >= 4) {
    changed = false;
    const n = open.length;
    for (let i = 0; i < n && !changed; i++) {
      const at = (k) => open[(i + k) % n];
      if (same(at(0), at(2))) {
        // spike at(1): remove at(1) and at(2)
        const rm = [(i + 1) % n, (i + 2) % n].sort((a, b) => b - a);
        for (const k of rm) open.splice(k, 1);
        changed = true;
      } else if (n >= 5 && crosses(at(0), at(1), at(2), at(3))) {
        const rm = [(i + 1) % n, (i + 2) % n].sort((a, b) => b - a);
        for (const k of rm) open.splice(k, 1);
        changed = true;
      }
    }
  }
  ring.length = 0;
  ring.push(...open, open[0]);
}

// ---------------------------------------------------------------------------------------------------

const features = []; // { props, polygons (integer coordinates) }

const hebei = loadProvince('hebei');
for (const f of hebei) {
  const meta = HEBEI_CITIES[f.id];
  if (!meta) throw new Error(`unexpected feature ${f.id} ${f.name} in hebei.json`);
  const [id, name_zh, name_en] = meta;
  if (!f.name.startsWith(name_zh)) throw new Error(`hebei.json ${f.id}: name ${f.name}, expected ${name_zh}`);
  features.push({ props: { id, name_zh, name_en, level: 'city', province: 'hebei' }, polygons: f.polygons });
}
const missing = Object.values(HEBEI_CITIES).filter(([id]) => !features.some((f) => f.props.id === id));
if (missing.length) throw new Error(`hebei.json lacks ${missing.map((m) => m[0]).join(', ')}`);

for (const [file, id, name_zh, name_en, level] of DISSOLVED) {
  features.push({ props: { id, name_zh, name_en, level, province: id }, polygons: dissolve(loadProvince(file)) });
}

const tol = TOLERANCE_DEG * SCALE;
const junctions = findJunctions(features.flatMap((f) => f.polygons.flat()));
const round = (v) => Number((v / SCALE).toFixed(DECIMALS));

const out = [];
let inPoints = 0;
let outPoints = 0;
for (const f of features) {
  const polygons = [];
  for (const poly of f.polygons) {
    const rings = [];
    for (const [i, ring] of poly.entries()) {
      inPoints += ring.length;
      const simp = simplifyRing(ring, junctions, tol);
      const r = [];
      for (const [x, y] of simp) {
        const p = [round(x), round(y)];
        const last = r[r.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) r.push(p);
      }
      if (r.length >= 4) cleanRing(r);
      const area = signedArea(r);
      if (r.length < 4 || Math.abs(area) < (i === 0 ? MIN_AREA_DEG2 : MIN_HOLE_AREA_DEG2)) {
        if (i === 0) break; // exterior gone: drop the whole part
        continue;
      }
      // RFC 7946: exterior counter-clockwise (positive area), holes clockwise.
      if ((i === 0 && area < 0) || (i > 0 && area > 0)) r.reverse();
      rings.push(r);
    }
    if (rings.length) polygons.push(rings);
  }
  polygons.sort((a, b) => Math.abs(signedArea(b[0])) - Math.abs(signedArea(a[0]))); // largest part first
  outPoints += polygons.flat(2).length;
  const geometry =
    polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
  out.push({ type: 'Feature', properties: f.props, geometry });
}

// One feature per line keeps the file diffable without the size of pretty-printing.
const text = `{"type":"FeatureCollection","features":[\n${out.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, text);
console.log(
  `wrote ${outFile}: ${out.length} features, ${inPoints} -> ${outPoints} positions, ${(text.length / 1024).toFixed(1)} KiB`,
);
