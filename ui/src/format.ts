// Pure formatting helpers (unit-tested in format.test.ts).

/** "2 d 3 h" or "5 h 20 min" — a span of time, without sign. */
export function duration(seconds: number, lang: string): string {
  const zh = lang.startsWith('zh')
  let s = Math.abs(Math.trunc(seconds))
  const d = Math.floor(s / 86400)
  s -= d * 86400
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  const parts: string[] = []
  if (d) parts.push(zh ? `${d}天` : `${d} d`)
  if (h || d) parts.push(zh ? `${h}小时` : `${h} h`)
  if (!d) parts.push(zh ? `${m}分` : `${m} min`)
  return parts.join(zh ? '' : ' ')
}

/** "2 d 3 h left", "overdue 1 d 2 h" — a countdown from seconds left. */
export function countdown(secondsLeft: number | null | undefined, lang: string): string {
  if (secondsLeft === null || secondsLeft === undefined) return '—'
  const zh = lang.startsWith('zh')
  const over = secondsLeft < 0
  const text = duration(secondsLeft, lang)
  return over ? (zh ? `已超期 ${text}` : `overdue ${text}`) : zh ? `剩余 ${text}` : `${text} left`
}

/** Urgency class of a countdown: overdue, within a day, later. */
export function urgency(secondsLeft: number | null | undefined, overdue = false): 'overdue' | 'soon' | 'later' {
  if (overdue || (secondsLeft ?? 1) < 0) return 'overdue'
  if (secondsLeft !== null && secondsLeft !== undefined && secondsLeft <= 86400) return 'soon'
  return 'later'
}

/** Money arrives as a decimal string; show it with thousands separators, never through a float. */
export function yuan(amount: string): string {
  const neg = amount.startsWith('-')
  const [int, frac = ''] = (neg ? amount.slice(1) : amount).split('.')
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}¥${grouped}.${(frac + '00').slice(0, 2)}`
}

/** RFC 3339 in Beijing time → "2026-11-29 18:00". */
export function beijing(rfc3339: string | null | undefined): string {
  if (!rfc3339) return '—'
  return rfc3339.slice(0, 16).replace('T', ' ')
}
