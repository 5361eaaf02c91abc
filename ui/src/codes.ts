// The core's codes in the seller's language, through vue-i18n (`codes.*` in the locales): a code without a name
// there is shown as it is.
import { useI18n } from 'vue-i18n'

export function useCodes() {
  const { t, te } = useI18n()
  const code = (group: string, value: string | null | undefined): string => {
    if (!value) return '—'
    const key = `codes.${group}.${value}`
    return te(key) ? t(key) : value
  }
  /** A supervision step as the Seller Console names it for the product type (商家发货 for hardware, …). */
  const step = (s: string, productType: string | null | undefined): string => {
    const key = `codes.stepsBy.${productType}.${s}`
    return productType && te(key) ? t(key) : code('steps', s)
  }
  return { code, step }
}
