import { describe, expect, it } from 'vitest'
import zhCN from './locales/zh-CN'
import enUS from './locales/en-US'

type Tree = { [k: string]: string | Tree }

function flat(o: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out.set(`${prefix}${k}`, v)
    else for (const [kk, vv] of flat(v, `${prefix}${k}.`)) out.set(kk, vv)
  }
  return out
}

const zh = flat(zhCN as unknown as Tree)
const en = flat(enUS as unknown as Tree)
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

// Words a Chinese message may hold in Latin letters: proper names and the codes KooGallery's own console shows.
// The production interface's own names (fields, headers, algorithms), quoted as the V2.0 guide spells them.
const PROTOCOL = /\b(POST|UNFREEZE|frontEndUrl|appInfo|resultCode|resultMsg|Content-Type|application\/json|UTF-8|orderLineId|businessId|adminUrl|userName|password|info|HMAC-SHA256|sign_type|signature|base64|encryptType|AES-256|AES-128|AES-CBC-PKCS5|IV|timestamp)\b/g
const PROPER = /\b(KooDesk|KooGallery|Huawei|SaaS|API|AK|SK|APIG|License|JSON|CSV|XLSX|PDF|URL|HTTPS?|TLS|ID|IDs|OS|UTC|Excel|ECharts|V2\.0|testFlag|activity|instanceId|orderId|Body-Sign|yyyyMMddHHmmss|order\/query|license\/activate|newInstance|queryInstance|refreshInstance|updateInstanceStatus|releaseInstance|upgradeInstance|changeInstanceCheck|orderNotify|AI|PASS|FAIL|Gateway|Sandbox|SQLite|PostgreSQL|koodesk-interface-cases\/1|koodesk|LIC|Tab|Esc|Enter|Ctrl|Shift|nonce|OAuth|RENEWAL|FREEZE|name|request|expect|koodesk-interface-cases\/1|xlsx|csv|g|o|r|s|u|i|b|c|m)\b/g

describe('locales', () => {
  it('zh-CN and en-US have the same keys', () => {
    expect([...en.keys()].sort()).toEqual([...zh.keys()].sort())
  })
  it('no message is empty in either language', () => {
    const empty = [...zh, ...en].filter(([, v]) => !v.trim()).map(([k]) => k)
    expect(empty).toEqual([])
  })
  it('each message takes the same parameters in both languages', () => {
    const differ = [...zh].filter(([k, v]) => en.has(k) && placeholders(v).join() !== placeholders(en.get(k) ?? '').join()).map(([k]) => k)
    expect(differ).toEqual([])
  })
  it('no English word in a Chinese message, outside proper names and codes', () => {
    const english = [...zh]
      .filter(([k]) => k !== 'app.language')
      .map(([k, v]) => [k, v.replace(/\{\w+\}/g, '').replace(PROTOCOL, '').replace(PROPER, '')] as const)
      .filter(([, v]) => /[A-Za-z]{3,}/.test(v))
      .map(([k, v]) => `${k}: ${v}`)
    expect(english).toEqual([])
  })
  it('no Chinese in an English message, outside the Seller Console paths it quotes', () => {
    // The language switch is labelled in the other language, for whoever cannot read the one on screen; a Seller
    // Console path is quoted as the console shows it (交付管理 > 服务监管), and the seller finds it there.
    const QUOTES = /^(app\.language|track\.paths\..*|onboarding\.merchantPath)$/
    const chinese = [...en]
      .filter(([k, v]) => !QUOTES.test(k) && /[\u4e00-\u9fff]/.test(v.replace(/[(（][^)）]*[\u4e00-\u9fff][^)）]*[)）]/g, '')))
      .map(([k, v]) => `${k}: ${v}`)
    expect(chinese).toEqual([])
  })
  it('the language switch is labelled in the other language', () => {
    expect([zh.get('app.language'), en.get('app.language')]).toEqual(['Language', '语言'])
  })
})
