import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import enUS from './locales/en-US'
import type { CaseField, CaseForm, SavedCase } from './api/bindings'
import { blankDraft, caseOf, draftOf, draftProblems, fieldProblem, problemText, validTime } from './caseForm'

const id = (name: string, mandatory: boolean, placeholder: string | null = null): CaseField => ({
  name, max_chars: 64, mandatory, kind: 'text', choices: [], placeholder,
})
const flag: CaseField = { name: 'testFlag', max_chars: 2, mandatory: false, kind: 'flag', choices: [], placeholder: null }
// The shape `interface_case_form` answers (crates/checker/src/case_form.rs), for four of the eight activities.
const FORM: CaseForm = {
  activities: [
    { activity: 'newInstance', fields: [id('orderId', true, 'orderId'), id('orderLineId', true, 'orderLineId'), id('businessId', true, 'businessId'), flag] },
    { activity: 'queryInstance', fields: [{ ...id('instanceId', true, 'instanceId'), kind: 'ids' }, flag] },
    {
      activity: 'refreshInstance',
      fields: [
        { name: 'scene', max_chars: 32, mandatory: true, kind: 'choice', choices: ['TRIAL_TO_FORMAL', 'RENEWAL'], placeholder: null },
        id('instanceId', true, 'instanceId'),
        { name: 'expireTime', max_chars: 20, mandatory: true, kind: 'time', choices: [], placeholder: 'expireTime' },
        id('productId', false),
        flag,
      ],
    },
    {
      activity: 'changeInstanceCheck',
      fields: [
        id('instanceId', true, 'instanceId'),
        id('productInfo.productId', true),
        { name: 'productInfo.linearValue', max_chars: 18, mandatory: false, kind: 'integer', choices: [], placeholder: null },
        flag,
      ],
    },
  ],
  placeholders: ['orderId', 'orderLineId', 'businessId', 'instanceId', 'expireTime'],
  result_codes: ['000000', '000002', '000004'],
  max_ids: 100,
  name_max: 80,
}
const field = (activity: string, name: string) => FORM.activities.find((a) => a.activity === activity)!.fields.find((f) => f.name === name)!

function words(locale: 'zh-CN' | 'en-US') {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, 'en-US': enUS }, missingWarn: false, fallbackWarn: false })
  return (k: string, n?: Record<string, unknown>) => (n ? i18n.global.t(k, n) : i18n.global.t(k))
}

