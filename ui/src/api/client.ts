// One typed entry to the core: Tauri's IPC inside the desktop window, the loopback HTTP server in a browser.
// Both reach the same Rust handlers (crates/app/src/commands.rs).
import type { ApiError, Commands, ErrorCode } from './bindings'
import { i18n } from '../i18n'
import { describeError } from '../errors'

export type Command = keyof Commands
export type Args<K extends Command> = Commands[K]['args']
export type Result<K extends Command> = Commands[K]['result']

/** A command's refusal. `message` is worded in the language in use when it is read (errors.ts); `detail` is the
 * core's English sentence, and `field`, `rule` and `params` say what was wrong for a bad argument. */
export class CommandError extends Error {
  readonly code: ErrorCode
  readonly error: ApiError
  constructor(e: ApiError) {
    super(e.message)
    this.code = e.code
    this.error = e
    const g = i18n.global
    Object.defineProperty(this, 'message', { get: () => describeError(e, (k, named) => g.t(k, named ?? {}), (k) => g.te(k)) })
  }
  get detail(): string {
    return this.error.message
  }
}

/** What the core answered when it was not an ApiError (a crash of the IPC, a proxy's page). */
function foreign(code: ErrorCode, message: string): ApiError {
  return { code, message, params: {} }
}

type TauriInternals = { invoke: (cmd: string, args: unknown) => Promise<unknown> }

function tauri(): TauriInternals | undefined {
  return (window as unknown as { __TAURI_INTERNALS__?: TauriInternals }).__TAURI_INTERNALS__
}

export function inDesktop(): boolean {
  return tauri() !== undefined
}

const TOKEN_KEY = 'koodesk-token'

/** The per-run token arrives once in the URL; keep it for this tab and take it out of the address bar. */
export function takeToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const params = new URLSearchParams(loc.search)
  const fromUrl = params.get('token')
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl)
    params.delete('token')
    const rest = params.toString()
    window.history.replaceState(null, '', `${loc.pathname}${rest ? `?${rest}` : ''}${loc.hash}`)
    return fromUrl
  }
  return storage.getItem(TOKEN_KEY)
}

let token: string | null = null

export async function call<K extends Command>(name: K, args: Args<K> = {} as Args<K>): Promise<Result<K>> {
  const t = tauri()
  if (t) {
    try {
      return (await t.invoke('call', { command: name, args })) as Result<K>
    } catch (e) {
      throw new CommandError(typeof e === 'object' && e && 'code' in e ? (e as ApiError) : foreign('ipc', String(e)))
    }
  }
  if (token === null) token = takeToken()
  const res = await fetch(`./api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
    body: JSON.stringify(args ?? {}),
  })
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => null)
    throw new CommandError(body && typeof body === 'object' && 'code' in body ? { ...(body as ApiError), params: (body as ApiError).params ?? {} } : foreign('ipc', `HTTP ${res.status}`))
  }
  return (await res.json()) as Result<K>
}

/** Desktop only: tells the shell the overview is drawn with data (for the startup measurement). */
export function reportRendered(): void {
  const t = tauri()
  if (t) void t.invoke('rendered', {}).catch(() => undefined)
}
