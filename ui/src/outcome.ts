// The words for what a sync or an action's push came to: the core sends codes and the values they name
// (crates/app/src/api.rs's `SyncFailure` and `Queued`), the console says them in the seller's language. The
// marketplace's own words (why it refused an action) and the core's English detail are quoted, never alone.
import type { Queued, SyncFailure } from './api/bindings'
import { describeError } from './errors'

type Translate = (key: string, named?: Record<string, unknown>) => string
type Has = (key: string) => boolean

/** Why the last sync did not finish. */
export function syncFailureText(f: SyncFailure, t: Translate, te: Has): string {
  switch (f.code) {
    case 'offline':
      return t('outcome.offline')
    case 'incomplete':
      return t('outcome.incomplete', { detail: f.detail })
    case 'failed':
      return describeError(f.error, t, te)
  }
}

/** What became of an action the seller took: sent, awaiting KooGallery's echo, queued, refused or only recorded. */
export function queuedText(q: Queued, t: Translate): string {
  if (q.refused !== null) return t('outcome.refused', { why: q.refused })
  if (q.recorded) return t('outcome.recorded')
  if (q.pending_sync === 'awaiting-echo') return t('outcome.awaitingEcho')
  if (q.pending_sync === 'queued' || !q.sent) return t('outcome.queued')
  return t('outcome.sent')
}
