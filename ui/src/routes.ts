import type { InboxItem } from './api/bindings'

/** The screen that shows an inbox item (the core's notices use the same routes). */
export function routeOf(i: Pick<InboxItem, 'group' | 'ref_id' | 'order_id'>): string {
  switch (i.group) {
    case 'supervision':
      return `/supervision?order=${encodeURIComponent(i.order_id ?? i.ref_id)}`
    case 'unsubscriptions':
      return `/refunds?id=${encodeURIComponent(i.ref_id)}`
    case 'invoices':
      return `/invoices?id=${encodeURIComponent(i.ref_id)}`
    case 'reviews':
      return `/onboarding?review=${encodeURIComponent(i.ref_id)}`
    default:
      return '/settlement'
  }
}
