"""Cancel an OpenAI batch from Python through openai-batch-cancel's TypeScript worker.

The worker registers `cancelBatchWorkflow` on the task queue; any Temporal SDK can start it by
name. Its input and result are plain JSON, described by docs/schemas/cancel-batch-input.schema.json
and docs/schemas/cancel-batch-result.schema.json.

    pip install temporalio
    python cancel_batch.py batch_abc123 [--account research] [--max-wait 2h] [--poll-interval 5s]

`--account` names one of the workers' accounts (their ACCOUNTS_FILE): another OpenAI project or an
Azure OpenAI resource. Without it the batch belongs to the workers' default account.

Connection: the same temporal.toml profile and TEMPORAL_* variables (TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*) as the worker and the CLI.
"""

import argparse
import asyncio
import json
import os
import re
import sys

from temporalio.client import Client, WorkflowFailureError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.envconfig import ClientConfig
from temporalio.exceptions import ApplicationError, FailureError

WORKFLOW_TYPE = "cancelBatchWorkflow"
DEFAULT_TASK_QUEUE = "openai-batch-cancel"


# The workflow's own rule (src/contract/cancel-input.ts): checked here too, so a bad id is refused
# before anything starts.
BATCH_ID = re.compile(r"^batch_[A-Za-z0-9_-]{1,200}$")
# src/contract/account.ts: an account name is one short segment (it names a workflow id and a directory).
ACCOUNT = re.compile(r"^(?!(?:msg)?batch_)[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
DEFAULT_ACCOUNT = "default"


def workflow_id(batch_id: str, account: str = DEFAULT_ACCOUNT) -> str:
    # One workflow per batch of an account: a second start joins the first instead of cancelling
    # twice. The default account's ids name no account, as before accounts existed.
    if account == DEFAULT_ACCOUNT:
        return f"cancel-batch:{batch_id}"
    return f"cancel-batch:{account}:{batch_id}"


def failure_line(batch_id: str, err: WorkflowFailureError) -> str:
    """One line: the innermost cause's failure type (once) and message."""
    cause = err.cause
    while cause is not None and cause.cause is not None:
        cause = cause.cause
    if cause is None:
        return f"cancellation of {batch_id} failed: {err}"
    kind = f"{cause.type}: " if isinstance(cause, ApplicationError) and cause.type else ""
    # str() of a failure already starts with its type; its message does not.
    message = cause.message if isinstance(cause, FailureError) else str(cause)
    return f"cancellation of {batch_id} failed: {kind}{message}"


async def cancel_batch(args: argparse.Namespace) -> int:
    if not BATCH_ID.match(args.batch_id):
        print(
            f'invalid batch id "{args.batch_id}": must look like batch_abc123 (letters, digits, _ or - after "batch_")',
            file=sys.stderr,
        )
        return 2
    if not ACCOUNT.match(args.account):
        print(f'invalid account "{args.account}": letters, digits, "_" or "-" (at most 64)', file=sys.stderr)
        return 2
    connect = ClientConfig.load_client_connect_config()
    connect.setdefault("target_host", "localhost:7233")
    try:
        client = await Client.connect(**connect)
    except Exception as err:  # the SDK raises RuntimeError with the transport's reason
        address = connect["target_host"]
        reason = " ".join(str(err).split())
        print(
            f"cannot reach Temporal at {address}: {reason} (is a server running? set TEMPORAL_ADDRESS or a temporal.toml profile)",
            file=sys.stderr,
        )
        return 1

    workflow_input: dict = {"batchId": args.batch_id}
    if args.account != DEFAULT_ACCOUNT:
        workflow_input["account"] = args.account
    if args.max_wait:
        workflow_input["maxWait"] = args.max_wait  # ms or a string such as "2h"
    if args.poll_interval:
        workflow_input["poll"] = {"initialInterval": args.poll_interval}
    if args.reason:
        workflow_input["reason"] = args.reason

    handle = await client.start_workflow(
        WORKFLOW_TYPE,
        workflow_input,
        id=workflow_id(args.batch_id, args.account),
        task_queue=os.environ.get("TEMPORAL_TASK_QUEUE", DEFAULT_TASK_QUEUE),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    print(f"{args.batch_id}: cancellation started (workflow {handle.id})", file=sys.stderr)
    try:
        result = await handle.result()  # a dict: see cancel-batch-result.schema.json
    except WorkflowFailureError as err:
        print(failure_line(args.batch_id, err), file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Cancel an OpenAI batch and collect its partial results.")
    parser.add_argument("batch_id", help="e.g. batch_abc123")
    parser.add_argument(
        "--account", default=DEFAULT_ACCOUNT, help="the workers' account the batch belongs to (default: default)"
    )
    parser.add_argument("--max-wait", help="give up waiting for a terminal status after this long, e.g. 2h")
    parser.add_argument("--poll-interval", help="first wait between two reads of the batch, e.g. 5s")
    parser.add_argument("--reason", help="shown in the Temporal UI")
    return asyncio.run(cancel_batch(parser.parse_args()))


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: the client's native threads can outlive the event loop and abort a
    # short-lived process at exit ("PyGILState_Release ... finalizing", temporalio/sdk-python#300).
    os._exit(code)
