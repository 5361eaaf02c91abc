// An order's timeline in the seller's language: the core sends each entry as a code (`kind`) and its parameters,
// and these lines are worded here from `timeline.*` in the locales (unit-tested in timeline.test.ts).
import type { TimelineEntry } from './api/bindings'
import { dateTime, money } from './format'
import { label, orderStateLabel, orderTypeLabel } from './labels'

export type TimelineKind = TimelineEntry['kind']

/** What wording a line takes from vue-i18n (a composer's `t`, `te` and `locale`). */
export interface Words {
  t: (key: string, named?: Record<string, unknown>) => string
  te: (key: string) => boolean
  locale: string
}

/** A code in a `timeline.*` table, or the code itself where the table has no name for it. */
function named(w: Words, table: string, value: string): string {
  const key = `timeline.${table}.${value}`
  return w.te(key) ? w.t(key) : value
}

/** A code in a `codes.*` table (steps, invoice kinds, media), or the code itself. */
function code(w: Words, group: string, value: string, productType?: string | null): string {
  const by = `codes.stepsBy.${productType}.${value}`
  if (group === 'steps' && productType && w.te(by)) return w.t(by)
  const key = `codes.${group}.${value}`
  return w.te(key) ? w.t(key) : value
}

/** How a production-interface call ended [KG §7]: the documented result code with its meaning, an undocumented
 * code as such, or no proper reply. */
function outcome(w: Words, e: Extract<TimelineEntry, { kind: 'interface' }>): string {
  if (e.outcome === 'no-reply' || e.result_code === null) return w.t('timeline.noReply')
  if (e.outcome === 'undocumented') return w.t('timeline.undocumented', { code: e.result_code })
  return `${e.result_code} ${named(w, 'resultCodes', e.result_code)}`
}

/** The entry's kind as a label. */
export function timelineKind(w: Words, kind: TimelineKind): string {
  return w.t(`timeline.kinds.${kind}`)
}

/** One timeline entry as a title and a detail line. `productType` names the steps as the Seller Console does for
 * the order's product type. */
export function timelineLine(w: Words, e: TimelineEntry, productType?: string | null): { title: string; detail: string } {
  const { t } = w
  switch (e.kind) {
    case 'order':
      return {
        title: t('timeline.order', { type: orderTypeLabel(e.order_type, w.locale), status: orderStateLabel(e.status, w.locale) }),
        detail: t('timeline.orderDetail', { amount: money(e.amount, w.locale) }),
      }
    case 'supervision':
      return {
        title: t('timeline.supervision', { from: code(w, 'steps', e.from_step, productType), to: code(w, 'steps', e.to_step, productType) }),
        detail: [
          e.recorded_by
            ? t('timeline.recordedByWho', { by: e.recorded_by })
            : t('timeline.supervisionDetail', { action: named(w, 'actions', e.action), actor: named(w, 'actors', e.actor) }),
          e.note,
        ]
          .filter(Boolean)
          .join(' · '),
      }
    case 'unsubscription':
      return {
        title: t('timeline.unsubscription', { id: e.id, status: label(e.status, w.locale) }),
        detail: t('timeline.unsubscriptionDetail', { refund: money(e.refund, w.locale), paid: money(e.paid, w.locale), reason: e.reason }),
      }
    case 'invoice-request':
      return {
        title: t('timeline.invoiceRequest', { id: e.id, status: label(e.status, w.locale) }),
        detail: t('timeline.invoiceRequestDetail', {
          kind: code(w, 'invoiceKinds', e.invoice_kind),
          medium: code(w, 'media', e.medium),
          amount: money(e.amount, w.locale),
          due: dateTime(e.due_at, w.locale),
        }),
      }
    case 'outbox':
      return {
        title: t('timeline.outbox', { action: named(w, 'outboxActions', e.action), id: e.action_id, status: named(w, 'outboxStatuses', e.status) }),
        detail: e.error ?? '',
      }
    case 'interface': {
      const args = { activity: e.activity, attempt: e.attempt, outcome: outcome(w, e) }
      return {
        title: e.attempt > 1 ? t('timeline.interfaceAttempt', args) : t('timeline.interface', args),
        detail: [
          // An HTTP status names the failure more exactly than its code does.
          e.http_status !== null ? t('timeline.httpStatus', { status: e.http_status }) : '',
          e.failure && !(e.failure === 'http-status' && e.http_status !== null) ? named(w, 'callFailures', e.failure) : '',
          e.instance_id ? t('timeline.instance', { id: e.instance_id }) : '',
          e.result_msg ? t('timeline.resultMsg', { msg: e.result_msg }) : '',
          t('timeline.elapsed', { ms: e.elapsed_ms }),
        ].filter(Boolean).join(' · '),
      }
    }
  }
}
