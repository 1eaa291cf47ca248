#!/usr/bin/env python3
"""Turns one bench/load.sh run into the tables and ratios of docs/PERFORMANCE.md (and of each round
in docs/PERFORMANCE-HISTORY.md) and the data of the pool-size chart.

Usage: bench/report.py target/bench/<run> > report.md
       bench/report.py RESULTS.tsv [CPU.tsv] [BORROWS.tsv] > report.md   (e.g. docs/bench/ files)

A run folder holds results.tsv and, when those parts ran, cpu.tsv and borrows.tsv; poolsize.dat
(for bench/poolsize.gp) is written into it. Every table is keyed by config, path, scenario and
connections. The report covers the parts that ran; when a part ran but a row it needs is missing
or has no result, it names every such row and exits 1."""
import csv
import re
import statistics
import sys
from pathlib import Path

USAGE = "usage: bench/report.py RUN_DIR | RESULTS.tsv [CPU.tsv] [BORROWS.tsv]"
KEY = ("config", "path", "scenario", "connections")
# The targets' mixed run: 64 connections in all. bench/load.sh decides how they are split between
# `me` and the listing (mixed_split); the split is read back from the rows' connections.
MIXED_AT = 64


def fail(message, code=1):
    print(f"report: {message}", file=sys.stderr)
    sys.exit(code)


