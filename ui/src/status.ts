// The core's status, shared: the status bar shows it, and the screens read the connection mode from it (files
// or a gateway changes what their buttons do). App.vue refreshes it every 10 s and on `koodesk:changed`.
import { computed, ref } from 'vue'
import { call } from './api/client'
import type { EndpointMode, Status } from './api/bindings'

export const status = ref<Status | null>(null)

/** The mode the core runs in; null until the first status arrives. */
export const mode = computed<EndpointMode | null>(() => status.value?.mode ?? null)

/** Files only: the seller acts on the Seller Console and records it here. */
export const filesOnly = computed(() => mode.value === 'files')

/** Gateway or files: what KooGallery shows only on its web console is recorded by hand, and what the seller does
 * there (supervision steps, unsubscription decisions, invoices issued) is recorded, not sent (on a gateway the
 * record is shared with every desk through it). */
export const tracking = computed(() => mode.value === 'gateway' || mode.value === 'files')

export async function refreshStatus(): Promise<void> {
  try {
    status.value = await call('status')
  } catch {
    /* the status bar keeps its last value */
  }
}
