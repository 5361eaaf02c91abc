import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import enUS from './locales/en-US'
import { BUILT_IN_SUITES, CALL_FAILURES, CHECK_WARNINGS, CHECKS, CREDENTIALS, STEP_KINDS, ERROR_CODES, INBOX_ACTIONS, MEDIA, PRODUCT_TYPES, RULES, type ApiError } from './api/bindings'
import { describeError } from './errors'

// The value lists come from Rust (crates/app/src/bindings.rs): a code added there fails here until both languages
// name it.
const LOCALES = { 'zh-CN': zhCN, 'en-US': enUS } as const

function at(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o)
}

describe('every code from the core has its words in both languages', () => {
  const tables: [string, readonly string[]][] = [
    ['errors.code', ERROR_CODES],
    ['errors.rule', RULES],
    ['codes.productTypes', PRODUCT_TYPES],
    ['codes.media', MEDIA],
    ['inbox.actions', INBOX_ACTIONS],
    ['settings.credentialNames', CREDENTIALS],
    ['interface.suites', BUILT_IN_SUITES],
    ['timeline.callFailures', CALL_FAILURES],
    ['interface.checkNames', CHECKS],
    ['interface.checkRules', CHECKS],
    ['interface.stepNames', STEP_KINDS],
    ['interface.warnings', CHECK_WARNINGS],
  ]
  for (const [lang, messages] of Object.entries(LOCALES)) {
    for (const [table, values] of tables) {
      it(`${lang}: ${table}`, () => {
        expect(values.length).toBeGreaterThan(0)
        const missing = values.filter((v) => typeof at(messages, `${table}.${v}`) !== 'string' || !(at(messages, `${table}.${v}`) as string).trim())
        expect(missing).toEqual([])
      })
    }
  }
  it('every rule names its field in both languages', () => {
    for (const messages of Object.values(LOCALES)) for (const r of RULES) expect(at(messages, `errors.rule.${r}`)).toContain('{field}')
  })
})

function i18nIn(locale: 'zh-CN' | 'en-US') {
  const g = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, 'en-US': enUS } as never }).global as unknown as {
    t: (k: string, n: Record<string, unknown>) => string
    te: (k: string) => boolean
  }
  return (e: ApiError) => describeError(e, (k, n) => g.t(k, n ?? {}), (k) => g.te(k))
}

describe('describeError', () => {
  const required: ApiError = { code: 'invalid', message: 'reason: the value is empty', field: 'reason', rule: 'required', params: {} }
  const badFormat: ApiError = { code: 'invalid', message: 'content_base64: not base64', field: 'content_base64', rule: 'bad-format', params: {} }
  const sync: ApiError = { code: 'sync', message: 'connection refused (127.0.0.1:9)', params: {} }

  it('words a bad argument from its field and rule, with no English in zh-CN when the rule says it all', () => {
    expect(i18nIn('zh-CN')(required)).toBe('原因不能为空')
    expect(i18nIn('en-US')(required)).toBe('Reason is required')
  })
  it("keeps the core's sentence as a detail where it carries the value", () => {
    expect(i18nIn('zh-CN')(badFormat)).toBe('文件内容格式不正确（content_base64: not base64）')
    expect(i18nIn('en-US')(badFormat)).toBe('File content is not in the right format (content_base64: not base64)')
  })
  it('a field inside the arguments is named by its last part', () => {
    const bad: ApiError = { code: 'invalid', message: 'billing_mode `monthly`: unknown variant', field: 'filter.billing_mode', rule: 'one-of', params: {} }
    expect(i18nIn('zh-CN')(bad)).toBe('计费模式不是可选的值（billing_mode `monthly`: unknown variant）')
  })
  it('a field with no name of its own is shown as the core names it', () => {
    expect(i18nIn('en-US')({ ...required, field: 'agg_revenue_rate' })).toBe('agg_revenue_rate is required')
  })
  it('words every other code, the reason after it', () => {
    expect(i18nIn('zh-CN')(sync)).toBe('同步失败（connection refused (127.0.0.1:9)）')
    expect(i18nIn('en-US')({ code: 'not-found', message: '', params: {} })).toBe('Not found')
  })
})
