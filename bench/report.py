#!/usr/bin/env python3
"""Turns one bench/load.sh run into the tables and ratios of docs/PERFORMANCE.md and the
data of the pool-size chart. Usage: bench/report.py target/bench/<run> > report.md"""
import csv
import re
import statistics
import sys
from pathlib import Path

run = Path(sys.argv[1])
rows = list(csv.DictReader(open(run / "results.tsv"), delimiter="\t"))


def get(config, path, scenario, connections):
    for r in rows:
        if (r["config"], r["path"], r["scenario"], r["connections"]) == (config, path, scenario, str(connections)):
            return r
    return None


def rps(r):
    return float(r["requests_per_s"]) if r else 0.0


def mixed_total(config):
    """Requests/s of a mixed run: its `me` clients and its listing clients together."""
    return rps(get(config, "direct", "me-in-mixed", 58)) + rps(get(config, "direct", "list", 6))


def rounds(part):
    """The rounds of a part run in alternating rounds, by config prefix: core1, mixed1, users1."""
    return sorted({m.group(1) for r in rows if (m := re.match(rf"({part}\d+)(-|$)", r["config"]))})


def listed(values, spec=".2f"):
    """Per-round figures, as the report quotes them before their median."""
    return ", ".join(format(v, spec) for v in values)


def ms(r, key):
    return f"{int(r[key]) / 1000:.1f}" if r else "-"


