// The debug-case form's logic: a saved case read into form values and back, and each value checked against the
// activity's documented field (length, mandatory, kind) as `interface_case_form` describes it — the table the
// checker's own validation reads [KG §7]. No words here: a problem is a code with its field and limit; `problemText`
// words it in the UI's language.
import type { CaseActivity, CaseField, CaseForm, Expectation, SavedCase } from './api/bindings'

/** A case as the form edits it: one string per documented field, the expectation as its parts. */
export type CaseDraft = {
  name: string
  activity: string
  /** By field name (dotted for nested: `productInfo.skuCode`); '' is "not sent". */
  values: Record<string, string>
  resultCodes: string[]
  /** JSON pointers, one per line. */
  present: string
  poll: boolean
}

export type ProblemCode =
  | 'required'
  | 'tooLong'
  | 'placeholder'
  | 'control'
  | 'time'
  | 'integer'
  | 'choice'
  | 'flag'
  | 'tooManyIds'
  | 'nameRequired'
  | 'nameTooLong'
  | 'nameTaken'
  | 'pointer'

/** What is wrong with one input: `field` is the documented field name (or `name`, `present`). */
export type Problem = { code: ProblemCode; field: string; max?: number; value?: string }

const PLACEHOLDER = /\$\{([^}]*)\}/g

export function activityOf(form: CaseForm, activity: string): CaseActivity | undefined {
  return form.activities.find((a) => a.activity === activity)
}

/** A new case of an activity: placeholders where the checker fills one in, the first documented choice, a debug call. */
export function blankDraft(form: CaseForm, activity: string): CaseDraft {
  const values: Record<string, string> = {}
  for (const f of activityOf(form, activity)?.fields ?? []) {
    if (f.placeholder) values[f.name] = `\${${f.placeholder}}`
    else if (f.kind === 'choice' && f.mandatory) values[f.name] = f.choices[0] ?? ''
    else if (f.kind === 'flag') values[f.name] = '1'
    else values[f.name] = ''
  }
  return { name: '', activity, values, resultCodes: [], present: '', poll: false }
}

function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), obj)
}

function leafPaths(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? leafPaths(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

/**
 * A saved case read into the form, or null when the form cannot show all of it (an unknown activity, a field the
 * activity does not document, a value that is not text or a number): such a case is edited as JSON.
 */
export function draftOf(form: CaseForm, c: SavedCase): CaseDraft | null {
  const req = c.request
  if (!req || typeof req !== 'object' || Array.isArray(req)) return null
  const activity = (req as Record<string, unknown>).activity
  if (typeof activity !== 'string') return null
  const spec = activityOf(form, activity)
  if (!spec) return null
  const known = new Set(['activity', ...spec.fields.map((f) => f.name)])
  if (leafPaths(req as Record<string, unknown>).some((p) => !known.has(p))) return null
  const values: Record<string, string> = {}
  for (const f of spec.fields) {
    const v = at(req, f.name)
    if (v === undefined || v === null) values[f.name] = ''
    else if (f.kind === 'flag' && v !== '1') return null // shown as a tick box: only "1" (a debug call) or absent
    else if (typeof v === 'string' || typeof v === 'number') values[f.name] = String(v)
    else return null
  }
  return {
    name: c.name,
    activity,
    values,
    resultCodes: [...c.expect.result_codes],
    present: c.expect.present.join('\n'),
    poll: c.expect.poll,
  }
}

/** The saved case a draft stands for: empty optional fields are not sent; dotted fields become nested objects. */
export function caseOf(form: CaseForm, d: CaseDraft): SavedCase {
  const request: Record<string, unknown> = { activity: d.activity }
  for (const f of activityOf(form, d.activity)?.fields ?? []) {
    const raw = (d.values[f.name] ?? '').trim()
    if (raw === '') continue
    const parts = f.name.split('.')
    let obj = request
    for (const p of parts.slice(0, -1)) obj = (obj[p] ??= {}) as Record<string, unknown>
    obj[parts[parts.length - 1]] = f.kind === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw
  }
  const expect: Expectation = {
    result_codes: [...d.resultCodes],
    present: d.present.split('\n').map((p) => p.trim()).filter((p) => p !== ''),
    poll: d.poll,
  }
  return { name: d.name.trim(), request: request as SavedCase['request'], expect }
}

/** Characters of a value as the limit counts them: a known placeholder counts for nothing (its value is made per run). */
function counted(form: CaseForm, value: string): number {
  return [...value.replace(PLACEHOLDER, (m, name: string) => (form.placeholders.includes(name) ? '' : m))].length
}

/** The first problem of one field's value, or null. */
export function fieldProblem(form: CaseForm, f: CaseField, value: string): Problem | null {
  const v = value.trim()
  if (v === '') return f.mandatory ? { code: 'required', field: f.name } : null
  for (const m of v.matchAll(PLACEHOLDER)) {
    if (!form.placeholders.includes(m[1])) return { code: 'placeholder', field: f.name, value: m[0] }
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(v)) return { code: 'control', field: f.name }
  switch (f.kind) {
    case 'choice':
      return f.choices.includes(v) ? null : { code: 'choice', field: f.name, value: v }
    case 'integer':
      return /^-?\d+$/.test(v) ? null : { code: 'integer', field: f.name, value: v }
    case 'flag':
      return v === '1' || v === '0' ? null : { code: 'flag', field: f.name, value: v }
    case 'time':
      if (v === '${expireTime}') return null
      if (counted(form, v) > f.max_chars) return { code: 'tooLong', field: f.name, max: f.max_chars }
      return validTime(v) ? null : { code: 'time', field: f.name, value: v }
    case 'ids': {
      const ids = v.split(',').map((s) => s.trim())
      if (ids.some((id) => id === '')) return { code: 'required', field: f.name }
      if (ids.length > form.max_ids) return { code: 'tooManyIds', field: f.name, max: form.max_ids }
      return ids.some((id) => counted(form, id) > f.max_chars) ? { code: 'tooLong', field: f.name, max: f.max_chars } : null
    }
    default:
      return counted(form, v) > f.max_chars ? { code: 'tooLong', field: f.name, max: f.max_chars } : null
  }
}

/** UTC yyyyMMddHHmmss, a real date and time. */
export function validTime(v: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v)
  if (!m) return false
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number)
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && s < 60
}

/** Every problem of a draft, by input; `others` are the names of the suite's other cases. */
export function draftProblems(form: CaseForm, d: CaseDraft, others: string[]): Record<string, Problem> {
  const out: Record<string, Problem> = {}
  const name = d.name.trim()
  if (name === '') out.name = { code: 'nameRequired', field: 'name' }
  else if ([...name].length > form.name_max) out.name = { code: 'nameTooLong', field: 'name', max: form.name_max }
  else if (others.map((o) => o.trim()).includes(name)) out.name = { code: 'nameTaken', field: 'name', value: name }
  for (const f of activityOf(form, d.activity)?.fields ?? []) {
    const p = fieldProblem(form, f, d.values[f.name] ?? '')
    if (p) out[f.name] = p
  }
  const bad = d.present.split('\n').map((p) => p.trim()).find((p) => p !== '' && !p.startsWith('/'))
  if (bad !== undefined) out.present = { code: 'pointer', field: 'present', value: bad }
  return out
}

/** A problem in words: names the field and the limit. */
export function problemText(t: (key: string, named?: Record<string, unknown>) => string, p: Problem): string {
  return t(`caseForm.problems.${p.code}`, { field: p.field, max: p.max ?? '', value: p.value ?? '' })
}
