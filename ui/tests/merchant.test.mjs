// Merchant-information changes in Chromium (KG §6), on files only (`koodesk serve` with settings.json
// `{"mode":"files","operator":"测试员"}`): a change to an "other" field recorded on the Onboarding screen is in review
// with its due date (3 working days), and so in the overview's inbox; a contact-mobile change is effective at once
// and needs nothing; the answer recorded takes the review out of the inbox.
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
  core = await startCore({}, { settings: { mode: 'files', operator: '测试员' } })
})
afterEach(async () => {
  await core?.stop()
  core = null
})

const isCall = (name) => (r) => r.url().endsWith(`/api/${name}`) && r.request().method() === 'POST'

/** Records a submission through the Onboarding screen's dialog (Enter records); resolves with the core's reply. */
async function recordChange(page, { field, note, at }) {
  await page.click('[data-test="record-review"]')
  await page.waitForSelector('[data-test="track-review-form"]')
  assert.equal(await page.inputValue('[data-test="review-subject"]'), 'merchant-info')
  await page.selectOption('[data-test="review-field"]', field)
  await page.fill('[data-test="review-note"]', note)
  await page.fill('[data-test="review-submitted-at"]', at)
  const replied = page.waitForResponse(isCall('console_review_record'))
  await page.focus('[data-test="review-note"]')
  await page.keyboard.press('Enter')
  const reply = await replied
  assert.equal(reply.status(), 200, await reply.text())
  await page.waitForSelector('[data-test="dialog"]', { state: 'detached' })
  return reply.json()
}

test('a merchant-information change in review is in the inbox with its due date; a contact-mobile change is immediate', async () => {
  const { page, problems } = await openPage(browser, core.url)
  await page.waitForSelector('[data-test="statusbar"] [data-mode="files"]')
  await page.click('[data-nav="onboarding"]')
  await page.waitForSelector('[data-test="record-review"]')

  // Thursday 2026-09-24, 20:00: Friday 25 is Mid-Autumn, so the answer is due by the end of Wednesday 30.
  const other = await recordChange(page, { field: 'other', note: '公司地址', at: '2026-09-24T20:00' })
  assert.equal(other.submitted_at, '2026-09-24T20:00:00+08:00')
  assert.deepEqual([other.status, other.review_due, other.calendar, other.recorded_by], ['in-review', '2026-09-30', 'official', '测试员'])
  await page.waitForSelector(`[data-test="review-row"][data-id="${other.id}"][data-status="in-review"]`)
  assert.match(await page.textContent(`[data-test="review-row"][data-id="${other.id}"] [data-test="review-due"]`), /2026\/09\/30/)
  assert.match(await page.textContent('[data-test="review-message"]'), /2026\/09\/30 前答复/)

  const mobile = await recordChange(page, { field: 'contact-mobile', note: '新手机号', at: '2026-09-24T20:10' })
  assert.deepEqual([mobile.status, mobile.review_due], ['effective', null])
  await page.waitForSelector(`[data-test="review-row"][data-id="${mobile.id}"][data-status="effective"]`)
  assert.match(await page.textContent(`[data-test="review-row"][data-id="${mobile.id}"] [data-test="review-status"]`), /已直接生效/)
  assert.match(await page.textContent('[data-test="review-message"]'), /已直接生效/)

  // The overview: the review under 卖家中心审核, due 2026-10-01 00:00 Beijing, long overdue; the mobile change is not there.
  const overview = page.waitForResponse(isCall('overview'))
  await page.click('[data-nav="overview"]')
  await overview
  const item = `[data-group="reviews"] [data-test="inbox-item"][data-ref="${other.id}"]`
  await page.waitForSelector(item)
  assert.match(await page.textContent('[data-group="reviews"] h2'), /卖家中心审核/)
  const text = await page.textContent(item)
  assert.match(text, /商家信息变更审核中：2026\/09\/30 前答复/)
  assert.match(text, /2026\/10\/01 00:00/)
  assert.match(text, /服务商管理 > 服务商信息/)
  assert.ok(await page.$(`${item} td.overdue`), 'not answered by its due date: overdue')
  assert.equal(await page.$(`[data-test="inbox-item"][data-ref="${mobile.id}"]`), null)

  // The inbox item opens the review; its approval recorded there takes it out of the inbox.
  await page.click(`${item} a`)
  await page.waitForSelector(`[data-test="review-row"][data-id="${other.id}"].sel`)
  const answered = page.waitForResponse(isCall('console_review_answer'))
  await page.click(`[data-test="review-row"][data-id="${other.id}"] [data-test="review-approved"]`)
  assert.equal((await answered).status(), 200)
  await page.waitForSelector(`[data-test="review-row"][data-id="${other.id}"][data-status="approved"]`)
  const inbox = (await core.api('overview')).inbox.items
  assert.ok(inbox.every((i) => i.ref_id !== other.id), 'answered: out of the inbox')

  assert.deepEqual(problems, [])
})
