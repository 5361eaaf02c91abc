// The overview's inbox in the seller's language: the core sends each item as codes (`action`, `console_path`) and
// its facts (`facts`, by kind), and the words are made here from `inbox.*` in the locales (inbox.test.ts checks
// every code in both languages).
import type { ConsolePath, InboxAction, InboxItem } from './api/bindings'
import { date, money } from './format'
import type { Words } from './timeline'

/** Every action and console path the core sends: a `Record` over the union, so a code added in Rust (and so in
 * bindings.ts) fails the type check until it is listed here, and the test then asks both languages to name it. */
const ACTIONS: Record<InboxAction, true> = {
  'confirm-requirements': true, 'activate-code': true, 'upload-proof': true, deliver: true, appeal: true,
  'review-unsubscription': true, 'issue-invoice': true, 'await-review': true, 'auto-accept': true,
  'expect-payment': true, settlement: true,
}
const PATHS: Record<ConsolePath, true> = {
  supervision: true, 'supervision-detail': true, unsubscriptions: true, invoices: true, settlement: true, 'merchant-info': true,
}
export const INBOX_ACTIONS = Object.keys(ACTIONS) as InboxAction[]
export const CONSOLE_PATHS = Object.keys(PATHS) as ConsolePath[]

/** What to do, as a label. */
export function actionLabel(w: Words, a: InboxAction): string {
  return w.t(`inbox.actions.${a}`)
}

/** Where on the Seller Console; listing reviews have no page (the answer comes by e-mail and SMS). */
export function consolePathLabel(w: Words, p: ConsolePath | null): string {
  return p ? w.t(`inbox.paths.${p}`) : w.t('inbox.noPath')
}

/** What the item asks, in one line, from its facts. */
export function inboxSummary(w: Words, i: InboxItem): string {
  const f = i.facts
  switch (f.kind) {
    case 'step': {
      const what = i.action === 'deliver' && f.product_type === 'hardware' ? w.t('inbox.deliverHardware') : actionLabel(w, i.action)
      return i.overdue ? w.t('inbox.stepOpen', { what, n: f.rejections }) : w.t('inbox.step', { what })
    }
    case 'stalled':
      return w.t('inbox.stalled')
    case 'auto-accept':
      return w.t('inbox.autoAccept')
    case 'unsubscription':
      return w.t('inbox.unsubscription', { refund: money(f.refund, w.locale), paid: money(f.paid, w.locale) })
    case 'invoice':
      if (f.blocked) return w.t('inbox.invoiceBlocked', { amount: money(f.amount, w.locale), why: w.t(`inbox.blocks.${f.blocked}`) })
      return w.t('inbox.invoice', {
        amount: money(f.amount, w.locale),
        when: f.courier_payer === 'customer' ? w.t('inbox.courierPaid') : w.t('inbox.within7Days'),
      })
    case 'review': {
      const s = w.t(`onboarding.inbox.${f.subject}`, { date: date(f.review_due, w.locale) })
      return f.calendar === 'weekdays-only' ? `${s} · ${w.t('onboarding.weekdaysOnly')}` : s
    }
    case 'bill':
      return w.t('inbox.bill', { period: f.period, date: date(f.payment_by, w.locale), amount: money(f.merchant_share, w.locale) })
    case 'month':
      return w.t('inbox.month', { orders: f.orders, amount: money(f.amount, w.locale), date: date(f.bill_date, w.locale) })
  }
}
