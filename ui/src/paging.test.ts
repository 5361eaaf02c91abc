import { describe, expect, it } from 'vitest'
import { appendPage, LIST_PAGE, nextPage, reloadLimit } from './paging'

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

describe('appendPage', () => {
  it('asks from the offset after the rows shown and keeps them before the new ones', async () => {
    const asked: number[] = []
    const shown = { requests: ['a', 'b'], total: 5, offset: 0 }
    const next = await appendPage(shown, async (offset) => {
      asked.push(offset)
      return { requests: ['c', 'd'], total: 6, offset }
    })
    expect(asked).toEqual([2])
    expect(next).toEqual({ requests: ['a', 'b', 'c', 'd'], total: 6, offset: 2 })
    expect(await appendPage(null, async (offset) => ({ requests: [offset], total: 1 }))).toEqual({ requests: [0], total: 1 })
  })
})
