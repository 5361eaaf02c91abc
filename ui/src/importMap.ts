// The column mapping of an import, as the core reads it: `HEADER=field,…` (a header may contain `=`: the field is
// after the last one). Unit-tested in importMap.test.ts.
import type { ExportKind } from './api/bindings'

/** The fields each kind of export reads (crates/documents/src/import/fields.rs, `fields_of`); a column mapped to
 * another field is refused. */
export const FIELDS_OF: Record<ExportKind, string[]> = {
  orders: ['order_id', 'order_line_id', 'buyer_name', 'buyer_account', 'product_name', 'product_id', 'sku', 'created_at', 'paid_at', 'status', 'order_type', 'billing_mode', 'access_type', 'amount'],
  transactions: ['order_id', 'order_line_id', 'product_name', 'buyer_account', 'created_at', 'amount', 'period', 'bill_status', 'supervision_status', 'repayment_status'],
  bills: ['bill_id', 'period', 'amount', 'platform_fee', 'merchant_share', 'status'],
  'bill-lines': ['period', 'bill_id', 'order_id', 'order_line_id', 'product_name', 'amount', 'platform_fee', 'merchant_share'],
}

export type MapEntry = [header: string, field: string]

export function parseMap(spec: string | null | undefined): MapEntry[] {
  const out: MapEntry[] = []
  for (const item of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = item.lastIndexOf('=')
    if (at <= 0) continue
    out.push([item.slice(0, at).trim(), item.slice(at + 1).trim()])
  }
  return out
}

export function joinMap(entries: MapEntry[]): string {
  return entries.map(([h, f]) => `${h}=${f}`).join(',')
}

/** The mapping with `header` read as `field` (or left to the core's recognition when null); a field is read from
 * one column, so another column mapped to the same field loses its entry. */
export function withColumn(entries: MapEntry[], header: string, field: string | null): MapEntry[] {
  const rest = entries.filter(([h, f]) => h !== header && (field === null || f !== field))
  return field === null ? rest : [...rest, [header, field]]
}
