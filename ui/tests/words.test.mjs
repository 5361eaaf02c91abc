// Every screen's words, as a seller reads them, in zh-CN and en-US (and the order drawer and a supervision action's
// dialog): no raw JSON, no message key, no
// `undefined`/`null`/`NaN`/`[object Object]`, no kebab-case code where the console has a label, and in zh-CN no
// English word outside proper names, protocol names and the data itself (order IDs, product names).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { browserAndCoreOnce } from './harness.mjs'
import { SCREENS, openConsole, visit } from './screens.mjs'

const env = browserAndCoreOnce()

const KEY = /\b(app|nav|overview|inbox|orders|supervision|refunds|invoices|settlement|settlementImports|interface|health|import|track|paste|lookup|codes|timeline|onboarding|license|listing|caseForm|common|errors|time|filePick|screen|settings)\.[a-z][A-Za-z]+/
const BROKEN = /undefined|\bnull\b|\bNaN\b|\[object Object\]|\{"/
// A code as the core sends it (confirm-requirements, in-progress, fully-digital): the console names each.
const CODE = /(?<![\w./:-])[a-z]+(?:-[a-z]+)+(?![\w./-])/g
// Latin words a Chinese screen may show: proper names, protocol and file names, units.
const LATIN_OK = new Set(`KooDesk KooGallery Huawei Cloud SaaS API AK SK APIG License JSON CSV XLSX PDF URL HTTPS HTTP TLS ID OS UTC
  Excel ECharts V2.0 testFlag activity instanceId orderId Body-Sign newInstance queryInstance refreshInstance updateInstanceStatus
  releaseInstance upgradeInstance changeInstanceCheck orderNotify AI PASS FAIL Gateway Sandbox koodesk LIC Tab Esc Enter Ctrl Shift
  nonce OAuth RENEWAL FREEZE Language English ms kB MB GB pdf xlsx csv json https http localhost
  UNFREEZE resultCode frontEndUrl appInfo userName password businessId orderLineId encryptType info Content-Type timestamp`.split(/\s+/))

/** The visible text of the screen's main region, and of every table cell and option the seller reads. */
function visibleText(page) {
  return page.evaluate(() => document.querySelector('main')?.innerText ?? '')
}

for (const lang of ['zh-CN', 'en-US']) {
  test(`every screen's words in ${lang}: no raw JSON, key, code or broken value${lang === 'zh-CN' ? ', no English outside names' : ''}`, async () => {
    const { page, context, problems } = await openConsole(env.browser, env.core.url, lang, 'light')
    // The data's own words are the seller's (product and buyer names, IDs): read them from the core to set aside.
    const ids = new Set()
    for (const r of (await env.core.api('orders', { limit: 500 })).rows) for (const v of [r.order_id, r.product_id, r.product_name, r.buyer_id, r.buyer_name]) ids.add(v)
    // The keyring account is the seller's own name for it.
    ids.add((await env.core.api('settings')).settings.account)
    // Saved debug suites are named by the seller (the demo's are named after what they test).
    for (const suite of (await env.core.api('interface_overview')).suites) ids.add(suite.name)
    const found = []
    const scan = (where, raw) => {
      let text = raw
      // Longest first: a URL goes whole before an ID inside it splits it.
      for (const v of [...ids].sort((a, b) => b.length - a.length)) if (v && v.length > 2) text = text.split(v).join(' ')
      // URLs, host names, API paths (order/query) and upper-case IDs are names, not words.
      text = text
        .replace(/https?:\/\/\S+/g, ' ')
        .replace(/\b[\w-]+(\.[\w-]+)+\b/g, ' ')
        .replace(/\b[a-z]+\/[a-z]+\b/g, ' ')
        .replace(/\b[A-Z0-9][A-Z0-9_-]{3,}\b/g, ' ')
        .replace(/\be-mail\b/g, ' ')
      for (const line of text.split('\n')) {
        if (KEY.test(line)) found.push(`${where}: message key: ${line}`)
        if (BROKEN.test(line)) found.push(`${where}: broken value: ${line}`)
        for (const m of line.match(CODE) ?? []) found.push(`${where}: raw code ${m}: ${line}`)
        if (lang === 'zh-CN') {
          for (const m of line.match(/[A-Za-z][A-Za-z.-]{2,}/g) ?? []) {
            const w = m.replace(/[-.]+$/, '')
            if (!LATIN_OK.has(w)) found.push(`${where}: English "${w}": ${line}`)
          }
        }
      }
    }
    for (const hash of Object.keys(SCREENS)) {
      await visit(page, hash)
      scan(hash, await visibleText(page))
    }
    // The order drawer of an order under supervision, with its timeline.
    const flows = (await env.core.api('flows', {})).flows
    const supervised = flows[0].order_id
    await visit(page, '/orders')
    await page.evaluate((o) => (location.hash = `/orders?q=${o}`), supervised)
    await page.click(`[data-test="order-row"]:has-text("${supervised}")`)
    await page.waitForSelector('[data-test="order-detail"] [data-test="timeline"]')
    scan('order drawer', await page.innerText('[data-test="order-detail"]'))
    // A supervision action's dialog: the License 2.0 code.
    const waiting = flows.find((f) => f.product_type === 'license2' && f.step === 'activate-code' && !f.frozen_by && !f.pending_sync)
    assert.ok(waiting, 'the demo has a License 2.0 order waiting for its code')
    await page.evaluate((o) => (location.hash = `/supervision?order=${o}`), waiting.order_id)
    await page.waitForSelector(`[data-test="flow"][data-order="${waiting.order_id}"] [data-test="activate-license"]`)
    await page.click(`[data-test="flow"][data-order="${waiting.order_id}"] [data-test="activate-license"]`)
    await page.waitForSelector('[data-test="dialog"] [data-test="license-form"]')
    scan('license dialog', await page.innerText('[data-test="dialog"]'))
    await page.keyboard.press('Escape')
    // An interface check run against the demo's sample interface: each step, and what each check saw, by name.
    await visit(page, '/interface')
    await page.selectOption('[data-test="interface-suite"]', 'builtin:period')
    const ran = page.waitForResponse((r) => r.url().endsWith('/api/interface_run'), { timeout: 30000 })
    await page.click('[data-test="interface-run"]')
    const report = (await (await ran).json()).report
    await page.waitForSelector('[data-test="interface-verdict"]')
    // The run's own values (the instance and the URL the sample made, its Content-Type, the order IDs the checker
    // made up) are data.
    for (const step of report.steps) {
      for (const x of step.exchanges) {
        for (const m of x.request_body.matchAll(/"(?:orderId|orderLineId|instanceId|businessId)":"([^"]+)"/g)) ids.add(m[1])
        for (const m of (x.reply_body ?? '').matchAll(/"(?:instanceId|frontEndUrl)":"([^"]+)"/g)) ids.add(m[1])
        if (x.content_type) ids.add(x.content_type)
      }
    }
    scan('interface run', await page.innerText('[data-test="interface-result"] > table > tbody'))
    for (const step of report.steps) {
      await page.click(`[data-step="${step.index}"]`)
      await page.waitForSelector(`[data-test="step-detail"] [data-check]`)
      scan(`interface step ${step.index}`, await page.innerText('[data-test="step-detail"] td.detail > table'))
      await page.click(`[data-step="${step.index}"]`)
      await page.waitForSelector('[data-test="step-detail"]', { state: 'detached' })
    }
    assert.deepEqual([...new Set(found)], [])
    assert.deepEqual(problems, [])
    await context.close()
  })
}