def read_table(path):
    """(columns, rows) of a tab-separated file with a header line."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        return reader.fieldnames or [], list(reader)


def need_columns(path, columns, *needed):
    lacking = [c for c in needed if c not in columns]
    if lacking:
        fail(f"{path} has no column {', '.join(lacking)}: written by an older bench/load.sh? (docs/bench/README.md)")


if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
    print(USAGE, file=sys.stderr)
    sys.exit(2)
source = Path(sys.argv[1])
if not source.exists():
    fail(f"no such run folder or file: {source}\n{USAGE}", 2)
run = source if source.is_dir() else None
results_file = run / "results.tsv" if run else source
if not results_file.exists():
    fail(f"{run} has no results.tsv: not a bench/load.sh run folder\n{USAGE}", 2)
extra = [Path(a) for a in sys.argv[2:]]
if run:
    extra += [p for p in (run / "cpu.tsv", run / "borrows.tsv") if p.exists()]
columns, rows = read_table(results_file)
need_columns(results_file, columns, *KEY, "requests_per_s", "p50_us", "p99_us", "p999_us", "non2xx", "errors",
             "max_db_fds")
cpu_rows, borrow_rows = [], []
for path in extra:
    columns, table_rows = read_table(path)
    if "busy_share" in columns:
        need_columns(path, columns, *KEY)
        cpu_rows = table_rows
    elif "lent" in columns:
        need_columns(path, columns, *KEY, "me_requests", "list_requests")
        borrow_rows = table_rows
    else:
        fail(f"{path} is neither a cpu.tsv (busy_share) nor a borrows.tsv (lent)\n{USAGE}", 2)

index = {tuple(r[k] for k in KEY): r for r in rows}
missing = []  # rows a part that ran needs and does not have, said at the end


def get(config, path, scenario, connections):
    """The row, or None, noted as missing: a part that ran must have every row the report reads."""
    r = index.get((config, path, scenario, str(connections)))
    if r is None:
        missing.append(f"{config} {path} {scenario} {connections}")
    elif r["non2xx"] == "-1":  # bench/load.sh's record: wrk printed no RESULT line
        missing.append(f"{config} {path} {scenario} {connections} (wrk gave no result)")
        return None
    return r


def mixed(config, path="direct", total=MIXED_AT):
    """The me-in-mixed and list rows of a mixed run of TOTAL connections, or None (noted)."""
    for r in rows:
        if (r["config"], r["path"], r["scenario"]) == (config, path, "me-in-mixed"):
            other = index.get((config, path, "list", str(total - int(r["connections"]))))
            if other:
                return r, other
    missing.append(f"{config} {path} me-in-mixed and list, {total} connections in all")
    return None


def configs(pattern):
    """The configs that match PATTERN, whole; their groups tell part, round and label apart."""
    return sorted({r["config"] for r in rows if re.fullmatch(pattern, r["config"])})


def rounds(part):
    """The rounds of a part run in alternating rounds, by config prefix: core1, mixed1, users1."""
    return sorted({m.group(1) for r in rows if (m := re.match(rf"({part}\d+)(-|$)", r["config"]))})


def rps(r):
    return float(r["requests_per_s"])


def listed(values, spec=".2f"):
    """Per-round figures, as the report quotes them before their median."""
    return ", ".join(format(v, spec) for v in values)


def ms(r, key):
    return f"{int(r[key]) / 1000:.1f}"


def table(title, selected):
    if not selected:
        return
    print(f"\n### {title}\n")
    print("| config | path | scenario | connections | requests/s | p50 ms | p99 ms | p99.9 ms | non-2xx | errors | max DB fds |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in selected:
        print(f"| {r['config']} | {r['path']} | {r['scenario']} | {r['connections']} | {rps(r):,.0f} | {ms(r, 'p50_us')}"
              f" | {ms(r, 'p99_us')} | {ms(r, 'p999_us')} | {r['non2xx']} | {r['errors']} | {r['max_db_fds']} |")


def ratio(label, value, target):
    verdict = " (target met)" if value >= target else " (target MISSED)"
    print(f"- {label}: {value:.2f}{verdict}")


def p99_share(label, eight, one):
    print(f"- {label}: p99 of `me` {ms(eight, 'p99_us')} ms (pool 8) vs {ms(one, 'p99_us')} ms (pool 1):"
          f" {int(eight['p99_us']) / int(one['p99_us']):.2f} of it (target at most 0.20)")


def mixed_total(pair):
    """Requests/s of a mixed run: its `me` clients and its listing clients together."""
    return rps(pair[0]) + rps(pair[1])


matrix = bool(configs("pool8|pool1"))
trivial = bool(configs("trivial"))
sizes = sorted(int(c[4:]) for c in configs(r"size\d+"))
tables = configs(r"users\d*-(small|big)")

print(f"Run `{run.name if run else source.name}`.")
table("userdb, default pool (8)", [r for r in rows if r["config"] == "pool8"])
table("userdb, --pool-max-total 1 (the original deployment)", [r for r in rows if r["config"] == "pool1"])
table("Trivial 60-byte servlet, same Tomcat setup", [r for r in rows if r["config"] == "trivial"])
table("Pool size (me and mixed at 64 connections, direct)", [r for r in rows if r["config"] in configs(r"size\d+")])
table("Table size (me at 64 connections, direct)", [r for r in rows if r["config"] in tables])
table("me against the trivial servlet, rounds in alternating order", [r for r in rows if r["config"] in configs(r"core\d+")])
table("mixed, pool 8 against pool 1, rounds in alternating order",
      [r for r in rows if r["config"] in configs(r"mixed\d+-.+")])
table("Apache setups, rounds in alternating order", [r for r in rows if r["config"] in configs(r"apache\d+-.+")])

print("\n### Targets, as ratios from this run\n")
if matrix:
    m8, m1 = mixed("pool8"), mixed("pool1")
    if m8 and m1:
        p99_share("mixed, 64 connections, direct", m8[0], m1[0])
        ratio("mixed total throughput, pool 8 / pool 1", mixed_total(m8) / mixed_total(m1), 1.0)
    me, basic = get("pool8", "direct", "me", 64), get("pool8", "direct", "basic", 64)
    if me and basic:
        ratio("basic / me, direct, 64 conn", rps(basic) / rps(me), 0.8)
    login = get("pool8", "direct", "login", 8)
    if login:
        print(f"- logins/s per core (direct, 8 connections, 2 cores shared with wrk): {rps(login) / 2:.1f}")
if matrix and trivial:
    for path, target in (("apache", 0.9), ("direct", 0.6)):
        me, triv = get("pool8", path, "me", 64), get("trivial", path, "trivial", 64)
        if me and triv:
            ratio(f"me {path} / trivial {path} (64 conn)", rps(me) / rps(triv), target)
if "users-small" in tables or "users-big" in tables:  # one run each, minutes apart (older runs)
    small, big = get("users-small", "direct", "me", 64), get("users-big", "direct", "me", 64)
    if small and big:
        ratio("me at 1M users / me at 10k users", rps(big) / rps(small), 0.9)
shares = []
for t in rounds("users"):
    small, big = get(f"{t}-small", "direct", "me", 64), get(f"{t}-big", "direct", "me", 64)
    if small and big:
        shares.append(rps(big) / rps(small))
if shares:
    ratio(f"me at 1M users / me at 10k users, side by side, median of {len(shares)} rounds ({listed(shares)})",
          statistics.median(shares), 0.9)
for path, target in (("direct", 0.6), ("apache", 0.9)):
    pairs = []
    for c in rounds("core"):
        me, triv = get(c, path, "me", 64), get(c, path, "trivial", 64)
        if me and triv:
            pairs.append(rps(me) / rps(triv))
    if pairs:
        ratio(f"me / trivial, {path}, 64 conn, median of {len(pairs)} rounds ({listed(pairs)})",
              statistics.median(pairs), target)
if sizes:
    s8, s1 = mixed("size8"), mixed("size1")
    if s8 and s1:
        p99_share("pool-size part, mixed", s8[0], s1[0])

mixed_rounds = rounds("mixed")
against = "pool1" if configs(r"mixed\d+-pool1") else "other"
p99s, totals, floors, at_floor = [], [], [], []
has_alone = any(r["scenario"] == "me-alone" for r in rows)  # runs before the sixth round have none
for m in mixed_rounds:
    eight, one = mixed(f"{m}-pool8"), mixed(f"{m}-{against}")
    if not (eight and one):
        continue
    p99s.append(int(eight[0]["p99_us"]) / int(one[0]["p99_us"]))
    totals.append(mixed_total(eight) / mixed_total(one))
    # What no pool size can beat: `me` with no listing beside it, on the default server, against the
    # two servers' `me` in mixed; a floor under the pool's target only (against pool1).
    if has_alone and against == "pool1":
        alone = get(f"{m}-pool8", "direct", "me-alone", eight[0]["connections"])
        if alone:
            floors.append(int(alone["p99_us"]) / int(one[0]["p99_us"]))
            at_floor.append(int(eight[0]["p99_us"]) / int(alone["p99_us"]))
if p99s:
    print(f"- mixed part, p99 of `me` pool 8 / {against}, median of {len(p99s)} rounds"
          f" ({listed(p99s)}): {statistics.median(p99s):.2f} (target at most 0.20 against pool1)")
    ratio(f"mixed part, total throughput pool 8 / {against}, median of {len(totals)} rounds ({listed(totals)})",
          statistics.median(totals), 1.0)
if floors:
    print(f"- mixed part, p99 of `me` with no listing (pool 8) / p99 of `me` in mixed ({against}), the lowest"
          f" ratio any pool could reach, median of {len(floors)} rounds ({listed(floors)}):"
          f" {statistics.median(floors):.2f}")
    print(f"- mixed part, p99 of `me` in mixed / with no listing, both pool 8, median of {len(at_floor)} rounds"
          f" ({listed(at_floor)}): {statistics.median(at_floor):.2f}")

# The stores part: the same scenarios on PostgreSQL and on SQLite, side by side in alternating
# rounds; `me` and `basic` are held to 0.9 of SQLite, `write` and `login` reported.
store_rounds = rounds("stores")
if store_rounds:
    table("stores, SQLite against PostgreSQL (direct, 64 connections), rounds in alternating order",
          [r for r in rows if r["config"] in configs(r"stores\d+-.+")])


def store_rows(store_round, scenario):
    """(PostgreSQL's row, SQLite's row) of SCENARIO in one round of the stores part."""
    pg, lite = f"{store_round}-postgresql", f"{store_round}-sqlite"
    measured = "me-in-mixed" if scenario == "list" else scenario
    if not any(r["config"] in (pg, lite) and r["scenario"] == measured for r in rows):
        return None, None  # not among the run's STORE_SCENARIOS
    if scenario in ("me-in-mixed", "list"):
        half = 0 if scenario == "me-in-mixed" else 1
        pair_pg, pair_lite = mixed(pg), mixed(lite)
        return (pair_pg[half] if pair_pg else None), (pair_lite[half] if pair_lite else None)
    return get(pg, "direct", scenario, 64), get(lite, "direct", scenario, 64)


for scenario, target in (("me", 0.9), ("basic", 0.9), ("write", None), ("login", None),
                         ("me-in-mixed", None), ("list", None)):
    shares = []
    for s in store_rounds:
        pg, lite = store_rows(s, scenario)
        if pg and lite:
            shares.append(rps(pg) / rps(lite))
    if shares:
        label = (f"{scenario} on PostgreSQL / on SQLite, direct, median of {len(shares)} rounds"
                 f" ({listed(shares)})")
        if target is None:
            print(f"- {label}: {statistics.median(shares):.2f}")
        else:
            ratio(label, statistics.median(shares), target)
if store_rounds and run and (run / "pg-connections.tsv").exists():
    for c in read_table(run / "pg-connections.tsv")[1]:
        print(f"- PostgreSQL connections during {c['scenario']} at {c['connections']} clients: at most"
              f" {c['max_connections']} (bound: --pool-max-total 8 + 1 listener = 9)")

# The overhead part: `me` against a bare Tomcat servlet with Tomcat's defaults, side by side in
# alternating rounds; held to 0.75 of it direct and 0.9 through Apache, on both stores.
overhead_rounds = rounds("overhead")
if overhead_rounds:
    table("overhead, `me` against a bare Tomcat servlet (64 connections), rounds in alternating order",
          [r for r in rows if r["config"] in configs(r"overhead\d+-.+")])
for store in ("sqlite", "postgresql"):
    for path, target in (("direct", 0.75), ("apache", 0.9)):
        shares = []
        for o in overhead_rounds:
            me, bare = get(f"{o}-{store}", path, "me", 64), get(f"{o}-bare", path, "trivial", 64)
            if me and bare:
                shares.append(rps(me) / rps(bare))
        if shares:
            ratio(f"overhead part, me on {store} / bare Tomcat servlet, {path}, median of {len(shares)}"
                  f" rounds ({listed(shares)})", statistics.median(shares), target)

# The costs part: CPU microseconds per request, part by part (bench/load.sh writes costs.tsv).
if run and (run / "costs.tsv").exists():
    print("\n### CPU per request by part (PostgreSQL through Apache, 64 connections), microseconds\n")
    print("| scenario | requests | Apache | backend | PostgreSQL | rest (wrk, kernel) |")
    print("|---|---:|---:|---:|---:|---:|")
    for c in read_table(run / "costs.tsv")[1]:
        print(f"| {c['scenario']} | {int(c['requests']):,} | {c['apache_us']} | {c['backend_us']} |"
              f" {c['postgresql_us']} | {c['rest_us']} |")

# The scaleout part: one backend against two behind the balancer at a fixed offered rate.
scale_rounds = rounds("scaleout")
if scale_rounds:
    table("scaleout, `me` through Apache at a fixed offered rate, one backend against two",
          [r for r in rows if r["config"] in configs(r"scaleout\d+-.+")])
if scale_rounds and run and (run / "scaleout.tsv").exists():
    costs = {c["config"]: c for c in read_table(run / "scaleout.tsv")[1]}
    print("\n| config | backends | requests | Apache us/request | backends us/request | PostgreSQL us/request |")
    print("|---|---:|---:|---:|---:|---:|")
    for c in costs.values():
        print(f"| {c['config']} | {c['backends']} | {int(c['requests']):,} | {c['apache_us']} |"
              f" {c['backends_us']} | {c['postgresql_us']} |")
    cpu, p99 = [], []
    for r in scale_rounds:
        one, two = costs.get(f"{r}-single"), costs.get(f"{r}-pair")
        if one and two and float(one["backends_us"]) > 0:
            cpu.append(float(two["backends_us"]) / float(one["backends_us"]))
        a = [x for x in rows if x["config"] == f"{r}-single"]
        b = [x for x in rows if x["config"] == f"{r}-pair"]
        if a and b and float(a[0]["p99_us"]) > 0:
            p99.append(float(b[0]["p99_us"]) / float(a[0]["p99_us"]))
    if cpu:
        print(f"- scaleout, backend CPU per request, two backends / one, median of {len(cpu)} rounds"
              f" ({listed(cpu)}): {statistics.median(cpu):.2f}")
    if p99:
        print(f"- scaleout, p99, two backends / one, median of {len(p99)} rounds ({listed(p99)}):"
              f" {statistics.median(p99):.2f}")

apache_rounds = rounds("apache")
variants = sorted({c.split("-", 1)[1] for c in configs(r"apache\d+-.+")})
if "untuned" in variants:
    for connections in sorted({int(r["connections"]) for r in rows if r["config"] in configs(r"apache\d+-.+")}):
        for variant in (v for v in variants if v != "untuned"):
            over = []
            for a in apache_rounds:
                this, untuned = get(f"{a}-{variant}", "apache", "me", connections), get(f"{a}-untuned", "apache", "me", connections)
                if this and untuned:
                    over.append(rps(this) / rps(untuned))
            if over:
                label = (f"apache part, {variant} / untuned, `me` at {connections} clients, median of {len(over)}"
                         f" rounds ({listed(over)})")
                if variant == "shipped":
                    ratio(label, statistics.median(over), 1.25)
                else:
                    print(f"- {label}: {statistics.median(over):.2f}")

busy = {}  # (part, label, scenario, connections) -> shares by round; configs are PART<round>-LABEL
for c in cpu_rows:
    m = re.fullmatch(r"([a-z]+)\d+-(.+)", c["config"])
    part, label = (m.group(1), m.group(2)) if m else (c["config"], c["config"])
    busy.setdefault((part, label, c["scenario"], int(c["connections"])), []).append(float(c["busy_share"]))
for (part, label, scenario, connections), values in sorted(busy.items()):
    print(f"- {part} part, {label}, {scenario} at {connections} connections: the machine's CPU busy during the run"
          f" (both cores), median of {len(values)} rounds ({listed(values, '.0%')}): {statistics.median(values):.0%}")
lent = {}
for b in borrow_rows:
    label = b["config"].split("-", 1)[1]
    lent.setdefault(label, []).append((int(b["lent"]) - int(b["list_requests"])) / int(b["me_requests"]))
for label, share in sorted(lent.items()):
    print(f"- mixed part, {label}: objects lent for anything but a listing's read, per `me` request,"
          f" median of {len(share)} rounds ({listed(share, '.2%')}): {statistics.median(share):.2%}")

bad = [r for r in rows if r["non2xx"] != "0" or r["errors"] != "0"]
print(f"- runs with any non-2xx answer or socket error: {len(bad)} of {len(rows)}")
fds = [int(r["max_db_fds"]) for r in rows if r["config"] == "pool8" and r["max_db_fds"] not in ("", "0")]
if fds:
    print(f"- open descriptors on the database file, default pool, any load (64 and 256 clients): at most {max(fds)}")

if sizes:
    points = []
    for size in sizes:
        me, mix = get(f"size{size}", "direct", "me", 64), mixed(f"size{size}")
        if me and mix:
            points.append(f"{size} {rps(me):.0f} {int(me['p99_us']) / 1000:.1f} {int(mix[0]['p99_us']) / 1000:.1f}\n")
    if run and not missing:
        with open(run / "poolsize.dat", "w") as out:
            out.write("# size me_rps me_p99_ms mixed_me_p99_ms\n")
            out.writelines(points)

if missing:
    fail(f"{results_file}: {len(missing)} row(s) the parts that ran need are missing or empty:\n  "
         + "\n  ".join(dict.fromkeys(missing)))
