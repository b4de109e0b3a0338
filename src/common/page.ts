/** DRF-style page: `{count, next, previous, results}` with `?page=N` links. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export function pageOf<T>(count: number, page: number, size: number, results: T[]): Page<T> {
  const link = (p: number) => `?page=${p}`;
  return { count, next: page * size < count ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null, results };
}
