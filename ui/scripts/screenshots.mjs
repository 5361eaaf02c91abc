// Retakes the README's screenshots (docs/screenshots/<screen>.<lang>.png) from the real UI against the real core
// with its demo data: every screen in zh-CN and en-US, the interface check's case form, an invoice draft and the
// overview in the dark theme. Run after `npm run build` and a build of the CLI:
//   KOODESK_BIN=../target/debug/koodesk node scripts/screenshots.mjs
// A documentation tool, not a test: it waits for each screen's first reply and element, then for the charts'
// entry animation (ECharts draws on a canvas for about a second) before it takes the picture.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { setTimeout as settle } from 'node:timers/promises'
import { startBrowser, startCore } from '../tests/harness.mjs'
import { SCREENS, openConsole, visit } from '../tests/screens.mjs'

const OUT = resolve(import.meta.dirname, '../../docs/screenshots')
const NAMES = {
  '/': 'overview',
  '/orders': 'orders',
  '/supervision': 'supervision',
  '/refunds': 'refunds',
  '/invoices': 'invoices',
  '/settlement': 'settlement',
  '/import': 'import',
  '/interface': 'interface',
  '/interface-health': 'interface-health',
  '/onboarding': 'onboarding',
  '/settings': 'settings',
}
const CHART_ANIMATION_MS = 1200
/** What a screen's picture shows beyond its first load; true: the whole page, not only the window. */
const PREPARE = {
  // Interface health: each SaaS product against the delisting line.
  '/interface-health': async (page) => {
    await page.waitForSelector('[data-test="health-products"] tr[data-product]')
    return true
  },
  // The interface check after a run against the demo's sample interface, its first step opened.
  '/interface': async (page) => {
    await page.click('[data-test="interface-run"]')
    await page.waitForSelector('[data-test="interface-verdict"]', { timeout: 30_000 })
    await page.click('[data-step="1"]')
    return true
  },
}

mkdirSync(OUT, { recursive: true })
const core = await startCore()
const browser = await startBrowser()
const taken = []
// A request the rules let the seller draft (the demo has some a rule refuses: a red-letter pending, say).
let request = null
for (const r of (await core.api('invoice_requests', { status: 'requested' })).requests) {
  try {
    await core.api('invoice_draft', { request_id: r.id })
    request = r
    break
  } catch {
    /* refused by a rule: try the next */
  }
}
if (!request) throw new Error('the demo data has no invoice request to draft')
async function shoot(page, name, fullPage = false) {
  await settle(CHART_ANIMATION_MS)
  const file = join(OUT, `${name}.png`)
  await page.screenshot({ path: file, fullPage })
  taken.push(file)
}
try {
  for (const lang of ['zh-CN', 'en-US']) {
    const { page, context, problems } = await openConsole(browser, core.url, lang, 'light')
    for (const hash of Object.keys(SCREENS)) {
      await visit(page, hash)
      const fullPage = await (PREPARE[hash] ?? (() => false))(page)
      await shoot(page, `${NAMES[hash]}.${lang}`, fullPage)
    }
    // An invoice drafted from a request, as the seller checks it before issuing.
    await visit(page, '/invoices')
    await page.click(`[data-draft="${request.id}"]`)
    await page.waitForSelector('[data-test="invoice-drafts"] [data-state="draft"]')
    await page.locator('[data-test="invoice-drafts"]').scrollIntoViewIfNeeded()
    await shoot(page, `invoice-draft.${lang}`)
    // The interface check's case form: a new case for an activity, one field over its documented limit.
    await visit(page, '/interface')
    await page.click('[data-test="case-add"]')
    await page.selectOption('[data-test="case-activity"]', 'changeInstanceCheck')
    await page.fill('input[data-test="case-field-instanceId"]', 'x'.repeat(65))
    await page.click('[data-test="case-apply"]')
    await page.waitForSelector('[data-test="case-problem"][data-field="instanceId"]')
    await page.locator('[data-test="case-editor"]').scrollIntoViewIfNeeded()
    await shoot(page, `interface-case.${lang}`)
    if (problems.length) throw new Error(`${lang}: ${problems.join('\n')}`)
    await context.close()
  }
  const { page, context } = await openConsole(browser, core.url, 'zh-CN', 'dark')
  await visit(page, '/')
  await shoot(page, 'overview-dark.zh-CN')
  await context.close()
} finally {
  await browser.close()
  await core.stop()
}
console.log(taken.map((f) => f.slice(OUT.length + 1)).join('\n'))
