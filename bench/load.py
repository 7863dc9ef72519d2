#!/usr/bin/env python3
"""Drives a running Sammen server with representative GraphQL requests over
keep-alive connections (wrk, with bench/graphql.lua) and prints one Markdown
table row per scenario: requests/s, p50/p95/p99 latency, CPU milliseconds per
request (the server's, and PostgreSQL's when it runs on this machine, from
/proc), SQL statements per request (from /metrics) and bad answers.

Usage: load.py BASE_URL --pid SERVER_PID --metrics METRICS_URL [--seconds S] [--concurrency C]
               [--suite lists|search|all]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))

LISTS = {
    "organisations (anonymous, first 50)": (
        None,
        "{ organisations(first: 50) { totalCount edges { node { name country partnershipStatusLabel description } } } }",
        None,
    ),
    "documents (network partner, first 50, policy in SQL)": (
        "partner@example.org",
        "{ documents(first: 50) { totalCount edges { node { title kindLabel owner { name } currentVersion { sha256 } } } } }",
        None,
    ),
    "projects with nested lists (coordinator, first 50)": (
        "coordinator@example.org",
        "{ projects(first: 50) { totalCount edges { node { code title budget { formatted } participants { role organisation { name } } deliverables { code title } milestones { title } } } } }",
        None,
    ),
    "training with offerings (nb-NO, first 50)": (
        None,
        "{ trainingMaterials(first: 50) { totalCount edges { node { title eqfLevel offerings { datesFormatted price { formatted } } } } } }",
        None,
    ),
}

# What a search box asks for: the first page of 20 with the total, the
# facets, the highlights and each hit's own fields.
SEARCH = """query($q: String!, $filter: SearchFilter) {
  search(query: $q, first: 20, filter: $filter) {
    totalCount
    facets { types { value count } languages { value count } countries { value count } }
    edges { cursor node { score matchedLocale highlights { field snippet }
      node { __typename
        ... on Document { id title kindLabel }
        ... on Project { id title }
        ... on TrainingMaterial { id title }
        ... on Organisation { id name }
        ... on User { id displayName } } } }
  }
}"""

SEARCHES = {
    "search: one word `rapport` (partner)": ("partner@example.org", {"q": "rapport"}),
    "search: two words `rapport arbeid` (partner)": ("partner@example.org", {"q": "rapport arbeid"}),
    'search: phrase `"peer support"` (partner)': ("partner@example.org", {"q": '"peer support"'}),
    "search: `rapport` filtered to nb documents in NO (partner)": (
        "partner@example.org",
        {"q": "rapport", "filter": {"types": ["DOCUMENT"], "languages": ["nb"], "countries": ["NO"]}},
    ),
    "search: prefix `erfaringskonsulent*` (partner)": ("partner@example.org", {"q": "erfaringskonsulent*"}),
    "search: rare word `likepersonsarbeid` (partner)": ("partner@example.org", {"q": "likepersonsarbeid"}),
    "search: one word `rapport` (anonymous)": (None, {"q": "rapport"}),
}


def post(url, body, token=None, language="nb-NO"):
    request = urllib.request.Request(
        url + "/graphql",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": language},
    )
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def login(url, email):
    query = 'mutation { login(email: "%s", password: "sammen-demo") { token } }' % email
    return post(url, {"query": query})["data"]["login"]["token"]


def statements(metrics):
    """The server's count of SQL statements so far."""
    with urllib.request.urlopen(metrics, timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("sammen_db_statements_total"):
                return float(line.split()[-1])
    raise SystemExit("no sammen_db_statements_total on /metrics")


def cpu_ticks(pid):
    """utime + stime of one process, in clock ticks."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def postgres_ticks():
    """CPU of every PostgreSQL process on this machine (0 when none): the
    live processes', and the postmaster's reaped children's (a backend that
    exits between two readings would otherwise take its time with it)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as comm:
                if comm.read().strip() != "postgres":
                    continue
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            if fields[1] == "1" or not os.path.exists(f"/proc/{fields[1]}/comm") or open(f"/proc/{fields[1]}/comm").read().strip() != "postgres":
                # The postmaster: add its children's time that has been reaped.
                total += int(fields[13]) + int(fields[14])
        except OSError:
            continue
    return total


def rss_mib(pid, field="VmRSS"):
    """A memory figure of the process from /proc, in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(args, token, body):
    env = dict(os.environ, BENCH_BODY=json.dumps(body), BENCH_TOKEN=token or "", BENCH_LANGUAGE="nb-NO")
    before = (statements(args.metrics), cpu_ticks(args.pid), postgres_ticks())
    out = subprocess.run(
        [
            "wrk",
            "-t", str(min(2, args.concurrency)),
            "-c", str(args.concurrency),
            "-d", f"{args.seconds}s",
            "-s", os.path.join(HERE, "graphql.lua"),
            args.url + "/graphql",
        ],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    after = (statements(args.metrics), cpu_ticks(args.pid), postgres_ticks())
    line = next(l for l in out.splitlines() if l.startswith("BENCH "))
    result = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
    n = max(result["requests"], 1)
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    result["rate"] = result["requests"] / result["seconds"]
    result["statements"] = (after[0] - before[0]) / n
    result["server_ms"] = (after[1] - before[1]) * tick_ms / n
    result["db_ms"] = (after[2] - before[2]) * tick_ms / n
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--pid", type=int, required=True, help="the server's process id, for its CPU time")
    parser.add_argument("--metrics", required=True, help="the server's /metrics address")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--suite", choices=["lists", "search", "all"], default="all")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (Debian: apt-get install wrk)")

    scenarios = []
    if args.suite in ("lists", "all"):
        scenarios += [(name, who, {"query": q}) for name, (who, q, _) in LISTS.items()]
    if args.suite in ("search", "all"):
        scenarios += [
            (name, who, {"query": SEARCH, "variables": variables}) for name, (who, variables) in SEARCHES.items()
        ]
    tokens = {}
    print("| scenario | hits | requests/s | p50 ms | p95 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | SQL statements/req | bad |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, who, body in scenarios:
        token = tokens.setdefault(who, login(args.url, who)) if who else None
        answer = post(args.url, body, token)  # warm up, and check the answer
        if "errors" in answer:
            sys.exit(f"{name}: {answer['errors']}")
        hits = answer["data"].get("search", {}).get("totalCount", "")
        r = measure(args, token, body)
        print(
            f"| {name} | {hits} | {r['rate']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} "
            f"| {r['server_ms']:.2f} | {r['db_ms']:.2f} | {r['statements']:.2f} | {int(r['bad'] + r['socket_errors'])} |",
            flush=True,
        )
    print(
        f"\nServer RSS after the run: {rss_mib(args.pid):.0f} MiB, of which "
        f"{rss_mib(args.pid, 'RssAnon'):.0f} MiB its own memory and {rss_mib(args.pid, 'RssFile'):.0f} MiB "
        "file pages (the binary and, on SQLite, the mapped database)"
    )


if __name__ == "__main__":
    main()
