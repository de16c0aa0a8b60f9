/**
 * Runs `work` with an abort signal of its own that aborts when `parent` does, while `work` runs.
 * The openai SDK adds a listener to the signal of each request and does not remove it, so a wait
 * attempt making dozens of reads on its one cancellation signal piled them up (Node's
 * MaxListenersExceededWarning); a signal per call takes its listener with it. Only for calls whose
 * answer is read in full before `work` resolves: a streamed body would outlive the link.
 */
export async function withLinkedSignal<T>(
  parent: AbortSignal,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const own = new AbortController();
  const abort = () => own.abort(parent.reason);
  if (parent.aborted) abort();
  else parent.addEventListener('abort', abort, { once: true });
  try {
    return await work(own.signal);
  } finally {
    parent.removeEventListener('abort', abort);
  }
}
