// Keyboard navigation: "g" then a letter goes to a screen; "/" focuses the search box.
export const GOTO: Record<string, string> = {
  o: '/',
  r: '/orders',
  s: '/supervision',
  u: '/refunds',
  i: '/invoices',
  b: '/settlement',
  c: '/interface',
  h: '/interface-health',
  m: '/import',
  ',': '/settings',
}

/** Feeds key presses; answers the route to go to, "search", or null. */
export function shortcutReader() {
  let pendingG = false
  return (key: string, inField: boolean): string | null => {
    if (inField) return null
    if (key === '/') return 'search'
    if (pendingG) {
      pendingG = false
      return GOTO[key] ?? null
    }
    if (key === 'g') pendingG = true
    return null
  }
}
