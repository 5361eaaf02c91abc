// Accessibility: axe-core (the npm package's own source, injected into the page) on every screen of the real UI in
// Chromium against the real core, in zh-CN and en-US and in both themes, and on the order drawer; then the
// keyboard and live-region contracts axe cannot see: the status bar is a polite live region, the drawer keeps the
// focus inside, closes on Escape and gives the focus back to the row that opened it, and every chart has a text
// alternative. The test fails listing every violation of impact serious or critical (rule, target, help).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startBrowser, startCore } from './harness.mjs'
import { SCREENS, openConsole as openScreens, visit } from './screens.mjs'

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const LANGS = ['zh-CN', 'en-US']
const THEMES = ['light', 'dark']

let core
let browser

before(async () => {
  browser = await startBrowser()
  core = await startCore()
})
after(async () => {
  await core?.stop()
  await browser?.close()
})

/** A page in `lang` and `theme`, with the status bar loaded. */
function openConsole(lang, theme) {
  return openScreens(browser, core.url, lang, theme)
}

/** axe's serious and critical violations in the page (or under `include`), one line per element. */
async function axe(page, include) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE)
  const violations = await page.evaluate(async (inc) => {
    const r = await window.axe.run(inc ? { include: [inc] } : document, { resultTypes: ['violations'] })
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) =>
        v.nodes.map((n) => {
          // Contrast: the colours and the ratio, to see which style to fix.
          const c = v.id === 'color-contrast' ? n.any[0]?.data : null
          const detail = c ? ` (${c.fgColor} on ${c.bgColor}: ${c.contrastRatio}, needs ${c.expectedContrastRatio})` : ''
          return { id: v.id, impact: v.impact, target: n.target.join(' '), help: v.help + detail }
        }),
      )
  }, include ?? null)
  return violations
}

function lines(where, violations) {
  return violations.map((v) => `${where}: [${v.impact}] ${v.id} ${v.target} — ${v.help}`)
}

test('axe: no serious or critical violation on any screen, in both languages and both themes', async () => {
  const found = []
  for (const lang of LANGS) {
    for (const theme of THEMES) {
      const { page, context, problems } = await openConsole(lang, theme)
      for (const hash of Object.keys(SCREENS)) {
        await visit(page, hash)
        found.push(...lines(`${lang} ${theme} #${hash}`, await axe(page)))
      }
      assert.deepEqual(problems, [], `${lang} ${theme}`)
      await context.close()
    }
  }
  if (process.env.A11Y_COUNTS) {
    const counts = {}
    for (const l of found) {
      const id = l.match(/\] (\S+)/)[1]
      counts[id] = (counts[id] ?? 0) + 1
    }
    console.log(JSON.stringify(counts))
  }
  assert.deepEqual(found, [], `\n${found.join('\n')}`)
})

test('no href="#" link posing as a button; the order rows are buttons', async () => {
  for (const lang of LANGS) {
    const { page, context } = await openConsole(lang, 'light')
    for (const hash of Object.keys(SCREENS)) {
      await visit(page, hash)
      const bad = await page.$$eval('a[href="#"], a:not([href])', (as) => as.map((a) => a.outerHTML.slice(0, 120)))
      assert.deepEqual(bad, [], `${lang} #${hash}: links that act as buttons`)
    }
    // The order rows are buttons: reachable with Tab, opened with Enter.
    await visit(page, '/orders')
    const rows = await page.$$eval('[data-test="order-row"]', (rs) => rs.map((r) => r.tagName))
    assert.ok(rows.length > 0 && rows.every((tag) => tag === 'BUTTON'), rows.join(','))
    await context.close()
  }
})

test('the status bar is a polite live region', async () => {
  for (const lang of LANGS) {
    const { page, context } = await openConsole(lang, 'light')
    assert.equal(await page.getAttribute('[data-test="statusbar"]', 'aria-live'), 'polite')
    assert.equal(await page.getAttribute('[data-test="statusbar"]', 'role'), 'status')
    await context.close()
  }
})

