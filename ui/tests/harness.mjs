// Starts the real core (`koodesk serve`, embedded sandbox with demo data unless settings say otherwise) and a
// headless Chromium for the tests.
import { spawn } from 'node:child_process'
import { after, afterEach, before, beforeEach } from 'node:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { chromium } from 'playwright-core'

const root = resolve(import.meta.dirname, '../..')
export const BIN = process.env.KOODESK_BIN ?? join(root, 'target/release/koodesk')

/** `settings`, when given, is written to the data directory's settings.json before the core starts (e.g.
 * `{ mode: 'files', operator: '测试员' }`); the core reads it at startup. */
export async function startCore(extraEnv = {}, { settings } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'koodesk-e2e-'))
  if (settings) writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings))
  const child = spawn(BIN, ['serve', '--data-dir', dataDir, '--json', '--ui', join(root, 'ui/dist'), '--seed', '11'], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  let timer
  const line = await new Promise((ok, fail) => {
    const rl = createInterface({ input: child.stdout })
    rl.once('line', ok)
    child.once('exit', (code) => fail(new Error(`koodesk serve exited ${code}: ${stderr}`)))
    timer = setTimeout(() => fail(new Error(`koodesk serve did not start: ${stderr}`)), 60_000)
  }).finally(() => clearTimeout(timer))
  const info = JSON.parse(line)
  const api = async (name, args = {}) => {
    const res = await fetch(`http://${info.addr}/api/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    })
    const body = await res.json()
    if (!res.ok) throw Object.assign(new Error(body.message), { status: res.status, body })
    return body
  }
  return {
    ...info,
    dataDir,
    api,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)))
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export async function startBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  return browser
}

/** A page that records console errors and uncaught exceptions. */
export async function openPage(browser, url, locale = 'zh-CN') {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale })
  const page = await context.newPage()
  const problems = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  await page.goto(url)
  return { page, problems, context }
}

/** One Chromium and one core for the whole file, stopped after it: `const env = browserAndCoreOnce()` at the top
 * of a test file, then `env.browser` and `env.core` inside the tests. */
export function browserAndCoreOnce() {
  const env = { browser: null, core: null }
  before(async () => {
    env.browser = await startBrowser()
    env.core = await startCore()
  })
  after(async () => {
    await env.core?.stop()
    await env.browser?.close()
  })
  return env
}

/** One Chromium for the file and a fresh core for each test, stopped after it: `const env = browserAndCorePerTest()`
 * at the top of a test file, then `env.browser` and `env.core` inside the tests. */
export function browserAndCorePerTest() {
  const env = { browser: null, core: null }
  before(async () => {
    env.browser = await startBrowser()
  })
  after(async () => {
    await env.browser?.close()
  })
  beforeEach(async () => {
    env.core = await startCore()
  })
  afterEach(async () => {
    await env.core?.stop()
    env.core = null
  })
  return env
}

/** Switches the console's language with its selector and waits until the page is in it: the other language's
 * messages are their own chunk, loaded on the first switch. */
export async function chooseLang(page, lang) {
  await page.selectOption('[data-test="lang"]', lang)
  await page.waitForFunction((l) => document.documentElement.lang === l, lang)
}
