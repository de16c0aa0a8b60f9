/** How `status` and `list` show a cancellation whose workflow task keeps failing. */
import type { CancellationListing } from '../client/cancellations';
import type { FailingWorkflowTask } from '../contract/progress';
import { failingTaskText } from '../client/workflow-task-health';

/** `status`: the failing task's line first, since nothing below it moves until the task succeeds. */
export function withFailingTask(view: { workflowTask?: FailingWorkflowTask }, details: string): string {
  return view.workflowTask ? `${failingTaskText(view.workflowTask)}\n${details}` : details;
}

/** `list`: the workflow column's text, marked when its task keeps failing. */
export function workflowColumn(row: CancellationListing): string {
  return row.workflowTask
    ? `${row.workflowStatus}, TASK FAILING (attempt ${row.workflowTask.attempt})`
    : row.workflowStatus;
}