describe('debug-case form', () => {
  it('a new case starts from the placeholders the checker fills in, and is valid once named', () => {
    const d = blankDraft(FORM, 'newInstance')
    expect(d.values).toEqual({ orderId: '${orderId}', orderLineId: '${orderLineId}', businessId: '${businessId}', testFlag: '1' })
    expect(Object.keys(draftProblems(FORM, d, []))).toEqual(['name'])
    d.name = 'buy'
    expect(draftProblems(FORM, d, [])).toEqual({})
    expect(draftProblems(FORM, d, ['buy']).name.code).toBe('nameTaken')
  })

  it('a value longer than the documented maximum is refused, naming the field and the limit', () => {
    const f = field('newInstance', 'orderId')
    expect(fieldProblem(FORM, f, 'x'.repeat(64))).toBeNull()
    const p = fieldProblem(FORM, f, 'x'.repeat(65))
    expect(p).toEqual({ code: 'tooLong', field: 'orderId', max: 64 })
    expect(problemText(words('zh-CN'), p!)).toBe('orderId 最多 64 个字符')
    expect(problemText(words('en-US'), p!)).toBe('orderId: at most 64 characters')
    // Characters, not bytes; a known placeholder counts for nothing (its value is made per run).
    expect(fieldProblem(FORM, f, '订'.repeat(64))).toBeNull()
    expect(fieldProblem(FORM, f, `${'x'.repeat(60)}\${orderId}`)).toBeNull()
  })

  it('mandatory, placeholders, times, IDs, choices, numbers and control characters are checked', () => {
    expect(fieldProblem(FORM, field('newInstance', 'orderId'), '  ')?.code).toBe('required')
    expect(fieldProblem(FORM, field('refreshInstance', 'productId'), '')).toBeNull()
    expect(fieldProblem(FORM, field('newInstance', 'orderId'), '${oops}')).toEqual({ code: 'placeholder', field: 'orderId', value: '${oops}' })
    expect(fieldProblem(FORM, field('newInstance', 'orderId'), 'a\u0001b')?.code).toBe('control')
    const time = field('refreshInstance', 'expireTime')
    expect(fieldProblem(FORM, time, '${expireTime}')).toBeNull()
    expect(fieldProblem(FORM, time, '20271231160000')).toBeNull()
    expect(fieldProblem(FORM, time, '2027-12-31')?.code).toBe('time')
    expect(fieldProblem(FORM, time, '20270230120000')?.code).toBe('time')
    expect(fieldProblem(FORM, time, '2'.repeat(21))).toEqual({ code: 'tooLong', field: 'expireTime', max: 20 })
    const ids = field('queryInstance', 'instanceId')
    expect(fieldProblem(FORM, ids, 'a, b,c')).toBeNull()
    expect(fieldProblem(FORM, ids, 'a,,b')?.code).toBe('required')
    expect(fieldProblem(FORM, ids, Array(101).fill('i').join(','))).toEqual({ code: 'tooManyIds', field: 'instanceId', max: 100 })
    expect(fieldProblem(FORM, ids, `a,${'x'.repeat(65)}`)).toEqual({ code: 'tooLong', field: 'instanceId', max: 64 })
    expect(fieldProblem(FORM, field('refreshInstance', 'scene'), 'PAUSE')?.code).toBe('choice')
    expect(fieldProblem(FORM, field('changeInstanceCheck', 'productInfo.linearValue'), '5x')?.code).toBe('integer')
    expect(validTime('20240229000000')).toBe(true)
    expect(validTime('20230229000000')).toBe(false)
  })

  it('a draft becomes the saved case and a saved case reads back into the same draft', () => {
    const d = blankDraft(FORM, 'changeInstanceCheck')
    d.name = 'change'
    d.values['productInfo.productId'] = 'p-1'
    d.values['productInfo.linearValue'] = '5'
    d.resultCodes = ['000000', '000002']
    d.present = '/instanceId\n\n'
    const c = caseOf(FORM, d)
    expect(c).toEqual({
      name: 'change',
      request: { activity: 'changeInstanceCheck', instanceId: '${instanceId}', productInfo: { productId: 'p-1', linearValue: 5 }, testFlag: '1' },
      expect: { result_codes: ['000000', '000002'], present: ['/instanceId'], poll: false },
    })
    expect(draftOf(FORM, c)).toEqual({ ...d, present: '/instanceId' })
    // A bad pointer is named.
    expect(draftProblems(FORM, { ...d, present: 'instanceId' }, []).present).toEqual({ code: 'pointer', field: 'present', value: 'instanceId' })
  })

  it('a case the form cannot show whole is left to the JSON editor', () => {
    const base: SavedCase = { name: 'x', request: { activity: 'newInstance', orderId: 'o' }, expect: { result_codes: [], present: [], poll: false } }
    expect(draftOf(FORM, base)).not.toBeNull()
    expect(draftOf(FORM, { ...base, request: { activity: 'deleteEverything' } })).toBeNull()
    expect(draftOf(FORM, { ...base, request: { activity: 'newInstance', extra: 'x' } })).toBeNull()
    expect(draftOf(FORM, { ...base, request: { activity: 'newInstance', orderId: ['o'] } })).toBeNull()
    expect(draftOf(FORM, { ...base, request: { activity: 'newInstance', testFlag: '0' } })).toBeNull()
    expect(draftOf(FORM, { ...base, request: ['not', 'an', 'object'] })).toBeNull()
  })
})
