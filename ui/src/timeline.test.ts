import { describe, expect, it } from 'vitest'
import type { TimelineEntry } from './api/bindings'
import { timelineKind, timelineLine, type TimelineKind } from './timeline'
import { words } from './testWords'

const at = '2026-11-02T10:00:05+08:00'
type Call = Extract<TimelineEntry, { kind: 'interface' }>
const call = (attempt: number, result_code: string | null, outcome: Call['outcome']): Call => ({
  at, kind: 'interface', activity: 'newInstance', attempt, result_code, outcome, instance_id: null, result_msg: null, failure: null, http_status: null, elapsed_ms: 120,
})

describe('an order timeline', () => {
  it('words a production-interface call from its codes in both languages [KG §7]', () => {
    const zh = words('zh-CN')
    const en = words('en-US')
    expect(timelineLine(zh, call(1, '000005', 'documented'))).toEqual({ title: 'newInstance：000005 其它服务内部错误', detail: '120 毫秒' })
    // The seller's server's own words are quoted as they are; the instance ID is named.
    expect(timelineLine(zh, { ...call(1, '000005', 'documented'), result_msg: 'db down' }).detail).toBe('接口返回：“db down” · 120 毫秒')
    expect(timelineLine(en, { ...call(1, '000000', 'documented'), instance_id: 'ins-1' }).detail).toBe('instance ins-1 · 120 ms')
    // What went wrong crosses as a code and is worded here [KG §7].
    expect(timelineLine(zh, { ...call(2, null, 'no-reply'), failure: 'timeout' }).detail).toBe('5 秒内未响应 · 120 毫秒')
    expect(timelineLine(en, { ...call(2, null, 'no-reply'), failure: 'body-sign' }).detail).toBe('the reply\'s Body-Sign does not match its body · 120 ms')
    expect(timelineLine(zh, { ...call(2, null, 'no-reply'), failure: 'http-status', http_status: 502 }).detail).toBe('HTTP 状态码 502（应为 200） · 120 毫秒')
    expect(timelineLine(en, call(1, '000005', 'documented')).title).toBe('newInstance: 000005 internal error')
    expect(timelineLine(zh, call(2, null, 'no-reply')).title).toBe('newInstance，第 2 次：未收到有效响应')
    expect(timelineLine(en, call(2, null, 'no-reply')).title).toBe('newInstance, attempt 2: no proper reply')
    expect(timelineLine(en, call(3, '999999', 'undocumented')).title).toBe('newInstance, attempt 3: 999999 (not a documented result code)')
  })

  it('words supervision steps as the Seller Console names them for the product type, with who did what', () => {
    const e: TimelineEntry = { at, kind: 'supervision', from_step: 'confirm-requirements', to_step: 'implement', action: 'confirm', actor: 'merchant', recorded_by: null, note: null }
    expect(timelineLine(words('zh-CN'), e)).toEqual({ title: '商家确认需求 → 商家实施服务', detail: '商家确认' })
    expect(timelineLine(words('zh-CN'), e, 'hardware').title).toBe('商家确认需求 → 商家发货')
    const rejected: TimelineEntry = { ...e, action: 'reject', actor: 'user', note: '需求不清' }
    expect(timelineLine(words('en-US'), rejected).detail).toBe('Rejected by the user · 需求不清')
    const recorded: TimelineEntry = { ...e, action: 'recorded', recorded_by: '测试员', note: '需求已收到' }
    expect(timelineLine(words('zh-CN'), recorded).detail).toBe('测试员 按卖家中心手工记录 · 需求已收到')
    expect(timelineLine(words('en-US'), recorded).detail).toBe('Recorded by 测试员 from the Seller Console · 需求已收到')
  })

  it('words the order, its requests and queued actions with money as yuan', () => {
    const zh = words('zh-CN')
    const order: TimelineEntry = { at, kind: 'order', order_type: 'new', status: 'completed', amount: '19800.5' }
    expect(timelineLine(zh, order)).toEqual({ title: '新购订单（已完成）', detail: '金额 ¥19,800.50' })
    const outbox: TimelineEntry = { at, kind: 'outbox', action: 'supervision', action_id: 'a1', status: 'pending', error: null }
    expect(timelineLine(words('en-US'), outbox)).toEqual({ title: 'Supervision action a1 (pending)', detail: '' })
  })

  it('has a label for every kind in both languages', () => {
    const kinds: TimelineKind[] = ['order', 'supervision', 'unsubscription', 'invoice-request', 'outbox', 'interface']
    for (const lang of ['zh-CN', 'en-US'] as const) {
      const w = words(lang)
      for (const k of kinds) expect(w.te(`timeline.kinds.${k}`), `${lang} ${k}`).toBe(true)
    }
    expect(timelineKind(words('zh-CN'), 'interface')).toBe('生产接口调用')
  })
})
