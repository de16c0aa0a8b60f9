/** OpenAI's cursor pagination, one place for every list route (batches, files). */

/** A type, not an interface: it must fit the SDK-side schemas' open (index-signature) objects. */
export type ListPage<T> = {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
};

/**
 * The page of `ordered` after the item with id `after` (from the top without one), at most `limit`
 * long. An unknown cursor yields an empty page rather than restarting from the top.
 */
export function listPage<R extends { id: string }, T extends { id: string }>(
  ordered: readonly R[],
  limit: number,
  after: string | undefined,
  render: (item: R) => T,
): ListPage<T> {
  const start = after === undefined ? 0 : ordered.findIndex((r) => r.id === after) + 1;
  const page = after !== undefined && start === 0 ? [] : ordered.slice(start, start + limit);
  const data = page.map(render);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: page.length > 0 && start + page.length < ordered.length,
  };
}
