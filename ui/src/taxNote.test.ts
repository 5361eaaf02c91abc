import { describe, expect, it } from 'vitest'
import type { TaxNote } from './api/bindings'
import { taxNoteText } from './taxNote'
import { words } from './testWords'

const t = (locale: 'zh-CN' | 'en-US') => words(locale).t

describe('an order without a tax split', () => {
  const noMapping: TaxNote = { code: 'no-mapping', access_type: 'hardware', billing_mode: 'period', allowed: ['one-time', 'per-quantity'] }
  it('says in the seller’s language that KooGallery does not bill the access type in that mode, and how it does [KG §1]', () => {
    expect(taxNoteText(noMapping, t('zh-CN'), 'zh-CN')).toBe('云商店的硬件商品不按“包周期”计费（可用：一次性或按数），没有对应的税务产品')
    expect(taxNoteText(noMapping, t('en-US'), 'en-US')).toBe('KooGallery does not bill Hardware products “Yearly/monthly” (they are billed One-time or Per quantity): no tax product applies')
  })
  it('names the taxpayer, the product and the date when the rate table starts later', () => {
    const note: TaxNote = { code: 'no-rate', taxpayer: 'small-scale', product: 'software', date: '2018-01-01' }
    expect(taxNoteText(note, t('zh-CN'), 'zh-CN')).toBe('2018-01-01 没有小规模纳税人的软件税率：税率表从更晚的日期开始')
    expect(taxNoteText(note, t('en-US'), 'en-US')).toBe('No small-scale taxpayer rate for Software on 2018-01-01: the rate table starts later')
  })
})
