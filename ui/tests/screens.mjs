// The console's screens as the Chromium tests and the screenshot script walk them: each screen's route, the
// command it loads first and the element it shows once loaded; and a page opened in a language and a theme.
import assert from 'node:assert/strict'

/** Each screen: the command it loads first (null: none) and the element it shows once loaded. */
export const SCREENS = {
  '/': ['overview', '[data-test="inbox-item"]'],
  '/orders': ['orders', '[data-test="order-row"] span'],
  '/supervision': ['flows', '[data-test="flow"]'],
  '/refunds': ['unsubscriptions', '[data-test="unsubscription"]'],
  '/invoices': ['invoice_requests', '[data-test="invoice-request"]'],
  '/settlement': ['settlement', '[data-test="schedule"]'],
  '/import': [null, '[data-test="import"]'],
  '/interface': ['interface_overview', '[data-test="interface-url"]'],
  '/interface-health': ['interface_health', '[data-test="health-line"]'],
  '/onboarding': ['console_reviews', '[data-test="reviews"], [data-test="reviews-none"]'],
  '/settings': ['settings', '[data-test="mode"]'],
}

/** A page of the console at `url` in `lang` and `theme` (as the console remembers them), with the status bar
 * loaded; `problems` collects console errors and uncaught exceptions. */
export async function openConsole(browser, url, lang, theme) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang })
  await context.addInitScript(
    ([l, th]) => {
      localStorage.setItem('koodesk-lang', l)
      localStorage.setItem('koodesk-theme', th)
    },
    [lang, theme],
  )
  const page = await context.newPage()
  const problems = []
  page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`))
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  await page.goto(url)
  await page.waitForSelector('[data-test="statusbar"] [data-test="mode-label"]')
  assert.equal(await page.getAttribute('html', 'lang'), lang)
  assert.equal(await page.getAttribute('html', 'data-theme'), theme)
  return { page, context, problems }
}

/** Opens the screen at `hash` and resolves once its first reply has come (200) and the screen shows it. */
export async function visit(page, hash) {
  const [command, shown] = SCREENS[hash]
  const here = await page.evaluate(() => location.hash.replace(/^#/, '') || '/')
  const loaded = command && here !== hash && page.waitForResponse((r) => r.url().endsWith(`/api/${command}`) && r.request().method() === 'POST')
  await page.evaluate((h) => (location.hash = h), hash)
  if (loaded) assert.equal((await loaded).status(), 200, `${hash}: ${command}`)
  await page.waitForSelector(shown)
}
