// Dates, times, durations and money in the active locale, through `Intl` (unit-tested in format.test.ts, in both
// languages). Every formatter takes the locale (vue-i18n's `locale`) so a template re-renders when it changes.
// Business dates and times are Beijing time whatever the machine's zone (KOOGALLERY.md, preamble).
import { i18n } from './i18n'

const BEIJING = 'Asia/Shanghai'
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>()
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined
  if (!f) cache.set(key, (f = make()))
  return f
}

function currency(locale: string): Intl.NumberFormat {
  return cached(`cny:${locale}`, () => new Intl.NumberFormat(locale, {
    style: 'currency', currency: 'CNY', currencyDisplay: 'narrowSymbol', minimumFractionDigits: 2, maximumFractionDigits: 2,
  }))
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?$/

/** Money arrives as a decimal string ("12345678901234.56"); shown as the locale's CNY amount (¥, thousands
 * separators, 2 decimals) without going through a float: the integer part is formatted as a BigInt and the
 * fraction digits come from the string, rounded half away from zero when there are more than two. A string that is
 * not a decimal is shown as it is, never as ¥0.00. */
export function money(amount: string | null | undefined, locale: string): string {
  if (amount === null || amount === undefined || amount === '') return '—'
  const m = DECIMAL.exec(amount.trim())
  if (!m) return amount
  const neg = m[1] === '-'
  let int = BigInt(m[2])
  let frac = (m[3] ?? '').padEnd(3, '0')
  let cents = Number(frac.slice(0, 2))
  if (Number(frac[2]) >= 5) cents += 1
  if (cents === 100) {
    cents = 0
    int += 1n
  }
  const zero = int === 0n && cents === 0
  frac = String(cents).padStart(2, '0')
  const f = currency(locale)
  const digits = f.formatToParts(int).filter((p) => p.type === 'integer' || p.type === 'group')
  let placed = false
  return f
    .formatToParts(neg && !zero ? -1 : 1)
    .map((p) => {
      if (p.type === 'integer') {
        if (placed) return ''
        placed = true
        return digits.map((d) => d.value).join('')
      }
      if (p.type === 'group') return ''
      if (p.type === 'fraction') return frac
      return p.value
    })
    .join('')
}

/** A decimal string in whole fen, exactly (rounded half away from zero past two decimals), for sums; a string
 * that is not a decimal is an error naming the value, never zero. */
export function fenOf(amount: string): bigint {
  const m = DECIMAL.exec(amount.trim())
  if (!m) throw new Error(`amount: "${amount}" is not a decimal number`)
  const frac = (m[3] ?? '').padEnd(3, '0')
  const fen = BigInt(m[2]) * 100n + BigInt(frac.slice(0, 2)) + (Number(frac[2]) >= 5 ? 1n : 0n)
  return m[1] === '-' ? -fen : fen
}

/** A money amount in fen (integer) in the locale, exactly. */
export function moneyFen(fen: number | bigint, locale: string): string {
  const n = BigInt(fen)
  const abs = n < 0n ? -n : n
  return money(`${n < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`, locale)
}

/** An instant (RFC 3339) as a Beijing date and time in the locale: "2026/11/29 18:05", "11/29/2026, 18:05". */
export function dateTime(rfc3339: string | null | undefined, locale: string): string {
  if (!rfc3339) return '—'
  const at = new Date(rfc3339)
  if (Number.isNaN(at.getTime())) return rfc3339
  return cached(`dt:${locale}`, () => new Intl.DateTimeFormat(locale, {
    timeZone: BEIJING, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  })).format(at)
}

/** A business date ("2026-11-25", already Beijing) or an instant's Beijing date, in the locale: "2026/11/25",
 * "11/25/2026". */
export function date(value: string | null | undefined, locale: string): string {
  if (!value) return '—'
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  const at = ymd ? new Date(Date.UTC(+ymd[1], +ymd[2] - 1, +ymd[3], 4)) : new Date(value)
  if (Number.isNaN(at.getTime())) return value
  return cached(`d:${locale}`, () => new Intl.DateTimeFormat(locale, {
    timeZone: BEIJING, year: 'numeric', month: '2-digit', day: '2-digit',
  })).format(at)
}

function unit(n: number, u: 'day' | 'hour' | 'minute', locale: string): string {
  return cached(`u:${u}:${locale}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'narrow' })).format(n)
}

/** A span of time, without sign, in the locale's units: "2d 3h", "5h 20m"; "2天3小时", "5小时20分钟". */
export function duration(seconds: number, locale: string): string {
  let s = Math.abs(Math.trunc(seconds))
  const d = Math.floor(s / 86400)
  s -= d * 86400
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  const parts: string[] = []
  if (d) parts.push(unit(d, 'day', locale))
  if (h || d) parts.push(unit(h, 'hour', locale))
  if (!d) parts.push(unit(m, 'minute', locale))
  return cached(`l:${locale}`, () => new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' })).format(parts)
}

/** A countdown from seconds left: "2d 3h left", "overdue 1d 2h"; "剩余 2天3小时", "已超期 1天2小时". The words
 * around the duration are the locale's (`time.left`, `time.overdue`); the duration is Intl's. */
export function countdown(secondsLeft: number | null | undefined, locale: string): string {
  if (secondsLeft === null || secondsLeft === undefined) return '—'
  const text = duration(secondsLeft, locale)
  const t = i18n.global.t as unknown as (key: string, named: Record<string, unknown>, options: { locale: string }) => string
  return t(secondsLeft < 0 ? 'time.overdue' : 'time.left', { text }, { locale })
}

/** Urgency class of a countdown: overdue, within a day, later. */
export function urgency(secondsLeft: number | null | undefined, overdue = false): 'overdue' | 'soon' | 'later' {
  if (overdue || (secondsLeft ?? 1) < 0) return 'overdue'
  if (secondsLeft !== null && secondsLeft !== undefined && secondsLeft <= 86400) return 'soon'
  return 'later'
}

/** A rate ("0.06") as a percent in the locale: "6%". */
export function percent(rate: string | number, locale: string): string {
  return cached(`p:${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 })).format(Number(rate))
}

