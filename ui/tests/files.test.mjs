// End-to-end on files only: the real UI in Chromium against `koodesk serve` started with settings.json
// `{"mode":"files","operator":"测试员"}` — no feed, no sandbox. The seller's day: the Seller Console's exports
// imported through the Import screen, what the console shows recorded by hand from an order's detail, the inbox's
// clocks running from those records, an invoice drafted from the imported order and recorded as issued, the next
// supervision step recorded, an unsubscription decided on the console and recorded.
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

// 订单列表 as the Seller Console exports it: a title above the header, a column KooDesk does not know (买家账号),
// a manual-service one-time order, a SaaS period order, an unpaid order (not a sale) and a row with a bad date.
const ORDERS = [
  '订单列表导出',
  '',
  '订单号,客户名称,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,实付金额（元）,买家账号',
  'CS-SVC,杭州某某科技有限公司,上门实施服务,2026-11-20 10:00:00,处理中,新购,一次性,人工服务,"¥1,200.00",hz01',
  'CS-SAAS,杭州某某科技有限公司,云客服,2026-11-21 11:00:00,已完成,新购,包年/包月,SaaS,¥300.00,hz01',
  'CS-UNPAID,某人,云客服,2026-11-22 11:00:00,待支付,新购,包年/包月,SaaS,¥300.00,x',
  'CS-BAD,某人,云客服,昨天,已完成,新购,包年/包月,SaaS,¥300.00,x',
  '',
].join('\n')

const TRANSACTIONS = ['交易明细', '订单号,商品名称,交易金额,账期,出账状态', 'CS-SAAS,云客服,300.00,2026-11,待出账', 'CS-SVC,上门实施服务,"1,200.00",2026-11,待出账', ''].join('\n')
// 账单 and its 详单: October's bill, keyed on its 账单号, with two lines.
const BILLS = ['账单号,账期,金额,平台服务费,商家分成,状态', 'B202610,2026-10,"1,000.00",50.00,950.00,已结算', ''].join('\n')
const BILL_LINES = ['账单号,账期,订单号,商品名称,金额', 'B202610,2026-10,CS-OLD1,云客服,600.00', 'B202610,2026-10,CS-OLD2,云客服,400.00', ''].join('\n')

/** Beijing time for a datetime-local input, to the minute. */
const beijingInput = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16)
/** As the screens show a date-time in zh-CN (Intl, Beijing time): "2026/12/07 10:00". */
const shown = (ms) => beijingInput(ms).replace('T', ' ').replaceAll('-', '/')
/** The instant of a datetime-local value read as Beijing time. */
const instantOf = (local) => Date.parse(`${local}:00+08:00`)

const isCall = (name) => (r) => r.url().endsWith(`/api/${name}`) && r.request().method() === 'POST'

/** Opens an order's detail through the header's search. */
async function openOrder(page, id) {
  const found = page.waitForResponse(isCall('order_detail'))
  await page.evaluate((q) => (location.hash = `/orders?q=${encodeURIComponent(q)}`), id)
  assert.equal((await found).status(), 200)
  await page.waitForFunction((q) => document.querySelector('[data-test="order-detail"] h2')?.textContent?.includes(q), id)
}

/** Submits the open dialog's form with Enter in one of its fields; resolves with the core's reply. */
async function submitWithEnter(page, command, field) {
  const replied = page.waitForResponse(isCall(command))
  await page.focus(field)
  await page.keyboard.press('Enter')
  const reply = await replied
  assert.equal(reply.status(), 200, `${command}: ${await reply.text()}`)
  await page.waitForSelector('[data-test="dialog"]', { state: 'detached' })
  return reply.json()
}

