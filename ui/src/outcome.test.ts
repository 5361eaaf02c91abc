import { describe, expect, it } from 'vitest'
import type { Queued } from './api/bindings'
import { queuedText, syncFailureText } from './outcome'
import { words } from './testWords'

describe('a sync that did not finish', () => {
  it('is worded from its code, the core’s English kept only as the detail', () => {
    const zh = words('zh-CN')
    expect(syncFailureText({ code: 'offline' }, zh.t, zh.te)).toBe('无法连接云商店，正在离线工作')
    expect(syncFailureText({ code: 'incomplete', detail: 'orders: 503' }, zh.t, zh.te)).toBe('部分数据未同步（orders: 503）')
    const error = { code: 'unauthorized', message: 'the feed token was refused', params: {} } as const
    expect(syncFailureText({ code: 'failed', error }, zh.t, zh.te)).toBe('未登录此控制台（令牌缺失或错误）（the feed token was refused）')
    const en = words('en-US')
    expect(syncFailureText({ code: 'offline' }, en.t, en.te)).toBe('The marketplace cannot be reached: working offline')
  })
})

describe('an action the seller took', () => {
  const q = (over: Partial<Queued>): Queued => ({ action_id: 'A1', sent: true, pending_sync: null, refused: null, recorded: false, ...over })
  it('says where it stands in the seller’s language, quoting the marketplace’s reason for a refusal', () => {
    const { t } = words('zh-CN')
    expect(queuedText(q({}), t)).toBe('已发送至云商店')
    expect(queuedText(q({ pending_sync: 'awaiting-echo' }), t)).toBe('已发送，等待云商店确认')
    expect(queuedText(q({ sent: false, pending_sync: 'queued' }), t)).toBe('已加入发送队列，下次同步时发送')
    // Not sent and not in flight (the push found it still waiting): queued, never "sent".
    expect(queuedText(q({ sent: false }), t)).toBe('已加入发送队列，下次同步时发送')
    expect(queuedText(q({ refused: '环节已变化' }), t)).toBe('云商店拒绝了此操作：环节已变化')
    expect(queuedText(q({ action_id: '', recorded: true }), t)).toBe('已记为在卖家中心处理，无需发送')
    expect(queuedText(q({ pending_sync: 'awaiting-echo' }), words('en-US').t)).toBe('Sent; waiting for KooGallery to show it')
  })
})
