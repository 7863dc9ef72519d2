#!/usr/bin/env bash
# Replaces the vendored GraphiQL and React files with the given versions
# from the npm registry. Usage: update.sh GRAPHIQL_VERSION REACT_VERSION
set -euo pipefail
graphiql=${1:?GraphiQL version, e.g. 3.9.0}
react=${2:?React version, e.g. 18.3.1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "graphiql@$graphiql" "react@$react" "react-dom@$react" >/dev/null
m=node_modules
sed '/^\/\/# sourceMappingURL=/d' "$m/graphiql/graphiql.min.js" >"$here/graphiql.min.js"
cp "$m/graphiql/graphiql.min.css" "$here/"
cp "$m/react/umd/react.production.min.js" "$m/react-dom/umd/react-dom.production.min.js" "$here/"
cp "$m/graphiql/LICENSE" "$here/LICENSE.graphiql"
cp "$m/react/LICENSE" "$here/LICENSE.react"
cp "$m/react-dom/LICENSE" "$here/LICENSE.react-dom"
ls -l "$here"
