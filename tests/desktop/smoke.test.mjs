// WebDriver smoke test of the real desktop binary: tauri-driver (port 4444) drives WebKitWebDriver, which starts
// koodesk-desktop in a real window (under Xvfb in CI). Only Node's built-ins: the W3C protocol over fetch.
// Run through scripts/desktop-smoke.sh (it starts tauri-driver and gives the app a fresh data directory).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { resolve } from 'node:path'

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444'
const APP = resolve(process.env.KOODESK_DESKTOP ?? 'target/debug/koodesk-desktop')
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'
let session

async function wd(method, path, body) {
  const res = await fetch(`${DRIVER}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`)
  return json.value
}

async function waitFor(what, f, ms = 60_000) {
  const end = Date.now() + ms
  let last
  while (Date.now() < end) {
    try {
      const v = await f()
      if (v) return v
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`timed out waiting for ${what}: ${last?.message ?? ''}`)
}

async function text(selector) {
  const el = await wd('POST', `/session/${session}/element`, { using: 'css selector', value: selector })
  return wd('GET', `/session/${session}/element/${el[ELEMENT]}/text`)
}

/** Calls a core command through Tauri's IPC from inside the window. */
async function ipc(command, args = {}) {
  const out = await wd('POST', `/session/${session}/execute/async`, {
    script:
      'const done = arguments[arguments.length - 1];' +
      'window.__TAURI_INTERNALS__.invoke("call", { command: arguments[0], args: arguments[1] })' +
      '.then((r) => done({ ok: r }), (e) => done({ err: e }))',
    args: [command, args],
  })
  if (out.err) throw new Error(JSON.stringify(out.err))
  return out.ok
}

before(async () => {
  const caps = { 'tauri:options': { application: APP }, 'webkitgtk:browserOptions': { args: [] } }
  const s = await wd('POST', '/session', { capabilities: { alwaysMatch: caps } })
  session = s.sessionId
})

after(async () => {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => undefined)
})

test('the window opens on the overview with the sandbox data', async () => {
  const orders = await waitFor('the overview with data', async () => {
    const t = (await text('[data-test="kpi-orders"]')).trim()
    return Number(t) > 0 ? Number(t) : null
  })
  const overview = await ipc('overview')
  assert.equal(orders, overview.dashboard.orders)
  assert.ok(overview.inbox.items.length > 0, 'the demo marketplace has work to do')
  const title = await wd('GET', `/session/${session}/title`)
  assert.equal(title, 'KooDesk')
  assert.match(await text('[data-test="statusbar"]'), /desktop/)
})

test('a command round trip through Tauri IPC', async () => {
  const status = await ipc('status')
  assert.equal(status.mode, 'sandbox')
  assert.equal(status.offline, false)
  const page = await ipc('orders', { limit: 3 })
  assert.equal(page.rows.length, 3)
  await assert.rejects(ipc('orders', { filter: { access_type: 'cloud' } }), /access_type `cloud`/)
})
