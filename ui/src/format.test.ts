import { describe, expect, it } from 'vitest'
import { beijing, countdown, duration, urgency, yuan } from './format'

describe('countdown', () => {
  it('shows days and hours, or hours and minutes', () => {
    expect(countdown(2 * 86400 + 3 * 3600 + 59, 'en-US')).toBe('2 d 3 h left')
    expect(countdown(5 * 3600 + 20 * 60, 'en-US')).toBe('5 h 20 min left')
    expect(countdown(5 * 3600 + 20 * 60, 'zh-CN')).toBe('剩余 5小时20分')
  })
  it('says overdue for negative values', () => {
    expect(countdown(-(86400 + 7200), 'en-US')).toBe('overdue 1 d 2 h')
    expect(countdown(-90, 'zh-CN')).toBe('已超期 1分')
  })
  it('has a dash for no deadline', () => {
    expect(countdown(null, 'en-US')).toBe('—')
  })
})

describe('urgency', () => {
  it('splits at zero and one day', () => {
    expect(urgency(-1)).toBe('overdue')
    expect(urgency(10, true)).toBe('overdue')
    expect(urgency(86400)).toBe('soon')
    expect(urgency(86401)).toBe('later')
    expect(urgency(null)).toBe('later')
  })
})

describe('yuan', () => {
  it('groups thousands from the decimal string, exactly', () => {
    expect(yuan('1234567.5')).toBe('¥1,234,567.50')
    expect(yuan('0.10')).toBe('¥0.10')
    expect(yuan('-1000')).toBe('-¥1,000.00')
    expect(yuan('90071992547409.93')).toBe('¥90,071,992,547,409.93')
  })
})

describe('beijing', () => {
  it('keeps the Beijing wall-clock time', () => {
    expect(beijing('2026-11-29T18:05:00+08:00')).toBe('2026-11-29 18:05')
    expect(beijing(null)).toBe('—')
  })
})

describe('duration', () => {
  it('has no sign or prefix', () => {
    expect(duration(-2 * 3600, 'en-US')).toBe('2 h 0 min')
    expect(duration(3 * 86400, 'zh-CN')).toBe('3天0小时')
  })
})
