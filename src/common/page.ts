import { invalid } from './path-id';

/** DRF-style page: `{count, next, previous, results}` with `?page=N` links. */
/** DRF's PAGE_SIZE in the Django settings: every paginated list answers 50 per page. */
export const PAGE_SIZE = 50;

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

/** `?page=N` → N (default 1), or a 400 naming `page`. */
export function pageNumber(raw: string | undefined): number {
  if (raw === undefined) return 1;
  if (!/^[1-9][0-9]{0,5}$/.test(raw)) throw invalid('page', 'page must be a positive integer');
  return Number(raw);
}