def table(title, selected):
    print(f"\n### {title}\n")
    print("| config | path | scenario | connections | requests/s | p50 ms | p99 ms | p99.9 ms | non-2xx | errors | max DB fds |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in selected:
        print(f"| {r['config']} | {r['path']} | {r['scenario']} | {r['connections']} | {rps(r):,.0f} | {ms(r, 'p50_us')}"
              f" | {ms(r, 'p99_us')} | {ms(r, 'p999_us')} | {r['non2xx']} | {r['errors']} | {r['max_db_fds']} |")


def ratio(label, a, b, target=None):
    if not a or not b:
        return  # that part of load.sh did not run
    value = a / b
    verdict = "" if target is None else (" (target met)" if value >= target else " (target MISSED)")
    print(f"- {label}: {value:.2f}{verdict}")


print(f"Run `{run.name}`.")
for part in ("pool8", "pool1"):
    table(f"userdb, {'default pool (8)' if part == 'pool8' else '--pool-max-total 1 (the original deployment)'}",
          [r for r in rows if r["config"] == part])
table("Trivial 60-byte servlet, same Tomcat setup", [r for r in rows if r["config"] == "trivial"])
table("Pool size (me and mixed at 64 connections, direct)", [r for r in rows if r["config"].startswith("size")])
table("Table size (me at 64 connections, direct)", [r for r in rows if r["config"].startswith("users")])
table("me against the trivial servlet, rounds in alternating order", [r for r in rows if r["config"].startswith("core")])
table("mixed, pool 8 against pool 1, rounds in alternating order", [r for r in rows if r["config"].startswith("mixed")])

print("\n### Targets, as ratios from this run\n")
m8, m1 = get("pool8", "direct", "me-in-mixed", 58), get("pool1", "direct", "me-in-mixed", 58)
if m8 and m1:
    print(f"- mixed, 64 connections, direct: p99 of `me` {ms(m8, 'p99_us')} ms (pool 8) vs {ms(m1, 'p99_us')} ms (pool 1):"
          f" {int(m8['p99_us']) / int(m1['p99_us']):.2f} of it (target at most 0.20)")
    ratio("mixed total throughput, pool 8 / pool 1", mixed_total("pool8"), mixed_total("pool1"), 1.0)
ratio("me through Apache / trivial through Apache (64 conn)", rps(get("pool8", "apache", "me", 64)),
      rps(get("trivial", "apache", "trivial", 64)), 0.9)
ratio("me direct / trivial direct (64 conn)", rps(get("pool8", "direct", "me", 64)),
      rps(get("trivial", "direct", "trivial", 64)), 0.6)
ratio("basic / me, direct, 64 conn", rps(get("pool8", "direct", "basic", 64)), rps(get("pool8", "direct", "me", 64)), 0.8)
ratio("me at 1M users / me at 10k users", rps(get("users-big", "direct", "me", 64)), rps(get("users-small", "direct", "me", 64)), 0.9)
sizes = [rps(get(f"{t}-big", "direct", "me", 64)) / rps(get(f"{t}-small", "direct", "me", 64)) for t in rounds("users")
         if get(f"{t}-big", "direct", "me", 64) and get(f"{t}-small", "direct", "me", 64)]
if sizes:
    ratio(f"me at 1M users / me at 10k users, side by side, median of {len(sizes)} rounds"
          f" ({listed(sizes)})", statistics.median(sizes), 1.0, 0.9)
login = get("pool8", "direct", "login", 8)
if login:
    print(f"- logins/s per core (direct, 8 connections, 2 cores shared with wrk): {rps(login) / 2:.1f}")
for path, target in (("direct", 0.6), ("apache", 0.9)):
    pairs = [rps(get(c, path, "me", 64)) / rps(get(c, path, "trivial", 64)) for c in rounds("core")
             if get(c, path, "me", 64) and get(c, path, "trivial", 64)]
    if pairs:
        ratio(f"me / trivial, {path}, 64 conn, median of {len(pairs)} rounds"
              f" ({listed(pairs)})", statistics.median(pairs), 1.0, target)
s8, s1 = get("size8", "direct", "me-in-mixed", 58), get("size1", "direct", "me-in-mixed", 58)
if s8 and s1:
    print(f"- pool-size part, mixed: p99 of `me` {ms(s8, 'p99_us')} ms (pool 8) vs {ms(s1, 'p99_us')} ms (pool 1):"
          f" {int(s8['p99_us']) / int(s1['p99_us']):.2f} of it (target at most 0.20)")
mixed_rounds = rounds("mixed")
against = "pool1" if any(r["config"].endswith("-pool1") for r in rows if r["config"].startswith("mixed")) else "other"
p99s, totals = [], []
for m in mixed_rounds:
    eight, one = get(f"{m}-pool8", "direct", "me-in-mixed", 58), get(f"{m}-{against}", "direct", "me-in-mixed", 58)
    if eight and one:
        p99s.append(int(eight["p99_us"]) / int(one["p99_us"]))
        totals.append(mixed_total(f"{m}-pool8") / mixed_total(f"{m}-{against}"))
if p99s:
    print(f"- mixed part, p99 of `me` pool 8 / {against}, median of {len(p99s)} rounds"
          f" ({listed(p99s)}): {statistics.median(p99s):.2f} (target at most 0.20 against pool1)")
    ratio(f"mixed part, total throughput pool 8 / {against}, median of {len(totals)} rounds"
          f" ({listed(totals)})", statistics.median(totals), 1.0, 1.0)


def p99(config, scenario, connections=58):
    r = get(config, "direct", scenario, connections)
    return int(r["p99_us"]) if r else None


# What no pool size can beat: `me` with no listing beside it, on the default server, against
# the two servers' `me` in mixed. Older runs have no me-alone rows.
floors, at_floor = [], []
for m in mixed_rounds if against == "pool1" else []:  # a floor under the pool's target only
    alone, eight = p99(f"{m}-pool8", "me-alone"), p99(f"{m}-pool8", "me-in-mixed")
    one = p99(f"{m}-{against}", "me-in-mixed")
    if alone and eight and one:
        floors.append(alone / one)
        at_floor.append(eight / alone)
if floors:
    print(f"- mixed part, p99 of `me` with no listing (pool 8) / p99 of `me` in mixed ({against}), the lowest"
          f" ratio any pool could reach, median of {len(floors)} rounds ({listed(floors)}):"
          f" {statistics.median(floors):.2f}")
    print(f"- mixed part, p99 of `me` in mixed / with no listing, both pool 8, median of {len(at_floor)} rounds"
          f" ({listed(at_floor)}): {statistics.median(at_floor):.2f}")
cpu = run / "cpu.tsv"
if cpu.exists():
    busy = {}  # configs are PART<round>-LABEL: mixed1-pool8, apache2-shipped-64
    for c in csv.DictReader(open(cpu), delimiter="\t"):
        part_round, label = c["config"].split("-", 1)
        busy.setdefault((part_round.rstrip("0123456789"), label), []).append(float(c["busy_share"]))
    for (part, label), shares in sorted(busy.items()):
        print(f"- {part} part, {label}: the machine's CPU busy during the run (both cores), median of"
              f" {len(shares)} rounds ({listed(shares, '.0%')}): {statistics.median(shares):.0%}")
borrows = run / "borrows.tsv"
if borrows.exists():
    shares = {}
    for b in csv.DictReader(open(borrows), delimiter="\t"):
        label = b["config"].split("-", 1)[1]
        shares.setdefault(label, []).append((int(b["lent"]) - int(b["list_requests"])) / int(b["me_requests"]))
    for label, share in sorted(shares.items()):
        print(f"- mixed part, {label}: objects lent for anything but a listing's read, per `me` request,"
              f" median of {len(share)} rounds ({listed(share, '.2%')}): {statistics.median(share):.2%}")
bad = [r for r in rows if r["non2xx"] != "0" or r["errors"] != "0"]
print(f"- runs with any non-2xx answer or socket error: {len(bad)} of {len(rows)}")
fds = [int(r["max_db_fds"]) for r in rows if r["config"] == "pool8" and r["max_db_fds"] not in ("", "0")]
if fds:
    print(f"- open descriptors on the database file, default pool, any load (64 and 256 clients): at most {max(fds)}")

with open(run / "poolsize.dat", "w") as out:
    out.write("# size me_rps me_p99_ms mixed_me_p99_ms\n")
    for size in (1, 2, 4, 8, 16):
        me, mixed = get(f"size{size}", "direct", "me", 64), get(f"size{size}", "direct", "me-in-mixed", 58)
        if me and mixed:
            out.write(f"{size} {rps(me):.0f} {int(me['p99_us']) / 1000:.1f} {int(mixed['p99_us']) / 1000:.1f}\n")