test('files only: exports imported, the Seller Console recorded by hand, the inbox and invoices from the records', async () => {
  const { page, problems } = await openPage(browser, core.url)

  // The status bar says files only, with no offline alarm; the demo's hint is not shown.
  await page.waitForSelector('[data-test="statusbar"] [data-mode="files"]')
  assert.match(await page.textContent('[data-test="statusbar"]'), /仅文件/)
  assert.equal(await page.$('[data-test="connectivity"]'), null)
  assert.equal(await page.$('[data-test="demo-hint"]'), null)

  // Import (g m): the orders export, previewed.
  await page.keyboard.press('g')
  await page.keyboard.press('m')
  await page.waitForSelector('[data-test="import-file"]')
  let previewed = page.waitForResponse(isCall('import_preview'))
  await page.setInputFiles('[data-test="import-file"]', { name: '订单列表.csv', mimeType: 'text/csv', buffer: Buffer.from(ORDERS) })
  assert.equal((await previewed).status(), 200)
  await page.waitForSelector('[data-test="import-header-row"][data-row="3"]')
  assert.equal(await page.getAttribute('[data-test="import-counts"]', 'data-imported'), '2')
  assert.equal((await page.$$('[data-test="import-first-row"]')).length, 4)
  assert.match(await page.textContent('[data-test="import-skipped"] [data-row="6"]'), /待支付/)
  assert.match(await page.textContent('[data-test="import-errors"] [data-row="7"][data-column="创建时间"]'), /昨天/)
  assert.equal(await page.inputValue('[data-field-of="实付金额（元）"]'), 'amount')
  assert.equal(await page.inputValue('[data-field-of="买家账号"]'), '', 'a header KooDesk does not know is ignored')

  // 买家账号 read as the customer account: the mapping is rebuilt and previewed again.
  previewed = page.waitForResponse(isCall('import_preview'))
  await page.selectOption('[data-field-of="买家账号"]', 'buyer_account')
  const remapped = await previewed
  assert.equal(JSON.parse(remapped.request().postData()).map, '买家账号=buyer_account')
  assert.equal((await remapped.json()).columns.find((c) => c.header === '买家账号').field, 'buyer_account')
  await page.waitForFunction(() => document.querySelector('[data-test="import-map"]')?.value === '买家账号=buyer_account')
  assert.equal(await page.inputValue('[data-field-of="买家账号"]'), 'buyer_account')

  // A row has a problem: the plain import is not offered; the valid rows are imported.
  assert.ok(await page.isDisabled('[data-test="import-confirm"]'))
  const confirmed = page.waitForResponse(isCall('import_confirm'))
  await page.click('[data-test="import-valid-only"]')
  const done = await confirmed
  assert.equal(done.status(), 200, await done.text())
  assert.equal(JSON.parse(done.request().postData()).skip_invalid, true)
  await page.waitForSelector('[data-test="import-summary"][data-imported="2"][data-skipped="2"]')
  assert.equal((await core.api('orders', { filter: {}, offset: 0, limit: 10 })).total, 2)

  // The transactions export.
  await page.click('[data-test="import-another"]')
  await page.selectOption('[data-test="import-kind"]', 'transactions')
  previewed = page.waitForResponse(isCall('import_preview'))
  await page.setInputFiles('[data-test="import-file"]', { name: '交易明细.csv', mimeType: 'text/csv', buffer: Buffer.from(TRANSACTIONS) })
  const tx = await previewed
  assert.equal(tx.status(), 200)
  assert.equal(JSON.parse(tx.request().postData()).kind, 'transactions')
  await page.waitForSelector('[data-test="import-header-row"][data-row="2"]')
  const txConfirmed = page.waitForResponse(isCall('import_confirm'))
  await page.click('[data-test="import-confirm"]')
  assert.equal((await txConfirmed).status(), 200)
  await page.waitForSelector('[data-test="import-summary"][data-imported="2"]')

  // Settlement: the imported transactions, and a bill with its lines, as the exports had them [KG §5].
  const b64 = (s) => Buffer.from(s).toString('base64')
  const file = (kind, name, text) => ({ kind, file_name: name, content_base64: b64(text), skip_invalid: false })
  assert.equal((await core.api('import_confirm', file('bills', '账单.csv', BILLS))).imported, 1)
  assert.equal((await core.api('import_confirm', file('bill-lines', '详单.csv', BILL_LINES))).imported, 2)
  const imports = page.waitForResponse(isCall('settlement_imports'))
  await page.evaluate(() => (location.hash = '/settlement'))
  assert.equal((await imports).status(), 200)
  await page.waitForSelector('[data-test="imported-transactions"] [data-test="transaction"]')
  const txRows = () => page.$$eval('[data-test="transaction"]', (rs) => rs.map((r) => [r.dataset.order, r.dataset.amount, r.dataset.billStatus]))
  assert.deepEqual(await txRows(), [['CS-SAAS', '300.00', 'waiting'], ['CS-SVC', '1200.00', 'waiting']])
  assert.match(await page.textContent('[data-test="transaction"][data-order="CS-SVC"]'), /上门实施服务.*2026-11.*¥1,200\.00.*待出账/)
  assert.equal(await page.getAttribute('[data-test="tx-total"]', 'data-amount'), '1500.00')
  assert.match(await page.textContent('[data-test="tx-total"]'), /共 2 笔，合计 ¥1,500\.00/)
  // Filtered: nothing billed yet; November's two.
  let refiltered = page.waitForResponse(isCall('settlement_imports'))
  await page.selectOption('[data-test="tx-bill-status"]', 'billed')
  assert.deepEqual(JSON.parse((await refiltered).request().postData()).filter, { period: null, bill_status: 'billed' })
  await page.waitForSelector('[data-test="tx-none"]')
  refiltered = page.waitForResponse(isCall('settlement_imports'))
  await page.selectOption('[data-test="tx-bill-status"]', 'waiting')
  await refiltered
  refiltered = page.waitForResponse(isCall('settlement_imports'))
  await page.selectOption('[data-test="tx-period"]', '2026-11')
  assert.deepEqual(JSON.parse((await refiltered).request().postData()).filter, { period: '2026-11', bill_status: 'waiting' })
  await page.waitForSelector('[data-test="tx-total"][data-total="2"]')
  assert.equal((await txRows()).length, 2)
  // The bill, expanded to its lines.
  const bill = '[data-test="imported-bill"][data-key="B202610"]'
  assert.equal(await page.getAttribute(bill, 'data-amount'), '1000.00')
  assert.equal(await page.getAttribute(bill, 'data-lines'), '2')
  assert.match(await page.textContent(bill), /B202610.*2026-10.*¥1,000\.00.*¥50\.00.*¥950\.00.*已结算.*2.*¥1,000\.00/)
  const billLines = page.waitForResponse(isCall('settlement_bill_lines'))
  await page.click(`${bill} [data-test="bill-expand"]`)
  assert.equal((await billLines).status(), 200)
  await page.waitForSelector('[data-test="bill-line"][data-order="CS-OLD2"][data-amount="400.00"]')
  assert.deepEqual(await page.$$eval('[data-test="bill-line"]', (rs) => rs.map((r) => [r.dataset.order, r.dataset.amount])), [['CS-OLD1', '600.00'], ['CS-OLD2', '400.00']])

  // A supervision step recorded from the manual-service order's detail: 商家确认需求 since two hours ago.
  await openOrder(page, 'CS-SVC')
  await page.click('[data-test="track-step"]')
  await page.waitForSelector('[data-test="track-step-form"]')
  assert.equal(await page.inputValue('[data-test="track-product-type"]'), 'manual-service')
  const steps = await page.$$eval('[data-test="track-step-step"] option', (o) => o.map((x) => `${x.value}:${x.textContent}`))
  assert.deepEqual(steps, ['submit-requirements:用户提交需求', 'confirm-requirements:商家确认需求', 'implement:商家实施服务', 'accept:用户确认验收', 're-review:华为云复核', 'completed:服务完成'])
  await page.selectOption('[data-test="track-step-step"]', 'confirm-requirements')
  const since = beijingInput(Date.now() - 2 * 3600_000)
  await page.fill('[data-test="track-since"]', since)
  await page.fill('[data-test="track-note"]', '需求已收到')
  await submitWithEnter(page, 'track_step', '[data-test="track-note"]')
  await page.waitForSelector('[data-test="order-flow"][data-step="confirm-requirements"]')
  await page.waitForSelector('[data-test="track-message"]')
  // Who recorded it is worded by the console (the core keeps it as a value); the note is the seller's text.
  const timeline = await page.textContent('[data-test="timeline"]')
  assert.match(timeline, /测试员 按卖家中心手工记录 · 需求已收到/)
  assert.doesNotMatch(timeline, /recorded by/)
  const detail = await core.api('order_detail', { order_id: 'CS-SVC' })
  const recorded = detail.timeline.find((e) => e.kind === 'supervision' && e.action === 'recorded')
  assert.deepEqual([recorded.recorded_by, recorded.note], ['测试员', '需求已收到'])

  // Esc closes a dialog without recording anything.
  await page.click('[data-test="track-unsubscription"]')
  await page.waitForSelector('[data-test="track-unsubscription-form"]')
  await page.keyboard.press('Escape')
  await page.waitForSelector('[data-test="dialog"]', { state: 'detached' })
  assert.equal((await core.api('unsubscriptions', { status: null })).requests.length, 0)

  // An invoice request recorded from the SaaS order's detail, an hour ago.
  await openOrder(page, 'CS-SAAS')
  await page.click('[data-test="track-invoice"]')
  await page.waitForSelector('[data-test="track-invoice-form"]')
  assert.equal(await page.inputValue('[data-test="track-orders"]'), 'CS-SAAS')
  assert.equal(await page.inputValue('[data-test="track-title-name"]'), '杭州某某科技有限公司')
  const requestedAt = beijingInput(Date.now() - 3600_000)
  await page.fill('[data-test="track-requested-at"]', requestedAt)
  await page.selectOption('[data-test="track-title-kind"]', 'enterprise')
  await page.fill('[data-test="track-taxpayer-id"]', '91350100M000100Y43')
  const { id: requestId } = await submitWithEnter(page, 'track_invoice_request', '[data-test="track-bank"]')
  assert.match(requestId, /^TI/)

  // The overview's inbox: the user may appeal 5 days after the step began; the invoice is due 7 days after the request.
  const loaded = page.waitForResponse(isCall('overview'))
  await page.evaluate(() => (location.hash = '/'))
  await loaded
  const stepDue = shown(instantOf(since) + 5 * 86400_000)
  const invoiceDue = shown(instantOf(requestedAt) + 7 * 86400_000)
  await page.waitForSelector('[data-group="supervision"] [data-test="inbox-item"][data-ref="CS-SVC"]')
  assert.match(await page.textContent('[data-group="supervision"] [data-ref="CS-SVC"]'), new RegExp(stepDue))
  assert.match(await page.textContent(`[data-group="invoices"] [data-ref="${requestId}"]`), new RegExp(invoiceDue))
  assert.match(await page.textContent(`[data-group="invoices"] [data-ref="${requestId}"]`), /订单管理 > 发票管理/)
  const inbox = (await core.api('overview')).inbox.items
  assert.equal(inbox.find((i) => i.ref_id === 'CS-SVC').due_at.slice(0, 16).replace('T', ' ').replaceAll('-', '/'), stepDue)
  assert.equal(inbox.find((i) => i.ref_id === requestId).due_at.slice(0, 16).replace('T', ' ').replaceAll('-', '/'), invoiceDue)

  // The invoice drafted from the imported order, then recorded as issued on the Seller Console.
  await page.evaluate((id) => (location.hash = `/invoices?id=${id}`), requestId)
  await page.waitForSelector(`[data-test="invoice-request"][data-id="${requestId}"]`)
  assert.match(await page.textContent('[data-test="invoice-rule"]'), /订单管理 > 发票管理/)
  assert.match(await page.textContent(`[data-test="invoice-request"][data-id="${requestId}"]`), /增值税普通发票.*数电票/)
  // Who recorded it, and when, beside its status.
  const by = await page.waitForSelector(`[data-test="invoice-request"][data-id="${requestId}"] [data-test="recorded-by"]`)
  assert.equal(await by.getAttribute('data-by'), '测试员')
  assert.match(await by.textContent(), /测试员 记录于 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/)
  await page.click(`[data-draft="${requestId}"]`)
  await page.waitForSelector('[data-test="invoice-drafts"] [data-state="draft"]')
  assert.equal(await page.textContent('[data-test="invoice-drafts"] [data-test="total-gross"]'), '¥300.00')
  assert.match(await page.textContent('[data-test="invoice-drafts"] [data-test="issue"]'), /记为已在卖家中心处理/)
  await page.fill('[data-test="invoice-drafts"] [data-test="issued-by"]', '测试员')
  await page.click('[data-test="invoice-drafts"] [data-test="issue"]')
  await page.waitForSelector('[data-test="invoice-drafts"] [data-state="issued"]')
  const issued = (await core.api('invoice_requests', { status: null })).requests.find((r) => r.id === requestId)
  assert.equal(issued.status, 'issued', JSON.stringify(issued))
  assert.equal((await core.api('status')).outbox_pending, 0, 'nothing is queued: there is nowhere to send it')

  // Supervision: no action through KooDesk; the step the console shows next is recorded.
  const flows = page.waitForResponse(isCall('flows'))
  await page.evaluate(() => (location.hash = '/supervision?order=CS-SVC'))
  await flows
  const row = '[data-test="flow"][data-order="CS-SVC"]'
  await page.waitForSelector(`${row} [data-test="record-step"]`)
  assert.equal(await page.$(`${row} [data-test="act"]`), null)
  assert.match(await page.textContent(row), /商家确认需求/)
  assert.match(await page.textContent('[data-test="console-path"]'), /交付管理 > 服务监管/)
  await page.click(`${row} [data-test="record-step"]`)
  await page.waitForSelector('[data-test="track-step-form"]')
  assert.equal(await page.inputValue('[data-test="track-product-type"]'), 'manual-service')
  assert.equal(await page.inputValue('[data-test="track-step-step"]'), 'implement', 'the step after the one recorded')
  await page.fill('[data-test="track-note"]', '需求已确认')
  await submitWithEnter(page, 'track_step', '[data-test="track-note"]')
  await page.waitForFunction((r) => document.querySelector(r)?.textContent?.includes('商家实施服务'), row)
  assert.equal(await page.getAttribute(`${row} [data-test="recorded-by"]`, 'data-by'), '测试员')
  assert.equal((await core.api('order_detail', { order_id: 'CS-SVC' })).flow.step, 'implement')

  // An unsubscription request recorded, then its rejection on the Seller Console recorded.
  await openOrder(page, 'CS-SVC')
  await page.click('[data-test="track-unsubscription"]')
  await page.waitForSelector('[data-test="track-unsubscription-form"]')
  assert.equal(await page.inputValue('[data-test="track-refund"]'), '1200.00')
  await page.fill('[data-test="track-refund"]', '200.00')
  await page.fill('[data-test="track-reason"]', '需求变更')
  const { id: unsubId } = await submitWithEnter(page, 'track_unsubscription', '[data-test="track-reason"]')
  const unsubs = page.waitForResponse(isCall('unsubscriptions'))
  await page.evaluate((id) => (location.hash = `/refunds?id=${id}`), unsubId)
  await unsubs
  const unsubRow = `[data-test="unsubscription"][data-id="${unsubId}"]`
  await page.waitForSelector(`${unsubRow} [data-test="record-reject"]`)
  assert.match(await page.textContent(unsubRow), /协商退订/)
  await page.fill('[data-test="reject-reason"]', '服务已交付')
  const decided = page.waitForResponse(isCall('unsubscription_decide'))
  await page.click(`${unsubRow} [data-test="record-reject"]`)
  assert.equal((await decided).status(), 200)
  await page.waitForSelector(unsubRow, { state: 'detached' })
  const decidedRow = (await core.api('unsubscriptions', { status: null })).requests.find((r) => r.id === unsubId)
  assert.equal(decidedRow.status, 'rejected')

  assert.deepEqual(problems, [])
  await page.close()
})

