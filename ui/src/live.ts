import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/** Loads when the screen opens and again after every sync, until the screen closes. */
export function loadNowAndAfterSync(load: () => unknown) {
  onMounted(load)
  window.addEventListener('koodesk:synced', load)
  onBeforeUnmount(() => window.removeEventListener('koodesk:synced', load))
}

/** The rows with the one the route points at (by `key`) moved to the top. */
export function focusedFirst<T>(rows: T[], focus: string | null, key: (r: T) => string): T[] {
  if (!focus) return rows
  return [...rows.filter((r) => key(r) === focus), ...rows.filter((r) => key(r) !== focus)]
}

/** A screen's paste-rows dialog: whether it is open, and what follows a paste recorded — the outcome said in
 * `message`, the other screens told, this one reloaded. */
export function usePasteDialog(message: Ref<string>, load: () => Promise<unknown>) {
  const pasting = ref(false)
  async function pasted(m: string) {
    pasting.value = false
    message.value = m
    window.dispatchEvent(new CustomEvent('koodesk:changed'))
    await load()
  }
  return { pasting, pasted }
}
