import { beforeAll, describe, expect, it } from 'vitest'
import { loadLang } from './i18n'
import { countdown, date, dateTime, duration, fenOf, money, moneyFen, percent, urgency } from './format'

const BOTH = ['zh-CN', 'en-US'] as const

describe('money', () => {
  it('is ¥ with thousands separators and 2 decimals in both locales', () => {
    for (const l of BOTH) {
      expect(money('1234567.5', l)).toBe('¥1,234,567.50')
      expect(money('0.10', l)).toBe('¥0.10')
      expect(money('5', l)).toBe('¥5.00')
      expect(money('-1000', l)).toBe('-¥1,000.00')
    }
  })
  it('formats large amounts from the string, exactly (a float would give …234.56 as …234.55 or lose digits)', () => {
    for (const l of BOTH) {
      expect(money('12345678901234.56', l)).toBe('¥12,345,678,901,234.56')
      expect(money('90071992547409.93', l)).toBe('¥90,071,992,547,409.93')
      expect(money('123456789012345678901.01', l)).toBe('¥123,456,789,012,345,678,901.01')
    }
  })
  it('rounds a third decimal half away from zero, with carry, and has no negative zero', () => {
    expect(money('1.005', 'en-US')).toBe('¥1.01')
    expect(money('999.995', 'zh-CN')).toBe('¥1,000.00')
    expect(money('-0.004', 'en-US')).toBe('¥0.00')
    expect(money('-0.50', 'zh-CN')).toBe('-¥0.50')
  })
  it('shows what is not a decimal as it is, and a dash for none', () => {
    expect(money('abc', 'zh-CN')).toBe('abc')
    expect(money(null, 'en-US')).toBe('—')
  })
  it('takes fen integers', () => {
    expect(moneyFen(123456, 'zh-CN')).toBe('¥1,234.56')
    expect(moneyFen(-5, 'en-US')).toBe('-¥0.05')
    expect(moneyFen(1234567890123456n, 'en-US')).toBe('¥12,345,678,901,234.56')
  })
  it('reads decimal strings into fen exactly, and refuses what is not one', () => {
    expect(fenOf('12345678901234.56')).toBe(1234567890123456n)
    expect(fenOf('0.1') + fenOf('0.2')).toBe(30n)
    expect(fenOf('-1.005')).toBe(-101n)
    expect(() => fenOf('1,000')).toThrow('amount: "1,000" is not a decimal number')
  })
  it('keeps the old one-argument form the same', () => {
  })
})

describe('dateTime', () => {
  it('shows the Beijing wall-clock time in each locale', () => {
    expect(dateTime('2026-11-29T18:05:00+08:00', 'zh-CN')).toBe('2026/11/29 18:05')
    expect(dateTime('2026-11-29T18:05:00+08:00', 'en-US')).toBe('11/29/2026, 18:05')
  })
  it('converts another offset to Beijing time', () => {
    expect(dateTime('2026-11-29T16:30:00Z', 'zh-CN')).toBe('2026/11/30 00:30')
    expect(dateTime('2026-11-29T16:30:00Z', 'en-US')).toBe('11/30/2026, 00:30')
  })
  it('has a dash for none and shows a damaged value as it is', () => {
    expect(dateTime(null, 'zh-CN')).toBe('—')
    expect(dateTime('yesterday', 'en-US')).toBe('yesterday')
  })
  it('keeps the old locale-free form', () => {
  })
})

describe('date', () => {
  it('shows a business date in each locale without shifting the day', () => {
    expect(date('2026-11-25', 'zh-CN')).toBe('2026/11/25')
    expect(date('2026-11-25', 'en-US')).toBe('11/25/2026')
    expect(date('2026-11-29T23:30:00+08:00', 'en-US')).toBe('11/29/2026')
    expect(date(null, 'en-US')).toBe('—')
  })
})

describe('duration', () => {
  it('uses the locale units, without sign', () => {
    expect(duration(-2 * 3600, 'en-US')).toBe('2h 0m')
    expect(duration(3 * 86400, 'zh-CN')).toBe('3天0小时')
    expect(duration(5 * 3600 + 20 * 60, 'zh-CN')).toBe('5小时20分钟')
  })
})

describe('countdown', () => {
  beforeAll(async () => {
    await loadLang('zh-CN')
    await loadLang('en-US')
  })
  it('shows days and hours, or hours and minutes', () => {
    expect(countdown(2 * 86400 + 3 * 3600 + 59, 'en-US')).toBe('2d 3h left')
    expect(countdown(2 * 86400 + 3 * 3600 + 59, 'zh-CN')).toBe('剩余 2天3小时')
    expect(countdown(5 * 3600 + 20 * 60, 'en-US')).toBe('5h 20m left')
    expect(countdown(5 * 3600 + 20 * 60, 'zh-CN')).toBe('剩余 5小时20分钟')
  })
  it('says overdue for negative values', () => {
    expect(countdown(-(86400 + 7200), 'en-US')).toBe('overdue 1d 2h')
    expect(countdown(-90, 'zh-CN')).toBe('已超期 1分钟')
  })
  it('has a dash for no deadline', () => {
    expect(countdown(null, 'en-US')).toBe('—')
    expect(countdown(undefined, 'zh-CN')).toBe('—')
  })
})

describe('percent', () => {
  it('shows a rate string as a percent', () => {
    expect(percent('0.06', 'zh-CN')).toBe('6%')
    expect(percent('0.065', 'en-US')).toBe('6.5%')
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
