#!/usr/bin/env python3
"""Sammen against PostGraphile v5 on the same PostgreSQL database, shape by
shape, as a user choosing between them would measure: keep-alive load from
wrk at each concurrency, both servers answering the same rows (checked
before timing), one Markdown table per run.

Run by bench/compare.sh, which seeds the database and starts both servers.

Usage: compare.py --sammen URL --sammen-pid PID --metrics URL
                  --peer URL --peer-pid PID --peer-count URL
                  [--seconds S] [--concurrency 16,64] [--rounds N] [--only a,b]
                  [--engine-label TEXT]
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import load  # noqa: E402  (the wrk driver and /proc readers of bench/run.sh)


def post(url, body, token=None, language="nb-NO"):
    return load.post(url, body, token, language)


# ---------------------------------------------------------------- shapes
# Each shape: what Sammen is asked, what PostGraphile is asked, and how
# each answer becomes the same canonical rows.

SAMMEN_PROJECT = """
  id code title
  participants { role organisation { id name } }
  deliverables { code title }
  milestones { title dueOn }
"""
PEER_PROJECT = """
  id: rowId code title
  projectParticipantsByProjectId(orderBy: CREATED_AT_ASC) { nodes { role organisationByOrganisationId { id: rowId name } } }
  deliverablesByProjectId(orderBy: CODE_ASC) { nodes { code title } }
  milestonesByProjectId(orderBy: DUE_ON_ASC) { nodes { title dueOn } }
