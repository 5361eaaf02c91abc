// The listing and onboarding checklist in Chromium (KG §7, §9), on the demo (the embedded sandbox serves the sample
// production interface): a SaaS period product put on the checklist with a saved suite warns of the lifecycle cases
// the suite lacks; once the suite holds KooGallery's period cases and a run of it passes on the interface check,
// step 3 is ticked; steps ticked by hand keep who ticked them; the listing recorded as submitted is in review.
//
// Tests wait on the replies and conditions they registered before acting, never on time.
import { after, afterEach, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { openPage, startBrowser, startCore } from './harness.mjs'

let core
let browser

before(async () => {
  browser = await startBrowser()
})
after(async () => {
  await browser?.close()
})
beforeEach(async () => {
  core = await startCore({}, { settings: { operator: '测试员' } })
})
afterEach(async () => {
  await core?.stop()
  core = null
})

const isCall = (name) => (r) => r.url().endsWith(`/api/${name}`) && r.request().method() === 'POST'
const step = (product, s) => `[data-test="checklist"][data-product="${product}"] [data-test="listing-step"][data-step="${s}"]`

test('the checklist of a SaaS product is ticked by a passing run of its saved cases', async () => {
  const { page, problems } = await openPage(browser, core.url)
  await page.waitForSelector('[data-nav="onboarding"]')
  await page.click('[data-nav="onboarding"]')
  await page.waitForSelector('[data-test="listing-form"]')

  // Put on the checklist with a suite that does not exist yet: every period case is missing.
  await page.fill('[data-test="listing-product"]', 'P-SAAS')
  await page.fill('[data-test="listing-name"]', '云客服')
  await page.selectOption('[data-test="listing-access"]', 'saas')
  await page.selectOption('[data-test="listing-billing"]', 'period')
  await page.fill('[data-test="listing-suite"]', 'listing')
  const saved = page.waitForResponse(isCall('listing_save'))
  await page.click('[data-test="listing-save"]')
  assert.equal((await saved).status(), 200)
  await page.waitForSelector(step('P-SAAS', 'interface-debugged') + '[data-state="todo"]')
  assert.equal(await page.getAttribute('[data-test="listing-missing"]', 'data-missing'), 'new,renew,expire,release')
  assert.match(await page.textContent('[data-test="listing-missing"]'), /续费（refreshInstance RENEWAL）/)

  // Only 新购 and 释放 saved: 续费 and 过期 are still missing.
  const builtIn = (await core.api('interface_overview')).suites.find((s) => s.name === 'period')
  assert.ok(builtIn, 'KooGallery’s period cases are saved on first use')
  const perCall = builtIn.cases.filter((c) => ['newInstance', 'queryInstance', 'releaseInstance'].includes(c.request.activity))
  await core.api('interface_suite_save', { name: 'listing', cases: perCall })
  await page.reload()
  await page.waitForSelector('[data-test="listing-missing"][data-missing="renew,expire"]')

  // The whole period suite saved and run on the interface check against the sample interface: it passes.
  await core.api('interface_suite_save', { name: 'listing', cases: builtIn.cases })
  await page.reload()
  await page.waitForSelector(step('P-SAAS', 'interface-debugged') + '[data-state="todo"]')
  assert.equal(await page.$('[data-test="listing-missing"]'), null, 'the saved cases cover 新购/续费/过期/释放')
  await page.click(`${step('P-SAAS', 'interface-debugged')} [data-test="listing-interface"]`)
  await page.waitForSelector('[data-test="interface-run"]')
  await page.waitForSelector('[data-test="interface-suite"] option[value="saved:listing"]', { state: 'attached' })
  await page.selectOption('[data-test="interface-suite"]', 'saved:listing')
  const ran = page.waitForResponse(isCall('interface_run'), { timeout: 30000 })
  await page.click('[data-test="interface-run"]')
  const run = await (await ran).json()
  assert.equal(run.report.failed, 0, JSON.stringify(run.report.steps.filter((s) => s.verdict !== 'passed').map((s) => s.name)))
  assert.ok(run.report.passed > 0)

  // Back on the checklist: step 3 is done by that run.
  await page.click('[data-nav="onboarding"]')
  await page.waitForSelector(step('P-SAAS', 'interface-debugged') + '[data-state="done"]')
  // The product's readiness opens from its checklist: on the interface-health screen, marked as on the checklist.
  await page.click('[data-test="checklist"][data-product="P-SAAS"] [data-test="listing-readiness"]')
  await page.waitForSelector('[data-test="health-products"] tr[data-product="P-SAAS"][data-standing="clear"]')
  await page.click('[data-nav="onboarding"]')
  await page.waitForSelector(step('P-SAAS', 'interface-debugged') + '[data-state="done"]')
  assert.match(await page.textContent(`${step('P-SAAS', 'interface-debugged')} [data-test="listing-last-run"]`), /0 失败/)

  // A step ticked by hand, with who ticked it.
  const ticked = page.waitForResponse(isCall('listing_tick'))
  await page.check(`${step('P-SAAS', 'merchant')} [data-test="tick-merchant"]`)
  assert.equal((await ticked).status(), 200)
  await page.waitForSelector(step('P-SAAS', 'merchant') + '[data-state="done"]')
  assert.match(await page.textContent(step('P-SAAS', 'merchant')), /测试员/)

  // The listing recorded as submitted: in review, due in 3 working days.
  await page.click(`${step('P-SAAS', 'listing-submitted')} [data-test="listing-submit"]`)
  await page.waitForSelector('[data-test="track-review-form"]')
  assert.equal(await page.inputValue('[data-test="review-subject"]'), 'listing')
  assert.equal(await page.inputValue('[data-test="review-product"]'), 'P-SAAS')
  await page.fill('[data-test="review-submitted-at"]', '2026-11-27T15:00')
  const recorded = page.waitForResponse(isCall('console_review_record'))
  await page.click('[data-test="track-submit"]')
  assert.equal((await recorded).status(), 200)
  await page.waitForSelector(step('P-SAAS', 'listing-submitted') + '[data-state="in-review"]')
  assert.match(await page.textContent(`${step('P-SAAS', 'listing-submitted')} [data-test="listing-review-due"]`), /2026\/12\/02/)

  assert.deepEqual(problems, [])
})
