// License 2.0 activation in Chromium (KG §3, §8), on the demo (`koodesk serve` with its embedded sandbox): a
// License 2.0 order waiting at 授权码激活 offers 激活授权码 on the Supervision screen; a wrong code is refused with
// KooGallery's error named and the flow unmoved; the right code (the sandbox's are LIC- + the order ID) is
// activated through the open API, and the flow, synced, is at 上传交付凭证.
//
// Tests wait on the replies and conditions they registered before acting, never on time.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { openPage, startBrowser, startCore } from './harness.mjs'

let core
let browser

before(async () => {
  browser = await startBrowser()
  core = await startCore()
})
after(async () => {
  await browser?.close()
  await core?.stop()
})

const isCall = (name) => (r) => r.url().endsWith(`/api/${name}`) && r.request().method() === 'POST'

test('a License 2.0 code is activated from the Supervision screen and the flow moves on', async () => {
  const flows = await core.api('flows', { step: 'activate-code', side: 'merchant' })
  const waiting = flows.flows.find((f) => f.product_type === 'license2' && !f.frozen_by && !f.pending_sync)
  assert.ok(waiting, `the demo (seed 11) has a License 2.0 order waiting at 授权码激活: ${JSON.stringify(flows.by_step)}`)
  const order = waiting.order_id

  const { page, problems } = await openPage(browser, `${core.url}#/supervision?order=${order}`)
  const row = `[data-test="flow"][data-order="${order}"]`
  await page.waitForSelector(`${row} [data-test="activate-license"]`)
  await page.click(`${row} [data-test="activate-license"]`)
  await page.waitForSelector('[data-test="license-form"]')
  assert.equal(await page.getAttribute('[data-test="license-code"]', 'placeholder'), `LIC-${order}`)

  // A code of no order: KooGallery's refusal, named; the dialog stays open and nothing moved.
  await page.fill('[data-test="license-code"]', 'LIC-NO-SUCH-ORDER')
  let replied = page.waitForResponse(isCall('license_activate'))
  await page.click('[data-test="license-submit"]')
  assert.equal((await replied).status(), 422)
  assert.match(await page.textContent('[data-test="license-error"]'), /94060999 \(failed\)/)
  assert.equal((await core.api('order_detail', { order_id: order })).flow.step, 'activate-code')

  await page.fill('[data-test="license-code"]', `LIC-${order}`)
  replied = page.waitForResponse(isCall('license_activate'))
  await page.click('[data-test="license-submit"]')
  const reply = await replied
  assert.equal(reply.status(), 200, await reply.text())
  assert.equal((await reply.json()).state.status, 'alive')
  await page.waitForSelector('[data-test="license-form"]', { state: 'detached' })
  assert.match(await page.textContent('[data-test="message"]'), /授权码已激活（有效）/)
  await page.waitForFunction(
    ([sel]) => !document.querySelector(`${sel} [data-test="activate-license"]`),
    [row],
  )
  assert.equal((await core.api('order_detail', { order_id: order })).flow.step, 'upload-proof')
  // The one error the page logs is the refused call's 422.
  assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), [])
})
