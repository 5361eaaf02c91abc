// Why an order has no tax split, in the seller's language: the core sends the code and the values (crates/store's
// `TaxNote`), the words are here [KG §1].
import type { TaxNote } from './api/bindings'
import { accessTypeLabel, billingModeLabel, taxpayerLabel, taxProductLabel } from './labels'

type Translate = (key: string, named?: Record<string, unknown>) => string

export function taxNoteText(note: TaxNote, t: Translate, lang: string): string {
  const list = (items: string[]) => new Intl.ListFormat(lang, { type: 'disjunction' }).format(items)
  switch (note.code) {
    case 'no-mapping':
      return t('orders.taxNote.no-mapping', {
        access: accessTypeLabel(note.access_type, lang),
        mode: billingModeLabel(note.billing_mode, lang),
        allowed: list(note.allowed.map((m) => billingModeLabel(m, lang))),
      })
    case 'no-rate':
      return t('orders.taxNote.no-rate', { taxpayer: taxpayerLabel(note.taxpayer, lang), product: taxProductLabel(note.product, lang), date: note.date })
  }
}
