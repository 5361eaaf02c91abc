// Lists the core pages (unsubscriptions, invoice requests): the first page on load, the next on demand, and a
// reload that keeps as many rows as the screen already shows. The screen says "showing N of M" (PageMore.vue).

/** Rows a list asks for at a time. */
export const LIST_PAGE = 200
/** The most rows the core answers at once. */
const MAX_ROWS = 10_000

/** How many rows a reload asks for: the first page, or as many as the screen shows already. */
export function reloadLimit(shown: number): number {
  return Math.min(MAX_ROWS, Math.max(LIST_PAGE, shown))
}

/** How many rows the next page brings, when `shown` of `total` are on screen. */
export function nextPage(shown: number, total: number): number {
  return Math.max(0, Math.min(LIST_PAGE, total - shown))
}

/** The rows shown followed by the next page's (fetched from the offset after them), with the next page's total. */
export async function appendPage<R, P extends { requests: R[] }>(shown: P | null, fetch: (offset: number) => Promise<P>): Promise<P> {
  const have = shown?.requests ?? []
  const next = await fetch(have.length)
  return { ...next, requests: [...have, ...next.requests] }
}