test('every chart has a text alternative in the active language', async () => {
  for (const lang of LANGS) {
    const { page, context } = await openConsole(lang, 'light')
    for (const [hash, n] of [['/', 3], ['/refunds', 1]]) {
      await visit(page, hash)
      // Until ECharts has drawn a chart its container is labelled with the chart's title alone; wait for ECharts'
      // own description (which names the chart as one) on every chart, not merely for a label.
      await page.waitForFunction(
        ([k, word]) => [...document.querySelectorAll('.chart')].filter((c) => new RegExp(word, 'i').test(c.getAttribute('aria-label') ?? '')).length === k,
        [n, lang === 'zh-CN' ? '图表' : 'chart'],
      )
      const charts = await page.$$eval('.chart', (cs) => cs.map((c) => ({ role: c.getAttribute('role'), label: c.getAttribute('aria-label') ?? '' })))
      assert.equal(charts.length, n, hash)
      for (const c of charts) {
        assert.equal(c.role, 'img', `${lang} #${hash}`)
        // The title of the chart and its data, in the console's language.
        assert.ok(c.label.length > 20, `${lang} #${hash}: ${c.label}`)
        if (lang === 'zh-CN') assert.match(c.label, /图表/, c.label)
        else assert.match(c.label, /chart/i, c.label)
        assert.ok(!/undefined|null|NaN|\[object/.test(c.label), c.label)
      }
      if (hash === '/') {
        const title = lang === 'zh-CN' ? '月度收入' : 'Revenue by month'
        assert.ok(charts.some((c) => c.label.includes(title)), charts.map((c) => c.label).join('\n'))
      }
    }
    await context.close()
  }
})

test('the order drawer: axe-clean, focus trapped inside, Escape closes it and the focus returns to its row', async () => {
  for (const lang of LANGS) {
    for (const theme of THEMES) {
      const { page, context, problems } = await openConsole(lang, theme)
      await visit(page, '/orders')
      // Tab reaches the rows; the third row opens from the keyboard.
      const row = page.locator('[data-test="order-row"]').nth(2)
      const id = (await row.locator('span').first().textContent()).trim()
      await row.focus()
      await page.keyboard.press('Enter')
      const drawer = page.locator('[data-test="order-detail"]')
      await drawer.waitFor()
      await page.waitForSelector('[data-test="order-detail"] [data-test="timeline"] li')
      assert.equal(await drawer.getAttribute('role'), 'dialog')
      assert.ok(await drawer.getAttribute('aria-labelledby'), 'the drawer is named by its heading')
      assert.match(await page.textContent('[data-test="order-detail"] h2'), new RegExp(id))
      assert.ok(await page.evaluate(() => document.querySelector('[data-test="order-detail"]').contains(document.activeElement)), 'the focus moves into the drawer')
      const violations = await axe(page, '[data-test="order-detail"]')
      assert.deepEqual(violations, [], `\n${lines(`${lang} ${theme} drawer`, violations).join('\n')}`)
      // Tab and Shift+Tab, more times than the drawer has stops (a date field has a stop per part), never leave it.
      const stops = await page.$$eval('[data-test="order-detail"] :is(button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"]))', (els) => els.length)
      for (const key of ['Tab', 'Shift+Tab']) {
        for (let i = 0; i < stops * 6 + 3; i++) {
          await page.keyboard.press(key)
          // Past the page's last control the focus would leave the document (hasFocus false) or reach the page behind.
          const inside = await page.evaluate(() => document.hasFocus() && document.querySelector('[data-test="order-detail"]').contains(document.activeElement))
          assert.ok(inside, `${lang}: ${key} #${i + 1} left the drawer for ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`)
        }
      }
      await page.keyboard.press('Escape')
      await drawer.waitFor({ state: 'detached' })
      const focused = await page.evaluate(() => document.activeElement?.closest('[data-test="order-row"]')?.querySelector('span')?.textContent?.trim())
      assert.equal(focused, id, 'the focus is back on the row that opened the drawer')
      assert.deepEqual(problems, [])
      await context.close()
    }
  }
})

test('a dialog (License activation): axe-clean, focus inside and trapped, Escape gives the focus back to its button', async () => {
  const flows = await core.api('flows', { step: 'activate-code', side: 'merchant' })
  const waiting = flows.flows.find((f) => f.product_type === 'license2' && !f.frozen_by && !f.pending_sync)
  assert.ok(waiting, 'the demo has a License 2.0 order waiting for its code')
  for (const lang of LANGS) {
    const { page, context, problems } = await openConsole(lang, 'light')
    await visit(page, '/supervision')
    // The order at the top of the list (the route's focus), so no order arriving meanwhile pushes it off the page.
    await page.evaluate((o) => (location.hash = `/supervision?order=${o}`), waiting.order_id)
    const opener = `[data-test="flow"][data-order="${waiting.order_id}"] [data-test="activate-license"]`
    await page.waitForSelector(opener)
    await page.focus(opener)
    await page.keyboard.press('Enter')
    const dialog = '[data-test="dialog"]'
    await page.waitForSelector(`${dialog} [data-test="license-form"]`)
    const inside = () => page.evaluate((d) => document.hasFocus() && (document.querySelector(d)?.contains(document.activeElement) ?? false), dialog)
    assert.ok(await inside(), 'the focus is in the dialog')
    const violations = await axe(page, dialog)
    assert.deepEqual(violations, [], `\n${lines(`${lang} license dialog`, violations).join('\n')}`)
    const stops = await page.$$eval(`${dialog} :is(button, a[href], input, select, textarea)`, (els) => els.length)
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < stops * 6 + 2; i++) {
        await page.keyboard.press(key)
        assert.ok(await inside(), `${lang}: ${key} #${i + 1} left the dialog`)
      }
    }
    await page.keyboard.press('Escape')
    await page.waitForSelector(dialog, { state: 'detached' })
    await page.waitForFunction((o) => document.activeElement === document.querySelector(o), opener).catch(async (e) => {
      // Say where the focus went instead, and whether the opener is still there.
      const where = await page.evaluate((o) => ({ active: document.activeElement?.outerHTML.slice(0, 160), opener: document.querySelector(o)?.outerHTML.slice(0, 160) ?? null }), opener)
      throw new Error(`${lang}: the focus did not go back to the dialog's button: ${JSON.stringify(where)}\n${e.message}`)
    })
    assert.deepEqual(problems, [])
    await context.close()
  }
})

