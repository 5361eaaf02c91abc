import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import enUS from './locales/en-US'
import type { InboxAction, InboxFacts, InboxItem } from './api/bindings'
import { CONSOLE_PATHS, INBOX_ACTIONS, actionLabel, consolePathLabel, inboxSummary } from './inbox'
import type { Words } from './timeline'

const LANGS = ['zh-CN', 'en-US'] as const

function words(locale: (typeof LANGS)[number]): Words {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, 'en-US': enUS }, missingWarn: false, fallbackWarn: false })
  const g = i18n.global
  return { t: (k, n) => (n ? g.t(k, n) : g.t(k)), te: (k) => g.te(k), locale }
}

const at = '2026-11-29T10:00:00+08:00'
const step = (product_type: 'hardware' | 'manual-service' | 'license2'): InboxFacts => ({
  kind: 'step', step: 'implement', product_type, rejections: 3, step_started_at: at,
})
const invoice = (blocked: 'unsubscription-in-review' | 'issued-by-huawei' | null, courier_payer: 'customer' | 'none' = 'none'): InboxFacts => ({
  kind: 'invoice', invoice_kind: 'ordinary', medium: 'paper', amount: '86.5', courier_payer, issuer: 'merchant', blocked, requested_at: at,
})
const review = (subject: 'merchant-info' | 'listing' | 'listing-change', calendar: 'official' | 'weekdays-only' = 'official'): InboxFacts => ({
  kind: 'review', subject, field: null, product_id: null, note: '', review_due: '2026-12-02', calendar, submitted_at: at,
})

/** One item of every action, with every variant of its facts. */
const FACTS: Record<InboxAction, InboxFacts[]> = {
  'confirm-requirements': [step('manual-service')],
  'activate-code': [step('license2')],
  'upload-proof': [step('license2')],
  deliver: [step('hardware'), step('manual-service')],
  appeal: [{ kind: 'stalled', step: 'accept', step_started_at: at }],
  'review-unsubscription': [{ kind: 'unsubscription', refund: '50', paid: '100', reason: '不需要了', review_due: '2026-12-08', requested_at: at }],
  'issue-invoice': [invoice(null), invoice(null, 'customer'), invoice('unsubscription-in-review'), invoice('issued-by-huawei')],
  'await-review': [review('merchant-info'), review('listing'), review('listing-change', 'weekdays-only')],
  'auto-accept': [{ kind: 'auto-accept', parcel_signed_at: at }],
  'expect-payment': [{ kind: 'bill', period: '2026-10', payment_by: '2026-11-25', merchant_share: '12345.6', status: 'sent' }],
  settlement: [{ kind: 'month', month: '2026-11', orders: 3, amount: '300', bill_date: '2026-12-05', payment_by: '2026-12-25' }],
}

const item = (action: InboxAction, facts: InboxFacts, overdue = false): InboxItem => ({
  group: 'supervision', action, facts, order_id: null, ref_id: 'R1', due_at: at, overdue, console_path: null, seconds_left: 0, pending_sync: null,
})

const CHINESE = /[\u4e00-\u9fff]/

describe('the inbox words', () => {
  it('has a label for every action and every console path in both languages', () => {
    expect(INBOX_ACTIONS).toHaveLength(11)
    expect(CONSOLE_PATHS).toHaveLength(6)
    for (const lang of LANGS) {
      const w = words(lang)
      for (const a of INBOX_ACTIONS) expect(w.te(`inbox.actions.${a}`), `${lang} action ${a}`).toBe(true)
      for (const p of CONSOLE_PATHS) expect(w.te(`inbox.paths.${p}`), `${lang} path ${p}`).toBe(true)
      expect(consolePathLabel(w, null)).not.toBe('inbox.noPath')
    }
    expect(consolePathLabel(words('zh-CN'), 'invoices')).toBe('订单管理 > 发票管理')
    expect(actionLabel(words('en-US'), 'appeal')).toBe('Appeal')
  })

  it('words every action and its facts in both languages, with no key or raw code left', () => {
    for (const lang of LANGS) {
      const w = words(lang)
      for (const a of INBOX_ACTIONS) {
        for (const f of FACTS[a]) {
          for (const overdue of [false, true]) {
            const s = inboxSummary(w, item(a, f, overdue))
            expect(s, `${lang} ${a} ${f.kind}`).not.toMatch(/inbox\.|onboarding\.|undefined|null|NaN|\{/)
            if (lang === 'zh-CN') expect(s, `${a} ${f.kind}`).toMatch(CHINESE)
            else expect(s, `${a} ${f.kind}`).not.toMatch(CHINESE)
          }
        }
      }
    }
  })

  it('puts the facts in the words: money as yuan, dates, counts, the task by product type', () => {
    const zh = words('zh-CN')
    const en = words('en-US')
    expect(inboxSummary(zh, item('deliver', step('hardware')))).toBe('发货并填写物流：超过 5 天用户可申诉')
    expect(inboxSummary(zh, item('deliver', step('manual-service'), true))).toBe('实施服务并上传交付凭证：用户已可申诉（3 次驳回）')
    expect(inboxSummary(en, item('deliver', step('hardware'), true))).toBe('Ship and enter the logistics: the user may appeal now (3 rejections)')
    expect(inboxSummary(zh, item('review-unsubscription', FACTS['review-unsubscription'][0]))).toBe('审核退订申请：退款 ¥50.00（实付 ¥100.00）')
    expect(inboxSummary(zh, item('issue-invoice', invoice(null, 'customer')))).toBe('开具发票 ¥86.50（纸票快递到付）')
    expect(inboxSummary(en, item('issue-invoice', invoice('issued-by-huawei')))).toBe('Invoice request ¥86.50: Huawei Cloud invoices this order')
    expect(inboxSummary(zh, item('expect-payment', FACTS['expect-payment'][0]))).toBe('2026-10 账单：预计 2026/11/25 前到账 ¥12,345.60')
    expect(inboxSummary(en, item('settlement', FACTS.settlement[0]))).toBe('3 orders this month (¥300.00) go into the bill of 12/05/2026')
    expect(inboxSummary(zh, item('await-review', review('listing-change', 'weekdays-only')))).toContain('仅按周一至周五计算')
  })
})
