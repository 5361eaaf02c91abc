import { beforeAll, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import zhCN from '../locales/zh-CN'
import enUS from '../locales/en-US'
import { loadLang } from '../i18n'

const overview = {
  inbox: {
    now: '2026-11-29T10:00:00+08:00', actionable: 2, overdue: 1,
    items: [
      {
        group: 'invoices', action: 'issue-invoice', order_id: 'O1', ref_id: 'IR1', due_at: '2026-11-29T09:00:00+08:00', overdue: true,
        console_path: 'invoices', seconds_left: -3600, pending_sync: null,
        facts: { kind: 'invoice', invoice_kind: 'ordinary', medium: 'fully-digital', amount: '1000', courier_payer: 'none', issuer: 'merchant', blocked: null, requested_at: '2026-11-22T09:00:00+08:00' },
      },
      {
        group: 'supervision', action: 'appeal', order_id: 'O2', ref_id: 'O2', due_at: '2026-11-28T10:00:00+08:00', overdue: false,
        console_path: 'supervision-detail', seconds_left: -86400, pending_sync: 'queued',
        facts: { kind: 'stalled', step: 'accept', step_started_at: '2026-11-23T10:00:00+08:00' },
      },
      {
        group: 'reviews', action: 'await-review', order_id: null, ref_id: 'CR1', due_at: '2026-12-03T00:00:00+08:00', overdue: false,
        console_path: null, seconds_left: 86400, pending_sync: null,
        facts: { kind: 'review', subject: 'listing', field: null, product_id: 'P1', note: '', review_due: '2026-12-02', calendar: 'official', submitted_at: '2026-11-27T10:00:00+08:00' },
      },
    ],
  },
  dashboard: { now: '', orders: 42, revenue: '1234.50', by_month: [], by_access_type: [], by_billing_mode: [], supervision: [], unsubscriptions: [{ status: 'pending', count: 3, amount: '9.00' }], invoices: { requested: 1, issued: 0, overdue: 1 }, tax_by_rate: [] },
  status: { urgent: 1 },
}

vi.mock('../api/client', () => ({ call: vi.fn(async () => overview), reportRendered: vi.fn() }))
// TinyVue's full package is stubbed (its Node build is slow to import); the browser tests run the real one.
vi.mock('@opentiny/vue', () => ({ Tag: { template: '<span class="tiny-tag"><slot /></span>' } }))
vi.mock('../components/Chart.vue', () => ({ default: { template: '<div class="chart" />' } }))

// The countdowns' words come from the console's own i18n (format.ts), loaded as the app loads them.
beforeAll(async () => {
  await loadLang('zh-CN')
  await loadLang('en-US')
})

async function render(locale: string) {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, 'en-US': enUS } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  const { default: Overview } = await import('./Overview.vue')
  const w = mount(Overview, { global: { plugins: [i18n, router] } })
  await flushPromises()
  return w
}

describe('Overview', () => {
  it('groups the inbox and shows the KPIs', async () => {
    const w = await render('en-US')
    expect(w.get('[data-test="kpi-actionable"]').text()).toBe('2')
    expect(w.get('[data-test="kpi-orders"]').text()).toBe('42')
    expect(w.find('[data-group="invoices"] [data-ref="IR1"]').exists()).toBe(true)
    expect(w.find('[data-group="supervision"] [data-ref="O2"]').exists()).toBe(true)
    expect(w.get('[data-group="upcoming"]').text()).toContain('Nothing needs you now')
  })
  it('marks overdue work, open appeal windows and actions waiting to sync', async () => {
    const w = await render('zh-CN')
    expect(w.get('[data-ref="IR1"] td').classes()).toContain('overdue')
    expect(w.get('[data-ref="IR1"] td').text()).toBe('已超期 1小时0分钟')
    expect(w.get('[data-ref="O2"] td').text()).toContain('已可操作')
    expect(w.get('[data-ref="O2"]').text()).toContain('已离线处理，待同步')
    expect(w.get('[data-ref="IR1"]').text()).toContain('订单管理 > 发票管理')
  })
  it('words every item from its codes and facts in the active language', async () => {
    const zh = await render('zh-CN')
    expect(zh.get('[data-ref="IR1"]').text()).toContain('开具发票 ¥1,000.00（7 天内完成）')
    expect(zh.get('[data-ref="O2"]').text()).toContain('用户侧超过 5 天无进展：可发起申诉')
    expect(zh.get('[data-ref="O2"]').text()).toContain('交易管理 > 服务监管 > 查看详情')
    expect(zh.get('[data-ref="CR1"]').text()).toContain('商品上架审核中：2026/12/02 前答复')
    const en = await render('en-US')
    expect(en.get('[data-ref="IR1"]').text()).toContain('Issue the invoice, ¥1,000.00 (within 7 days)')
    expect(en.get('[data-ref="IR1"]').text()).toContain('Orders > Invoices')
    expect(en.get('[data-ref="O2"]').text()).toContain("No progress on the user's side for over 5 days")
    expect(en.get('[data-ref="CR1"]').text()).toContain('The answer comes by e-mail and SMS')
  })
})