test('axe: an invoice draft and the drafting form', async () => {
  const requests = (await core.api('invoice_requests', { status: 'requested' })).requests
  let request = null
  for (const r of requests) {
    try {
      await core.api('invoice_draft', { request_id: r.id })
      request = r
      break
    } catch {
      /* refused by a rule: try the next */
    }
  }
  assert.ok(request, 'a request to draft')
  const buyer = (await core.api('invoice_buyers', { query: '' })).buyers.find((b) => b.orders > 0)
  assert.ok(buyer, 'a buyer with orders')
  for (const lang of LANGS) {
    for (const theme of THEMES) {
      const { page, context, problems } = await openConsole(lang, theme)
      await visit(page, '/invoices')
      await page.click(`[data-draft="${request.id}"]`)
      await page.waitForSelector('[data-test="invoice-drafts"] [data-state="draft"]')
      await page.click('[data-test="open-form"]')
      await page.fill('[data-test="buyer-search"]', buyer.buyer_id)
      await page.click(`[data-buyer="${buyer.buyer_id}"]`)
      await page.waitForSelector('[data-test="buyer-orders"] input[type="checkbox"]')
      const found = [
        ...lines(`${lang} ${theme} draft`, await axe(page, '[data-test="invoice-drafts"]')),
        ...lines(`${lang} ${theme} form`, await axe(page, '[data-test="invoice-form"]')),
      ]
      assert.deepEqual(found, [], `\n${found.join('\n')}`)
      assert.deepEqual(problems, [])
      await context.close()
    }
  }
})

test('axe: the debug-case form, open on a case, with a refused field and the JSON editor', async () => {
  for (const lang of LANGS) {
    for (const theme of THEMES) {
      const { page, context, problems } = await openConsole(lang, theme)
      await visit(page, '/interface')
      await page.click('[data-test="case-add"]')
      await page.selectOption('[data-test="case-activity"]', 'changeInstanceCheck')
      await page.fill('input[data-test="case-field-instanceId"]', 'x'.repeat(65))
      await page.click('[data-test="case-apply"]')
      await page.waitForSelector('[data-test="case-problem"][data-field="instanceId"]')
      const found = lines(`${lang} ${theme} case form`, await axe(page, '[data-test="case-editor"]'))
      await page.click('[data-test="cases-advanced"]')
      await page.waitForSelector('[data-test="cases-json"]')
      found.push(...lines(`${lang} ${theme} cases as JSON`, await axe(page, '[data-test="cases-advanced-panel"]')))
      assert.deepEqual(found, [], `\n${found.join('\n')}`)
      assert.deepEqual(problems, [])
      await context.close()
    }
  }
})