"""


def project_rows(p, peer):
    if peer:
        return (
            p["id"], p["code"], p["title"],
            tuple((x["role"], x["organisationByOrganisationId"]["id"], x["organisationByOrganisationId"]["name"])
                  for x in p["projectParticipantsByProjectId"]["nodes"]),
            tuple((d["code"], d["title"]) for d in p["deliverablesByProjectId"]["nodes"]),
            tuple((m["title"], m["dueOn"]) for m in p["milestonesByProjectId"]["nodes"]),
        )
    return (
        p["id"], p["code"], p["title"],
        tuple((x["role"], x["organisation"]["id"], x["organisation"]["name"]) for x in p["participants"]),
        tuple((d["code"], d["title"]) for d in p["deliverables"]),
        tuple((m["title"], m["dueOn"]) for m in p["milestones"]),
    )


def shapes(ids):
    """The shapes, given a project id (shape a) and the windows (b random)."""
    project_id = ids["project"]
    return {
        "a": dict(
            title="a: one project by id + participants + organisations",
            sammen={"query": "query($id: ID!) { project(id: $id) { id code title participants { role organisation { id name } } } }",
                    "variables": {"id": project_id}},
            peer={"query": "query($id: UUID!) { projectByRowId(rowId: $id) { id: rowId code title projectParticipantsByProjectId(orderBy: CREATED_AT_ASC) { nodes { role organisationByOrganisationId { id: rowId name } } } } }",
                  "variables": {"id": project_id}},
            rows=lambda d, peer: [
                (lambda p: (p["id"], p["code"], p["title"], tuple(
                    (x["role"], x["organisationByOrganisationId"]["id"], x["organisationByOrganisationId"]["name"])
                    for x in p["projectParticipantsByProjectId"]["nodes"])) if peer else
                 (p["id"], p["code"], p["title"], tuple(
                     (x["role"], x["organisation"]["id"], x["organisation"]["name"]) for x in p["participants"])))
                (d["projectByRowId"] if peer else d["project"])
            ],
        ),
        "b": dict(
            title="b: 50 projects → participants → organisation, deliverables, milestones",
            sammen={"query": "{ projects(first: 50) { nodes { %s } } }" % SAMMEN_PROJECT},
            peer={"query": "{ allProjects(first: 50, orderBy: ROW_ID_DESC) { nodes { %s } } }" % PEER_PROJECT},
            rows=lambda d, peer: [project_rows(p, peer) for p in (d["allProjects"] if peer else d["projects"])["nodes"]],
        ),
        "b-random": dict(
            title="b with a random window per request",
            windows=ids["windows"],
            sammen={"query": "query($after: String) { projects(first: 50, after: $after) { nodes { %s } } }" % SAMMEN_PROJECT},
            peer={"query": "query($after: Cursor) { allProjects(first: 50, after: $after, orderBy: ROW_ID_DESC) { nodes { %s } } }" % PEER_PROJECT},
            rows=lambda d, peer: [project_rows(p, peer) for p in (d["allProjects"] if peer else d["projects"])["nodes"]],
        ),
        "c": dict(
            title="c: documents first 50 + owner",
            sammen={"query": "{ documents(first: 50) { nodes { id title owner { id name } } } }"},
            peer={"query": "{ allDocuments(first: 50, orderBy: ROW_ID_DESC) { nodes { id: rowId title organisationByOwnerOrganisationId { id: rowId name } } } }"},
            # Sammen answers each title in the reader's language where a
            # translation exists, PostGraphile the stored original.
            rows=lambda d, peer: [
                (x["id"], (x["organisationByOwnerOrganisationId"] if peer else x["owner"])["id"])
                for x in (d["allDocuments"] if peer else d["documents"])["nodes"]
            ],
        ),
        "d": dict(
            title="d: organisations first 50",
            sammen={"query": "{ organisations(first: 50, orderBy: NEWEST) { nodes { id name country slug } } }"},
            peer={"query": "{ allOrganisations(first: 50, orderBy: ROW_ID_DESC) { nodes { id: rowId name country slug } } }"},
            rows=lambda d, peer: [
                (x["id"], x["name"], x["country"], x["slug"])
                for x in (d["allOrganisations"] if peer else d["organisations"])["nodes"]
            ],
        ),
        "e": dict(
            title="e: training first 50 with offerings (nb-NO)",
            sammen={"query": "{ trainingMaterials(first: 50) { nodes { id title eqfLevel offerings { startsOn endsOn price { amountMinor currency } } } } }"},
            peer={"query": "{ allTrainingMaterials(first: 50, orderBy: ROW_ID_DESC) { nodes { id: rowId title eqfLevel offeringsByTrainingMaterialId(orderBy: STARTS_ON_ASC) { nodes { startsOn endsOn priceMinor priceCurrency } } } } }"},
            rows=lambda d, peer: [
                (x["id"], x["title"], x["eqfLevel"], tuple(
                    (o["startsOn"], o["endsOn"], o["priceMinor"] and int(o["priceMinor"]), o["priceCurrency"]) if peer else
                    (o["startsOn"], o["endsOn"], (o["price"] or {}).get("amountMinor"), (o["price"] or {}).get("currency"))
                    for o in (x["offeringsByTrainingMaterialId"]["nodes"] if peer else x["offerings"])))
                for x in (d["allTrainingMaterials"] if peer else d["trainingMaterials"])["nodes"]
            ],
        ),
    }


def with_after(body, cursor):
    return dict(body, variables=dict(body.get("variables") or {}, after=cursor))


def projects_in_order(url, token=None, peer=False):
    """Every project's id and cursor, newest first, as one server lists them."""
    if peer:
        query = "query($after: Cursor) { list: allProjects(first: 100, after: $after, orderBy: ROW_ID_DESC) { edges { cursor node { id: rowId } } pageInfo { hasNextPage endCursor } } }"
    else:
        query = "query($after: String) { list: projects(first: 100, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"
    ids, cursors, after = [], [], None
    while True:
        page = post(url, {"query": query, "variables": {"after": after}}, token)["data"]["list"]
        ids += [e["node"]["id"] for e in page["edges"]]
        cursors += [e["cursor"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids, cursors
        after = page["pageInfo"]["endCursor"]


def window_starts(ids, count=40):
    """Where the random windows start: the same positions on every run."""
    rng = random.Random(7)
    return [rng.randrange(0, max(1, len(ids) - 50)) for _ in range(count)]


def windows(sammen, peer, token):
    """Pairs of cursors, Sammen's and PostGraphile's, that start a page after
    the same project: walks both lists in the same order."""
    ids_s, cursors_s = projects_in_order(sammen, token)
    ids_p, cursors_p = projects_in_order(peer, peer=True)
    if ids_s != ids_p:
        sys.exit(f"the two servers list projects differently ({len(ids_s)} and {len(ids_p)} projects)")
    return ids_s[0], [(cursors_s[i], cursors_p[i]) for i in window_starts(ids_s)]


def bodies_for(shape, peer):
    body = shape["peer" if peer else "sammen"]
    if "windows" in shape:
        return [with_after(body, pair[1 if peer else 0]) for pair in shape["windows"]]
    return [body]


def check_same_rows(args, shape, token):
    """Both servers answer each body with the same rows (and at least one)."""
    for s_body, p_body in zip(bodies_for(shape, False), bodies_for(shape, True)):
        a = post(args.sammen, s_body, token)
        b = post(args.peer, p_body)
        for who, answer in (("Sammen", a), ("PostGraphile", b)):
            if answer.get("errors"):
                sys.exit(f"{shape['title']}: {who} answered {answer['errors']}")
        rows_a, rows_b = shape["rows"](a["data"], False), shape["rows"](b["data"], True)
        if rows_a != rows_b or not rows_a:
            for x, y in zip(rows_a, rows_b):
                if x != y:
                    print(f"first difference:\n  Sammen       {x}\n  PostGraphile {y}", file=sys.stderr)
                    break
            sys.exit(f"{shape['title']}: the answers differ ({len(rows_a)} and {len(rows_b)} rows)")


def peer_statements(args):
    """PostGraphile's count of SQL statements so far (see
    bench/postgraphile/count-queries.cjs)."""
    with urllib.request.urlopen(args.peer_count, timeout=10) as response:
        return float(response.read())


def run_wrk(url, bodies, token, concurrency, seconds):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for body in bodies:
            f.write(json.dumps(body) + "\n")
        path = f.name
    env = dict(os.environ, BENCH_BODIES=path, BENCH_TOKEN=token or "", BENCH_LANGUAGE="nb-NO")
    out = subprocess.run(
        # One client is one connection on one thread: the time a request
        # takes alone. A slow answer is waited for (10 s, not wrk's 2 s) and
        # counted in the latencies, not dropped as an error: at c=64 on two
        # cores PostGraphile's p99 on shape b passes 1.4 s.
        ["wrk", "-t", str(min(2, concurrency)), "-c", str(concurrency), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", os.path.join(HERE, "graphql.lua"), url + "/graphql"],
        env=env, capture_output=True, text=True, check=True).stdout
    os.unlink(path)
    line = next(l for l in out.splitlines() if l.startswith("BENCH "))
    import re
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def measure(args, peer, bodies, token, concurrency):
    pid = args.peer_pid if peer else args.sammen_pid
    url = args.peer if peer else args.sammen
    before = (load.cpu_ticks(pid), load.postgres_ticks(),
              peer_statements(args) if peer else load.statements(args.metrics))
    r = run_wrk(url, bodies, token, concurrency, args.seconds)
    after = (load.cpu_ticks(pid), load.postgres_ticks(),
             peer_statements(args) if peer else load.statements(args.metrics))
    n = max(r["requests"], 1)
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    return dict(
        rate=r["requests"] / r["seconds"], p50=r["p50"], p99=r["p99"],
        server_ms=(after[0] - before[0]) * tick_ms / n,
        db_ms=(after[1] - before[1]) * tick_ms / n,
        statements=(after[2] - before[2]) / n,
        bad=int(r["bad"] + r["socket_errors"]),
    )


def median_of(rounds):
    return {k: (statistics.median(r[k] for r in rounds) if rounds[0][k] is not None else None) for k in rounds[0]}


def sammen_alone(args, token, only):
    """The same shapes on Sammen alone (on SQLite, where PostGraphile does
    not run): the windows are Sammen's own cursors."""
    ids, cursors = projects_in_order(args.sammen, token)
    pairs = [(cursors[i], None) for i in window_starts(ids)]
    table = shapes({"project": ids[0], "windows": pairs})
    print("| shape | c | Sammen req/s | p50 / p99 ms | server CPU ms/req | statements/req |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for key, shape in table.items():
        if only and key not in only:
            continue
        for body in bodies_for(shape, False):
            answer = post(args.sammen, body, token)
            if answer.get("errors") or not shape["rows"](answer["data"], False):
                sys.exit(f"{shape['title']}: {answer}")
        for c in [int(x) for x in args.concurrency.split(",")]:
            rounds = [measure(args, False, bodies_for(shape, False), token, c) for _ in range(args.rounds)]
            if any(r["bad"] for r in rounds):
                sys.exit(f"{shape['title']}: bad answers under load: {rounds}")
            r = median_of(rounds)
            print(f"| {shape['title']} | {c} | {r['rate']:.0f} | {r['p50']:.1f} / {r['p99']:.1f} "
                  f"| {r['server_ms']:.2f} | {r['statements']:.1f} |", flush=True)
    print(
        f"\nSammen's RSS after the run: {load.rss_mib(args.sammen_pid):.0f} MiB, of which "
        f"{load.rss_mib(args.sammen_pid, 'RssAnon'):.0f} MiB its own memory"
        + (f"; PostGraphile's (Node): {load.rss_mib(args.peer_pid):.0f} MiB" if args.peer else "")
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sammen", required=True)
    parser.add_argument("--sammen-pid", type=int, required=True)
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--peer", help="PostGraphile's address; without it, Sammen alone")
    parser.add_argument("--peer-pid", type=int)
    parser.add_argument("--peer-count", help="the address of PostGraphile's statement count")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", default="16,64")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="")
    args = parser.parse_args()

    token = load.login(args.sammen, "admin@example.org")
    only = [s for s in args.only.split(",") if s]
    if not args.peer:
        return sammen_alone(args, token, only)
    first_project, pairs = windows(args.sammen, args.peer, token)
    table = shapes({"project": first_project, "windows": pairs})
    print("| shape | c | PostGraphile v5 req/s | p50 / p99 ms | CPU ms/req (node + PostgreSQL) | statements/req | "
          "Sammen req/s | p50 / p99 ms | CPU ms/req (server + PostgreSQL) | statements/req | Sammen / PostGraphile |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key, shape in table.items():
        if only and key not in only:
            continue
        check_same_rows(args, shape, token)
        for c in [int(x) for x in args.concurrency.split(",")]:
            results = {}
            for peer in (True, False):
                bodies = bodies_for(shape, peer)
                rounds = [measure(args, peer, bodies, None if peer else token, c) for _ in range(args.rounds)]
                results[peer] = median_of(rounds)
                if any(r["bad"] for r in rounds):
                    sys.exit(f"{shape['title']}: bad answers under load: {rounds}")
            p, s = results[True], results[False]
            print(
                f"| {shape['title']} | {c} "
                f"| {p['rate']:.0f} | {p['p50']:.1f} / {p['p99']:.1f} | {p['server_ms']:.2f} + {p['db_ms']:.2f} "
                f"| {p['statements']:.1f} "
                f"| {s['rate']:.0f} | {s['p50']:.1f} / {s['p99']:.1f} | {s['server_ms']:.2f} + {s['db_ms']:.2f} "
                f"| {s['statements']:.1f} "
                f"| **{s['rate'] / p['rate']:.2f}** |",
                flush=True,
            )
    print(
        f"\nSammen's RSS after the run: {load.rss_mib(args.sammen_pid):.0f} MiB, of which "
        f"{load.rss_mib(args.sammen_pid, 'RssAnon'):.0f} MiB its own memory"
        + (f"; PostGraphile's (Node): {load.rss_mib(args.peer_pid):.0f} MiB" if args.peer else "")
    )


if __name__ == "__main__":
    main()
