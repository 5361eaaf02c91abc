// One typed entry to the core: Tauri's IPC inside the desktop window, the loopback HTTP server in a browser.
// Both reach the same Rust handlers (crates/app/src/commands.rs).
import type { ApiError, Commands } from './bindings'

export type Command = keyof Commands
export type Args<K extends Command> = Commands[K]['args']
export type Result<K extends Command> = Commands[K]['result']

export class CommandError extends Error {
  code: string
  constructor(e: ApiError) {
    super(e.message)
    this.code = e.code
  }
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
      throw new CommandError(typeof e === 'object' && e && 'code' in e ? (e as ApiError) : { code: 'ipc', message: String(e) })
    }
  }
  if (token === null) token = takeToken()
  const res = await fetch(`./api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
    body: JSON.stringify(args ?? {}),
  })
  const body = await res.json()
  if (!res.ok) throw new CommandError(body as ApiError)
  return body as Result<K>
}

/** Desktop only: tells the shell the overview is drawn with data (for the startup measurement). */
export function reportRendered(): void {
  const t = tauri()
  if (t) void t.invoke('rendered', {}).catch(() => undefined)
}
