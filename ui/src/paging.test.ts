import { describe, expect, it } from 'vitest'
import { LIST_PAGE, nextPage, reloadLimit } from './paging'

describe('paging', () => {
  it('reloads as many rows as are shown, at least a page and at most what the core answers', () => {
    expect(reloadLimit(0)).toBe(LIST_PAGE)
    expect(reloadLimit(LIST_PAGE * 3)).toBe(LIST_PAGE * 3)
    expect(reloadLimit(50_000)).toBe(10_000)
  })
  it('brings a page at a time, and the rest at the end', () => {
    expect(nextPage(LIST_PAGE, 10 * LIST_PAGE)).toBe(LIST_PAGE)
    expect(nextPage(LIST_PAGE, LIST_PAGE + 7)).toBe(7)
    expect(nextPage(5, 5)).toBe(0)
  })
})
