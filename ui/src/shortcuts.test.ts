import { describe, expect, it } from 'vitest'
import { shortcutReader } from './shortcuts'

describe('shortcuts', () => {
  it('g then a letter navigates', () => {
    const read = shortcutReader()
    expect(read('g', false)).toBeNull()
    expect(read('s', false)).toBe('/supervision')
    expect(read('s', false)).toBeNull()
  })
  it('slash searches, and typing in a field is left alone', () => {
    const read = shortcutReader()
    expect(read('/', false)).toBe('search')
    expect(read('g', true)).toBeNull()
    expect(read('o', false)).toBeNull()
  })
})
