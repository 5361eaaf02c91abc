// End-to-end: money, dates and columns on the orders list as Chromium's Intl renders them, in both languages.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { browserAndCorePerTest, chooseLang, openPage } from './harness.mjs'

const env = browserAndCorePerTest()

for (const [locale, when] of [['zh-CN', /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/], ['en-US', /^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}$/]]) {
  test(`orders list (${locale}): amount and status are separate cells with space between, money and time in the locale`, async () => {
    const { page, problems } = await openPage(env.browser, env.core.url, locale)
    await page.waitForSelector('[data-test="lang"]')
    await chooseLang(page, locale)
    const listed = page.waitForResponse((r) => r.url().endsWith('/api/orders') && r.request().method() === 'POST')
    await page.evaluate(() => (location.hash = '/orders'))
    const rows = (await (await listed).json()).rows
    await page.waitForSelector('[data-test="order-row"] [data-test="order-amount"]')
    const row = page.locator('[data-test="order-row"]').first()
    const amount = row.locator('[data-test="order-amount"]')
    const status = row.locator('[data-test="order-status"]')
    const [value, digits] = [await amount.textContent(), rows[0].amount.split('.')]
    assert.match(value, /^-?¥\d{1,3}(,\d{3})*\.\d{2}$/)
    assert.equal(value.replace(/[¥,-]/g, ''), `${digits[0]}.${(digits[1] ?? '').padEnd(2, '0').slice(0, 2)}`)
    const [a, s] = [await amount.boundingBox(), await status.boundingBox()]
    assert.ok(s.x - (a.x + a.width) >= 8, `status ${s.x} starts ${s.x - (a.x + a.width)}px after the amount ends`)
    // The row's text keeps a space between the cells (what a screen reader and a copy read).
    assert.match(await row.textContent(), new RegExp(`${value.replace(/[.$]/g, '\\$&')} \\S`))
    assert.match((await row.locator('span').nth(1).textContent()).trim(), when)
    assert.deepEqual(problems, [])
    await page.close()
  })
}
