// What the trackers need to know of KooGallery's rules: the supervised product types and each one's steps in order
// (crates/domain/src/supervision.rs, `ProductType::steps`), the product type an order's access type suggests, and
// Beijing date-times as the core reads them. Unit-tested in tracking.test.ts.
import type { ProductType, Step } from './api/bindings'

export const PRODUCT_TYPES: ProductType[] = ['manual-service', 'data-file', 'license2', 'license1', 'hardware', 'license-offline', 'software-package', 'app-orchestration']

export const STEPS_OF: Record<ProductType, Step[]> = {
  'manual-service': ['submit-requirements', 'confirm-requirements', 'implement', 'accept', 're-review', 'completed'],
  'data-file': ['submit-requirements', 'confirm-requirements', 'implement', 'accept', 're-review', 'completed'],
  license2: ['confirm-code', 'activate-code', 'upload-proof', 're-review', 'completed'],
  license1: ['submit-code', 'implement', 'accept', 're-review', 'completed'],
  hardware: ['implement', 'accept', 're-review', 'completed'],
  'license-offline': ['implement', 'accept', 're-review', 'completed'],
  'software-package': ['implement', 'accept', 're-review', 'completed'],
  'app-orchestration': ['implement', 'accept', 're-review', 'completed'],
}

/** Access types whose products have no service supervision (KooGallery §3); SaaS may or may not. */
const UNSUPERVISED = ['image', 'api', 'ai-asset']

export function supervised(accessType: string): boolean {
  return !UNSUPERVISED.includes(accessType)
}

export function isProductType(s: string | null | undefined): s is ProductType {
  return !!s && (PRODUCT_TYPES as string[]).includes(s)
}

/** The product type an order's access type suggests (a License product's kind is the seller's to choose). */
export function productTypeOf(accessType: string): ProductType {
  switch (accessType) {
    case 'hardware':
      return 'hardware'
    case 'license':
      return 'license2'
    case 'app-orchestration':
      return 'app-orchestration'
    case 'data-asset':
      return 'data-file'
    default:
      return 'manual-service'
  }
}

/** The step after `step` in the product type's flow (the first when the step is not in it; completed stays). */
export function nextStep(pt: ProductType, step: string | null | undefined): Step {
  const steps = STEPS_OF[pt]
  const at = steps.indexOf(step as Step)
  if (at < 0) return steps[0]
  return steps[Math.min(at + 1, steps.length - 1)]
}

/** A Beijing date-time for a datetime-local input, to the minute: "2026-11-28T10:00". */
export function beijingInput(at: Date = new Date()): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16)
}

/** A datetime-local value as the core reads a Beijing date-time without offset: "2026-11-28T10:00:00". */
export function toCoreDateTime(local: string): string {
  const v = local.trim()
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00` : v
}

/** Order IDs as pasted: separated by spaces, commas or lines. */
export function splitIds(text: string): string[] {
  return text.split(/[\s,，、;；]+/).map((s) => s.trim()).filter(Boolean)
}
