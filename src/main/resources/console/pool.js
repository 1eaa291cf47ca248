// The live view: the pool from /health, requests per second and p99 latency from /metrics
// (two scrapes 2 s apart), drawn on a canvas by the page itself.
import { SCRIPT_HEADERS } from "./api.js";
import { el } from "./dom.js";

const EVERY_MS = 2000;
const KEEP = 60; // points on the chart: two minutes
const FROM_SCRIPT = { credentials: "same-origin", headers: SCRIPT_HEADERS };

export function poolSection() {
  const numbers = el("dl", { id: "pool-numbers" });
  const canvas = el("canvas", { id: "pool-chart", width: 640, height: 180, role: "img",
    "aria-label": "Requests per second and p99 latency over the last two minutes" });
  const history = [];
  let previous = null;
  let timer = null;
  let shown = false;

  async function tick() {
    if (!canvas.isConnected) { // not on the page yet, or the view was left
      if (shown) clearInterval(timer);
      return;
    }
    shown = true;
    const [health, metrics] = await Promise.all([
      fetch("/health", FROM_SCRIPT).then((r) => r.json()).catch(() => null),
      fetch("/metrics", FROM_SCRIPT).then((r) => (r.ok ? r.text() : "")).catch(() => ""),
    ]);
    const now = { at: performance.now(), ...requestTotals(metrics) };
    let rate = null;
    let p99 = null;
    if (previous && now.count >= previous.count) {
      const seconds = (now.at - previous.at) / 1000;
      rate = (now.count - previous.count) / seconds;
      p99 = percentile(previous.buckets, now.buckets, 0.99);
    }
    previous = now;
    const pool = (health && health.pool) || {};
    show(numbers, [
      ["Status", health ? health.status : "no answer"],
      ["Active", `${pool.active ?? "?"} of ${pool.maxTotal ?? "?"}`],
      ["Idle", pool.idle ?? "?"],
      ["Waiting", pool.waiters ?? "?"],
      ["Requests/s", rate === null ? "measuring" : rate.toFixed(1)],
      ["p99 latency", p99 === null ? "measuring" : `${(p99 * 1000).toFixed(1)} ms`],
    ]);
    if (rate !== null) {
      history.push({ rate, p99: p99 ?? 0, active: pool.active ?? 0 });
      if (history.length > KEEP) history.shift();
      draw(canvas, history);
    }
  }

  timer = setInterval(tick, EVERY_MS);
  setTimeout(tick, 0); // once the section is on the page
  return el("section", { class: "wide", "aria-labelledby": "pool-title" },
    el("h2", { id: "pool-title" }, "Pool and requests (every 2 s)"), numbers, canvas,
    el("p", { class: "legend" }, "Blue: requests per second. Orange: p99 latency (ms). Grey: active objects."));
}

function show(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-name": k }, v)]));
}

/** Sums request counts and latency buckets over every series of http_server_requests. */
export function requestTotals(text) {
  let count = 0;
  const buckets = new Map();
  for (const line of text.split("\n")) {
    if (line.startsWith("http_server_requests_seconds_count{")) {
      count += Number(line.slice(line.lastIndexOf(" ") + 1));
    } else if (line.startsWith("http_server_requests_seconds_bucket{")) {
      const le = /le="([^"]+)"/.exec(line)[1];
      const bound = le === "+Inf" ? Infinity : Number(le);
      buckets.set(bound, (buckets.get(bound) || 0) + Number(line.slice(line.lastIndexOf(" ") + 1)));
    }
  }
  return { count, buckets };
}

/** The q-quantile of the requests between two scrapes, from cumulative buckets. */
export function percentile(before, after, q) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) || 0) - (before.get(Infinity) || 0);
  if (total <= 0) return null;
  for (const bound of bounds) {
    if ((after.get(bound) || 0) - (before.get(bound) || 0) >= q * total) return bound === Infinity ? null : bound;
  }
  return null;
}

function draw(canvas, history) {
  const g = canvas.getContext("2d");
  const { width, height } = canvas;
  g.clearRect(0, 0, width, height);
  g.strokeStyle = "#d5d9e0";
  g.strokeRect(0.5, 0.5, width - 1, height - 1);
  const line = (values, color) => {
    const top = Math.max(...values, 1e-9);
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.beginPath();
    values.forEach((v, i) => {
      const x = (i / (KEEP - 1)) * (width - 8) + 4;
      const y = height - 4 - (v / top) * (height - 8);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  };
  line(history.map((h) => h.rate), "#1f5fbf");
  line(history.map((h) => h.p99 * 1000), "#d9822b");
  line(history.map((h) => h.active), "#8a94a6");
}
