#!/bin/sh
# Creates the namespace. Safe to re-run. The search attributes are registered by the next job,
# `openai-batch-cancel setup` from the worker's image, from the one list in the code.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 1; done
temporal operator namespace describe -n "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$ns" --retention 7d --address "$TEMPORAL_ADDRESS"
