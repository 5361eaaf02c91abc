// Keeps Tab and Shift+Tab inside a dialog or drawer: past the last control the focus wraps to the first, and back.

const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/** The controls in `box` that Tab stops at, in document order. */
export function focusables(box: HTMLElement): HTMLElement[] {
  return [...box.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[inert]'))
}

/** On Tab inside `box`: wraps the focus at either end, and pulls it back in if it was outside. */
export function trapTab(e: KeyboardEvent, box: HTMLElement): void {
  if (e.key !== 'Tab') return
  const stops = focusables(box)
  if (!stops.length) {
    e.preventDefault()
    box.focus()
    return
  }
  const first = stops[0]
  const last = stops[stops.length - 1]
  const at = document.activeElement as HTMLElement | null
  const inside = !!at && box.contains(at) && at !== box
  if (e.shiftKey && (!inside || at === first)) {
    e.preventDefault()
    last.focus()
  } else if (!e.shiftKey && (!inside || at === last)) {
    e.preventDefault()
    first.focus()
  }
}
