#!/bin/sh
# Creates the namespace and registers openai-batch-cancel's search attributes. Safe to re-run.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 1; done
temporal operator namespace describe -n "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$ns" --retention 7d --address "$TEMPORAL_ADDRESS"
# Name:Type pairs, the same as src/shared/search-attributes.ts.
for pair in OpenAIBatchId:Keyword OpenAIBatchStatus:Keyword OpenAIBatchStuck:Bool \
  OpenAIBatchRequestsCompleted:Int OpenAIBatchRequestsFailed:Int OpenAIBatchRequestsTotal:Int; do
  attr="${pair%%:*}"
  type="${pair#*:}"
  temporal operator search-attribute create -n "$ns" --name "$attr" --type "$type" --address "$TEMPORAL_ADDRESS" \
    || echo "search attribute $attr already registered"
done
