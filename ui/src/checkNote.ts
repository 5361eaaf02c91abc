// What a check of the interface check saw, in the seller's language: the core sends each outcome's note as a code
// and its values (crates/checker's `Note`), the words are `interface.notes.*`. The transport's and the parsers'
// own errors (`error`) are quoted as they are. A report saved before outcomes carried notes shows
// its English detail.
import type { Outcome } from './api/bindings'
import type { Words } from './timeline'

/** A result code with its documented meaning, or "no result code". */
function resultCode(w: Words, code: string | null): string {
  if (code === null) return w.t('interface.notes.noCode')
  const key = `timeline.resultCodes.${code}`
  return w.te(key) ? `${code} ${w.t(key)}` : code
}

function either(w: Words, items: string[]): string {
  return new Intl.ListFormat(w.locale, { type: 'disjunction' }).format(items)
}

export function noteText(w: Words, o: Pick<Outcome, 'note' | 'detail' | 'verdict'>): string {
  const n = o.note
  if (!n) return o.detail
  const t = (code: string, named?: Record<string, unknown>) => w.t(`interface.notes.${code}`, named ?? {})
  switch (n.code) {
    case 'not-a-url':
      return t(n.code, { url: n.url, error: n.error })
    case 'plain-http-remote':
      return t(n.code, { url: n.url })
    case 'wrong-scheme':
      return t(n.code, { url: n.url, scheme: n.scheme })
    case 'timed-out': {
      const ms = w.t('timeline.elapsed', { ms: n.ms })
      return n.partial ? t('timedOutPartial', { ms }) : t(n.code, { ms })
    }
    case 'answered-in':
      return t(n.code, { ms: w.t('timeline.elapsed', { ms: n.ms }) })
    case 'no-reply':
    case 'not-json':
    case 'over-limit':
    case 'wrong-types':
    case 'case-not-made':
      return t(n.code, { error: n.error })
    case 'status-line': {
      const line = `${n.version} ${n.status}`
      return o.verdict === 'failed' ? t('statusLineWrong', { line }) : t(n.code, { line })
    }
    case 'content-type':
      return o.verdict === 'failed' ? t('contentTypeWrong', { value: n.value }) : t(n.code, { value: n.value })
    case 'result-code':
      return t(n.code, { code: resultCode(w, n.result_code) })
    case 'undocumented-result-code':
      return t(n.code, { code: n.result_code })
    case 'body-sign-mismatch':
      return t(n.code, { header: n.header, error: n.error })
    case 'unexpected': {
      const words = t(n.code, { got: resultCode(w, n.got), expected: either(w, n.expected.map((c) => resultCode(w, c))) })
      return n.served ? words + t('servedSuffix') : words
    }
    case 'new-instance':
      return t(n.code, { got: resultCode(w, n.got), id: n.instance_id })
    case 'no-instance-id':
      return t(n.code, { got: resultCode(w, n.got) })
    case 'no-instance-expected':
      return t(n.code, { got: resultCode(w, n.got) })
    case 'same-instance':
      return t(n.code, { id: n.instance_id })
    case 'other-instance':
      return t(n.code, { got: resultCode(w, n.got), id: n.instance_id, first: n.first })
    case 'no-instance-again':
      return t(n.code, { got: resultCode(w, n.got), first: n.first })
    case 'front-end-url':
      return t(n.code, { url: n.url })
    case 'no-front-end-url':
      return t(n.code, { id: n.instance_id })
    case 'no-info':
      return t(n.code, { got: resultCode(w, n.got), id: n.instance_id })
    case 'not-decrypted':
      return t(n.code, { field: n.field, type: n.encrypt_type, error: n.error })
    case 'decrypted':
      return n.fields.length ? t(n.code, { fields: new Intl.ListFormat(w.locale).format(n.fields), type: n.encrypt_type }) : t('nothingToDecrypt')
    case 'missing-field':
      return t(n.code, { got: resultCode(w, n.got), pointer: n.pointer })
    default:
      // The codes with no values.
      return t(n.code)
  }
}
