// Screenshots of the main screens for the README, in zh-CN and en-US, from the real core with demo data.
//   node scripts/screenshots.mjs   (KOODESK_BIN defaults to target/release/koodesk; writes docs/screenshots/)
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openPage, startBrowser, startCore } from '../tests/harness.mjs'

const out = resolve(import.meta.dirname, '../../docs/screenshots')
mkdirSync(out, { recursive: true })
const core = await startCore()
const browser = await startBrowser()
try {
  for (const lang of ['zh-CN', 'en-US']) {
    const { page, context } = await openPage(browser, core.url)
    await page.waitForSelector('[data-test="inbox-item"]')
    await page.selectOption('[data-test="lang"]', lang)
    for (const [name, hash] of [['overview', '/'], ['orders', '/orders'], ['supervision', '/supervision'], ['refunds', '/refunds'], ['settlement', '/settlement']]) {
      await page.evaluate((h) => (location.hash = h), hash)
      await page.waitForTimeout(900)
      await page.screenshot({ path: join(out, `${name}.${lang}.png`) })
    }
    // Interface health: the sandbox's view of its calls this month, each SaaS product against the delisting line.
    await page.evaluate(() => (location.hash = '/interface-health'))
    await page.waitForSelector('[data-test="health-products"] tr[data-product]')
    await page.screenshot({ path: join(out, `interface-health.${lang}.png`), fullPage: true })
    // The interface check after a run against the demo's sample interface, the first step opened.
    await page.evaluate(() => (location.hash = '/interface'))
    await page.click('[data-test="interface-run"]')
    await page.waitForSelector('[data-test="interface-verdict"]', { timeout: 15000 })
    await page.click('[data-step="1"]')
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(out, `interface.${lang}.png`), fullPage: true })
    if (lang === 'zh-CN') {
      await page.click('[data-test="theme"]')
      await page.evaluate(() => (location.hash = '/'))
      await page.waitForTimeout(900)
      await page.screenshot({ path: join(out, `overview-dark.${lang}.png`) })
      await page.click('[data-test="theme"]')
    }
    await context.close()
  }
} finally {
  await browser.close()
  await core.stop()
}
