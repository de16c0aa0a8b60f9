#!/bin/sh
# Creates the namespace and registers openai-batch-cancel's search attributes. Safe to re-run.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 1; done
temporal operator namespace describe -n "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$ns" --retention 7d --address "$TEMPORAL_ADDRESS"
for attr in OpenAIBatchId OpenAIBatchStatus; do
  temporal operator search-attribute create -n "$ns" --name "$attr" --type Keyword --address "$TEMPORAL_ADDRESS" \
    || echo "search attribute $attr already registered"
done
