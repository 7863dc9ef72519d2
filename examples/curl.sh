#!/usr/bin/env bash
# A partner system's first afternoon, with curl and jq: sign in once as a
# person, make an API token for the system, then page through documents,
# read training in Norwegian, download a file, and read an error's code.
# Usage: SAMMEN_URL=http://127.0.0.1:8080 SAMMEN_EMAIL=partner@example.org \
#        SAMMEN_PASSWORD=sammen-demo examples/curl.sh
set -euo pipefail
url=${SAMMEN_URL:-http://127.0.0.1:8080}
gql() { # gql TOKEN JSON-BODY [LANGUAGE]
    curl -sS --fail-with-body "$url/graphql" -H 'Content-Type: application/json' \
        -H "Accept-Language: ${3:-en-US}" ${1:+-H "Authorization: Bearer $1"} -d "$2"
}

# 1. A person signs in and makes a READ token for the partner system.
session=$(gql "" "$(jq -n --arg e "$SAMMEN_EMAIL" --arg p "$SAMMEN_PASSWORD" \
    '{query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", variables: {e: $e, p: $p}}')" \
    | jq -er '.data.login.token')
token=$(gql "$session" '{"query": "mutation { createApiToken(name: \"curl example\", scope: READ) { token } }"}' \
    | jq -er '.data.createApiToken.token')

# 2. Documents shared with us, two at a time, following the cursor.
after=null
pages=0
while :; do
    page=$(gql "$token" "$(jq -n --argjson after "$after" \
        '{query: "query($after: String) { documents(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { title currentVersion { downloadUrl filename } } } }", variables: {after: $after}}')")
    echo "$page" | jq -r '.data.documents.nodes[] | "document: \(.title)"'
    pages=$((pages + 1))
    [ "$(echo "$page" | jq -r '.data.documents.pageInfo.hasNextPage')" = true ] || break
    after=$(echo "$page" | jq '.data.documents.pageInfo.endCursor')
done
echo "pages read: $pages"

# 3. Training materials, in Norwegian Bokmål.
gql "$token" '{"query": "{ trainingMaterials(first: 3) { nodes { title } } }"}' nb-NO \
    | jq -er '.data.trainingMaterials.nodes[] | "kurs: \(.title)"'

# 4. Download the first document that has a file.
download=$(gql "$token" '{"query": "{ documents(first: 20) { nodes { currentVersion { downloadUrl filename } } } }"}' \
    | jq -er '[.data.documents.nodes[] | .currentVersion | select(. != null)][0].downloadUrl')
curl -sS --fail -H "Authorization: Bearer $token" -o /tmp/sammen-example-download "$url$download"
echo "downloaded $(wc -c </tmp/sammen-example-download) bytes"

# 5. Errors carry a stable code: act on the code, show the message.
error=$(gql "$token" '{"query": "{ project(id: \"not-an-id\") { title } }"}')
code=$(echo "$error" | jq -er '.errors[0].extensions.code')
field=$(echo "$error" | jq -er '.errors[0].extensions.field')
[ "$code" = BAD_USER_INPUT ] && [ "$field" = id ]
echo "error: $code at $field: $(echo "$error" | jq -r '.errors[0].message')"
