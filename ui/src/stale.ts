// An action the core refused because the screen it was taken on is older than the stored row (issue 16): the
// row changed since — the seller's own earlier action echoed, another window's, or the buyer's. Nothing was
// queued; the screen reloads and says so (`screen.stale`).
import { CommandError } from './api/client'

/** Whether `e` is the core's stale-screen refusal (code `stale`). */
export function isStale(e: unknown): boolean {
  return e instanceof CommandError && e.code === 'stale'
}
