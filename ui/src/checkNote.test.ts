import { describe, expect, it } from 'vitest'
import { CHECK_NOTES, type Note } from './api/bindings'
import { noteText } from './checkNote'
import { words } from './testWords'

const passed = (note: Note) => ({ note, detail: 'English', verdict: 'passed' as const })
const failed = (note: Note) => ({ note, detail: 'English', verdict: 'failed' as const })

describe('what a check of the production interface saw [KG §7]', () => {
  it('every code the checker sends has its words in both languages', () => {
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const w = words(locale)
      const missing = CHECK_NOTES.filter((c) => !w.te(`interface.notes.${c}`))
      expect(missing, locale).toEqual([])
    }
  })
  it('words a note from its code and values, naming result codes by their meaning', () => {
    const zh = words('zh-CN')
    expect(noteText(zh, passed({ code: 'answered-in', ms: 120 }))).toBe('120 毫秒内响应')
    expect(noteText(zh, failed({ code: 'status-line', version: 'HTTP/1.0', status: 500 }))).toBe('状态行为 HTTP/1.0 500，应为 HTTP/1.1 200')
    expect(noteText(zh, passed({ code: 'status-line', version: 'HTTP/1.1', status: 200 }))).toBe('状态行 HTTP/1.1 200')
    expect(noteText(zh, failed({ code: 'unexpected', got: '000000', expected: ['000001'], served: true }))).toBe(
      '000000 成功，应为 000001 鉴权失败：请求被处理了，而不是被拒绝',
    )
    expect(noteText(zh, failed({ code: 'unexpected', got: null, expected: ['000000', '000004'], served: false }))).toBe('没有结果码，应为 000000 成功或000004 请求处理中')
    expect(noteText(zh, passed({ code: 'decrypted', fields: [], encrypt_type: '1' }))).toBe('没有返回 userName 或 password：无需解密')
    expect(noteText(zh, failed({ code: 'timed-out', ms: 5003, partial: false, error: 'no reply within 5003 ms' }))).toBe('5003 毫秒内没有响应')
    expect(noteText(zh, failed({ code: 'plain-http-remote', url: 'http://saas.example.com/p' }))).toBe('“http://saas.example.com/p”是发往其他机器的明文 HTTP；云商店只通过 HTTPS 调用生产接口')
    const en = words('en-US')
    expect(noteText(en, passed({ code: 'decrypted', fields: ['userName', 'password'], encrypt_type: '1' }))).toBe('userName and password decrypt with the interface key (encryptType 1)')
    // The server's own words are quoted as they are.
    expect(noteText(en, failed({ code: 'not-json', error: 'expected value at line 1' }))).toBe('the body is not JSON (expected value at line 1)')
  })
  it('a report saved before notes shows its English detail', () => {
    expect(noteText(words('zh-CN'), { note: null, detail: 'connected', verdict: 'passed' })).toBe('connected')
  })
})