test('files only: a file the core cannot read as it is gets a value for every row and a column mapped by hand, remembered', async () => {
  const { page, problems } = await openPage(browser, core.url)
  await page.waitForSelector('[data-test="statusbar"] [data-mode="files"]')
  await page.evaluate(() => (location.hash = '/import'))
  await page.waitForSelector('[data-test="import-file"]')
  // No access type column, and the amount under a header KooDesk does not know.
  const csv = ['订单号,商品名称,创建时间,订单状态,订单类型,计费模式,成交金额', 'CS-DATA,数据清洗服务,2026-11-25 09:00:00,处理中,新购,一次性,500.00', ''].join('\n')
  let previewed = page.waitForResponse(isCall('import_preview'))
  await page.setInputFiles('[data-test="import-file"]', { name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  // The file cannot be imported as it is, and its headers are shown to map one: nothing can be confirmed yet.
  assert.equal((await previewed).status(), 200)
  await page.waitForSelector('[data-test="import-problem"]')
  assert.match(await page.textContent('[data-test="import-problem"]'), /access_type/)
  assert.equal(await page.inputValue('[data-field-of="成交金额"]'), '')
  assert.ok(await page.isDisabled('[data-test="import-confirm"]'))
  const picks = await page.$$eval('[data-field-of="成交金额"] option', (os) => os.map((o) => o.value))
  assert.ok(picks.includes('amount') && !picks.includes('bill_id'), `the orders' fields only: ${picks}`)

  // Every row's access type, then the amount's column picked from the headers.
  await page.selectOption('[data-test="import-set-field"]', 'access_type')
  await page.fill('[data-test="import-set-value"]', '人工服务')
  previewed = page.waitForResponse(isCall('import_preview'))
  await page.keyboard.press('Enter')
  const withSet = await previewed
  assert.equal(JSON.parse(withSet.request().postData()).set, 'access_type=人工服务')
  assert.match((await withSet.json()).problem, /amount/, 'the amount is still missing')
  await page.waitForFunction(() => /amount/.test(document.querySelector('[data-test="import-problem"]')?.textContent ?? ''))
  previewed = page.waitForResponse(isCall('import_preview'))
  await page.selectOption('[data-field-of="成交金额"]', 'amount')
  const mapped = await previewed
  assert.equal(JSON.parse(mapped.request().postData()).map, '成交金额=amount')
  await page.waitForSelector('[data-test="import-counts"][data-imported="1"]')
  assert.equal(await page.$('[data-test="import-problem"]'), null)
  assert.equal(await page.$('[data-test="import-error"]'), null)
  assert.equal(await page.inputValue('[data-field-of="成交金额"]'), 'amount')
  const confirmed = page.waitForResponse(isCall('import_confirm'))
  await page.click('[data-test="import-confirm"]')
  assert.equal((await confirmed).status(), 200)
  await page.waitForSelector('[data-test="import-summary"][data-imported="1"]')
  const order = (await core.api('order_detail', { order_id: 'CS-DATA' })).order
  assert.deepEqual([order.access_type, order.amount], ['manual-service', '500.00'])

  // The next file of the kind (this one with its access types) starts from the mapping confirmed last.
  await page.click('[data-test="import-another"]')
  const next = ['订单号,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,成交金额', 'CS-DATA2,数据标注服务,2026-11-26 09:00:00,处理中,新购,一次性,人工服务,800.00', ''].join('\n')
  previewed = page.waitForResponse(isCall('import_preview'))
  await page.setInputFiles('[data-test="import-file"]', { name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(next) })
  const again = await previewed
  assert.equal(again.status(), 200, await again.text())
  assert.equal(JSON.parse(again.request().postData()).map, null)
  assert.equal((await again.json()).mapping, '成交金额=amount')
  await page.waitForFunction(() => document.querySelector('[data-test="import-map"]')?.value === '成交金额=amount')
  // A file that cannot be read as it is previews with its problem, not a refusal: the browser has no complaint.
  assert.deepEqual(problems, [])
  await page.close()
})

test('files only: rows pasted from the Seller Console, one bad — nothing recorded until it is fixed or skipped, then in the inbox', async () => {
  const b64 = (s) => Buffer.from(s).toString('base64')
  await core.api('import_confirm', { kind: 'orders', file_name: '订单列表.csv', content_base64: b64(ORDERS), skip_invalid: true })
  const at = beijingInput(Date.now() - 3600_000).replace('T', ' ')
  // The manual-service order is under supervision, so its unsubscription waits for the merchant's review [KG §4].
  await core.api('track_step', { order_id: 'CS-SVC', product_type: 'manual-service', step: 'implement', since: `${beijingInput(Date.now() - 2 * 3600_000)}:00` })
  const { page, problems } = await openPage(browser, core.url)
  await page.waitForSelector('[data-test="statusbar"] [data-mode="files"]')

  // Invoices (g i): three rows from 发票管理 under its header, the second with a date the core cannot read.
  await page.keyboard.press('g')
  await page.keyboard.press('i')
  await page.click('[data-test="paste-open"]')
  await page.waitForSelector('[data-test="paste-form"]')
  const rows = (bad) =>
    [
      '订单号\t申请时间\t发票类型\t发票介质\t抬头类型\t发票抬头\t纳税人识别号',
      `CS-SVC\t${at}\t增值税普通发票\t数电\t企业\t杭州某某科技有限公司\t91350100M000100Y43`,
      `CS-SAAS\t${bad}\t增值税专用发票\t数电\t企业\t杭州某某科技有限公司\t91350100M000100Y43`,
      `CS-SVC、CS-SAAS\t${at}\t普票\t电子\t个人\t张三\t`,
    ].join('\n')
  let previewed = page.waitForResponse(isCall('track_paste_preview'))
  await page.fill('[data-test="paste-text"]', rows('昨天'))
  assert.equal((await previewed).status(), 200)
  await page.waitForSelector('[data-test="paste-preview"][data-valid="2"][data-invalid="1"]')
  const problem = await page.textContent('[data-test="paste-problems"] [data-row="3"][data-field="requested_at"][data-code="date-time"]')
  assert.match(problem, /第 3 行，申请时间（北京时间）：“昨天”不是日期时间/)
  assert.equal(await page.getAttribute('[data-test="paste-row"][data-row="2"]', 'data-ok'), 'true')
  assert.match(await page.textContent('[data-test="paste-row"][data-row="2"]'), /增值税普通发票/)

  // Enter records all or nothing: nothing.
  let recorded = page.waitForResponse(isCall('track_paste'))
  await page.focus('[data-test="paste-text"]')
  await page.keyboard.press('Enter')
  const refused = await (await recorded).json()
  assert.equal(refused.recorded, 0)
  await page.waitForSelector('[data-test="paste-notice"]')
  assert.equal((await core.api('invoice_requests', { status: null })).requests.length, 0, 'a bad row records nothing')

  // Fixed, the three are recorded and the dialog closes.
  previewed = page.waitForResponse(isCall('track_paste_preview'))
  await page.fill('[data-test="paste-text"]', rows(at.replaceAll('-', '/')))
  await previewed
  await page.waitForSelector('[data-test="paste-preview"][data-valid="3"][data-invalid="0"]')
  recorded = page.waitForResponse(isCall('track_paste'))
  await page.focus('[data-test="paste-text"]')
  await page.keyboard.press('Enter')
  const invoices = await (await recorded).json()
  assert.equal(invoices.recorded, 3, JSON.stringify(invoices))
  await page.waitForSelector('[data-test="dialog"]', { state: 'detached' })
  assert.match(await page.textContent('[data-test="invoice-message"]'), /已记录 3 行/)

  // Refunds (g u): two rows from 退订管理 without a header, one for an order KooDesk does not have: skipped.
  await page.keyboard.press('g')
  await page.keyboard.press('u')
  // The Refunds screen itself (its reject-reason field), not the Invoices screen still on its way out.
  await page.waitForSelector('[data-test="reject-reason"]')
  await page.click('[data-test="paste-open"]')
  previewed = page.waitForResponse(isCall('track_paste_preview'))
  await page.fill('[data-test="paste-text"]', `CS-SVC,${at},"¥200.00",需求变更\nCS-NONE,${at},10,不需要`)
  await previewed
  await page.waitForSelector('[data-test="paste-preview"][data-valid="1"][data-invalid="1"]')
  assert.match(await page.textContent('[data-test="paste-problems"] [data-row="2"][data-code="unknown-order"]'), /CS-NONE/)
  await page.check('[data-test="paste-skip"]')
  recorded = page.waitForResponse(isCall('track_paste'))
  await page.focus('[data-test="paste-skip"]')
  await page.keyboard.press('Enter')
  const unsub = await recorded
  assert.equal(JSON.parse(unsub.request().postData()).skip_invalid, true)
  const kept = await unsub.json()
  assert.equal(kept.recorded, 1)
  await page.waitForSelector('[data-test="dialog"]', { state: 'detached' })
  await page.waitForSelector(`[data-test="unsubscription"][data-id="${kept.ids[0]}"]`)

  // The overview's inbox has every entry kept, with its clock.
  const loaded = page.waitForResponse(isCall('overview'))
  await page.evaluate(() => (location.hash = '/'))
  await loaded
  for (const id of [...invoices.ids, ...kept.ids]) await page.waitForSelector(`[data-test="inbox-item"][data-ref="${id}"]`)
  const due = shown(instantOf(at.replace(' ', 'T')) + 7 * 86400_000)
  assert.match(await page.textContent(`[data-test="inbox-item"][data-ref="${invoices.ids[0]}"]`), new RegExp(due))
  assert.deepEqual(problems, [])
  await page.close()
})
