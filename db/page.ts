// How every list pages: `?limit=&offset=` in, `{ items, total, limit, offset }` out, the page
// and the count of all that match read together. The routes present the items; the rows and
// the count are read here, once, the same way for every list.

/** Where a page starts and how long it is, as the list routes' query gives them. */
export interface PageWindow {
  limit: number;
  offset: number;
}

/** A page of a list: its items, how many match in all, and the window it was read with. */
export interface Page<T> extends PageWindow {
  items: T[];
  total: number;
}

/**
 * Reads a page of rows and counts all that match, side by side. `rows` gets Prisma's `take` and
 * `skip` to spread into its `findMany`; `count` counts with the same filter. Inside a
 * transaction both see one snapshot, so the page and the total agree.
 */
export async function page<T>(
  window: PageWindow,
  rows: (slice: { take: number; skip: number }) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Page<T>> {
  const [items, total] = await Promise.all([rows({ take: window.limit, skip: window.offset }), count()]);
  return { items, total, limit: window.limit, offset: window.offset };
}

/** The same page with each item presented; the key order of the answer stays items, total, limit, offset. */
export function presentPage<T, U>(p: Page<T>, present: (item: T) => U): Page<U> {
  return { ...p, items: p.items.map(present) };
}
