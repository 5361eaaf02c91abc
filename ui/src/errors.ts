// The words for an error the core answers (crates/app/src/error.rs): the core sends a code and, for a bad
// argument, the field, the rule and the values the rule names; the console says it in the user's language. The
// core's English sentence stays a detail, shown after the words where it carries what they cannot (the value, the
// KooGallery rule, the reason a sync failed), and never alone.
import type { ApiError, Rule } from './api/bindings'

/** Rules whose words say all there is: the English sentence adds nothing a seller needs. */
const SELF_CONTAINED: ReadonlySet<Rule> = new Set(['required', 'reason-required', 'in-future', 'not-a-number'])

type Translate = (key: string, named?: Record<string, unknown>) => string
type Has = (key: string) => boolean

/** The error in the user's language: `t` and `te` are vue-i18n's translate and key-exists. */
export function describeError(e: ApiError, t: Translate, te: Has): string {
  const detail = e.message.trim()
  if (e.code === 'invalid' && e.rule) {
    const field = e.field ? fieldName(e.field, t, te) : t('errors.noField')
    const words = t(`errors.rule.${e.rule}`, { field, ...e.params })
    return SELF_CONTAINED.has(e.rule) || !detail ? words : t('errors.withDetail', { words, detail })
  }
  const words = te(`errors.code.${e.code}`) ? t(`errors.code.${e.code}`) : e.code
  return detail ? t('errors.withDetail', { words, detail }) : words
}

/** A field by its name in the language in use: the last part of a path (`filter.billing_mode`, `lines[2].amount`),
 * or the path as the core sent it when that part has no name. */
function fieldName(path: string, t: Translate, te: Has): string {
  const last = path.split('.').pop()?.replace(/\[\d+\]$/, '') ?? path
  return te(`errors.fields.${last}`) ? t(`errors.fields.${last}`) : path
}
