#!/usr/bin/env python3
"""A partner system's first afternoon, in Python with `requests`: sign in
once as a person, make an API token for the system, then page through
documents, read training in Norwegian, download a file, and handle errors
by their code.

Usage: SAMMEN_URL=http://127.0.0.1:8080 SAMMEN_EMAIL=partner@example.org \
       SAMMEN_PASSWORD=sammen-demo python3 examples/python_client.py
"""

import os
import sys

import requests

URL = os.environ.get("SAMMEN_URL", "http://127.0.0.1:8080")


class SammenError(Exception):
    def __init__(self, error):
        super().__init__(error["message"])
        self.code = error.get("extensions", {}).get("code")
        self.field = error.get("extensions", {}).get("field")


def gql(query, variables=None, token=None, language="en-US"):
    headers = {"Accept-Language": language}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    reply = requests.post(f"{URL}/graphql", json={"query": query, "variables": variables or {}},
                          headers=headers, timeout=30)
    body = reply.json()
    if body.get("errors"):
        raise SammenError(body["errors"][0])
    return body["data"]


def main():
    session = gql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                  {"e": os.environ["SAMMEN_EMAIL"], "p": os.environ["SAMMEN_PASSWORD"]})["login"]["token"]
    token = gql('mutation { createApiToken(name: "python example", scope: READ) { token } }',
                token=session)["createApiToken"]["token"]

    after, seen = None, 0
    while True:
        page = gql("""query($after: String) { documents(first: 2, after: $after) {
                        totalCount pageInfo { hasNextPage endCursor }
                        nodes { title currentVersion { downloadUrl } } } }""",
                   {"after": after}, token)["documents"]
        for document in page["nodes"]:
            seen += 1
            print("document:", document["title"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == page["totalCount"], (seen, page["totalCount"])

    for material in gql("{ trainingMaterials(first: 3) { nodes { title } } }", token=token,
                        language="nb-NO")["trainingMaterials"]["nodes"]:
        print("kurs:", material["title"])

    nodes = gql("{ documents(first: 20) { nodes { currentVersion { downloadUrl sha256 } } } }",
                token=token)["documents"]["nodes"]
    version = next(n["currentVersion"] for n in nodes if n["currentVersion"])
    file = requests.get(URL + version["downloadUrl"], headers={"Authorization": f"Bearer {token}"}, timeout=30)
    file.raise_for_status()
    import hashlib
    assert hashlib.sha256(file.content).hexdigest() == version["sha256"]
    print(f"downloaded {len(file.content)} bytes, checksum matches")

    try:
        gql('{ project(id: "not-an-id") { title } }', token=token)
        sys.exit("expected an error")
    except SammenError as error:
        assert error.code == "BAD_USER_INPUT" and error.field == "id", (error.code, error.field)
        print(f"error: {error.code} at {error.field}: {error}")


if __name__ == "__main__":
    main()
