#!/usr/bin/env python3
"""Drives a running Sammen server with representative GraphQL requests and
prints throughput and latency per scenario. Standard library only.

Usage: load.py BASE_URL [--seconds S] [--concurrency C]
"""

import argparse
import json
import statistics
import threading
import time
import urllib.request

SCENARIOS = {
    "organisations (anonymous, first 50)": (
        None,
        "{ organisations(first: 50) { totalCount edges { node { name country partnershipStatusLabel description } } } }",
    ),
    "documents (network partner, first 50, policy in SQL)": (
        "partner@example.org",
        "{ documents(first: 50) { totalCount edges { node { title kindLabel owner { name } currentVersion { sha256 } } } } }",
    ),
    "projects with nested lists (coordinator, first 50)": (
        "coordinator@example.org",
        "{ projects(first: 50) { totalCount edges { node { code title budget { formatted } participants { role organisation { name } } deliverables { code title } milestones { title } } } } }",
    ),
    "training with offerings (nb-NO, first 50)": (
        None,
        "{ trainingMaterials(first: 50) { totalCount edges { node { title eqfLevel offerings { datesFormatted price { formatted } } } } } }",
    ),
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


def run(url, token, query, seconds, concurrency):
    latencies, errors = [], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                answer = post(url, {"query": query}, token)
                ok = "errors" not in answer
            except Exception:  # noqa: BLE001 - any failure counts as an error
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    tokens = {}
    print(f"| scenario | requests/s | p50 ms | p95 ms | p99 ms | errors |")
    print(f"| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, (who, query) in SCENARIOS.items():
        token = None
        if who:
            token = tokens.setdefault(who, login(args.url, who))
        post(args.url, {"query": query}, token)  # warm up
        latencies, errors = run(args.url, token, query, args.seconds, args.concurrency)
        latencies.sort()
        q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")
        rate = len(latencies) / args.seconds
        print(f"| {name} | {rate:.0f} | {q(0.50):.1f} | {q(0.95):.1f} | {q(0.99):.1f} | {errors} |")


if __name__ == "__main__":
    main()
