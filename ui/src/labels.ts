// Display names of the core's codes (the same names KooGallery's console uses in Chinese).
import type { AccessType, BillingMode, OrderState, OrderType, TaxProduct, Taxpayer } from './api/bindings'

// The vocabularies generated from Rust's enums, one table per language: a `Record` over the union, so a code added
// in Rust (and so in bindings.ts) fails the type check until both languages name it [KG §1].
const ACCESS_TYPES_ZH: Record<AccessType, string> = {
  saas: 'SaaS', license: 'License', image: '镜像', hardware: '硬件', api: 'API', 'ai-asset': 'AI资产', 'data-asset': '数据资产',
  'manual-service': '人工服务', 'app-orchestration': '应用编排',
}
const ACCESS_TYPES_EN: Record<AccessType, string> = {
  saas: 'SaaS', license: 'License', image: 'Image', hardware: 'Hardware', api: 'API', 'ai-asset': 'AI asset', 'data-asset': 'Data asset',
  'manual-service': 'Manual service', 'app-orchestration': 'App orchestration',
}
const BILLING_MODES_ZH: Record<BillingMode, string> = {
  period: '包周期', 'one-time': '一次性', 'on-demand': '按需', 'on-demand-package': '按需套餐包', 'per-call': '按次',
  'per-call-package': '按次套餐包', 'per-quantity': '按数',
}
const BILLING_MODES_EN: Record<BillingMode, string> = {
  period: 'Yearly/monthly', 'one-time': 'One-time', 'on-demand': 'On demand', 'on-demand-package': 'On-demand package',
  'per-call': 'Per call', 'per-call-package': 'Per-call package', 'per-quantity': 'Per quantity',
}
const TAX_PRODUCTS_ZH: Record<TaxProduct, string> = { software: '软件', hardware: '硬件', service: '服务' }
const TAX_PRODUCTS_EN: Record<TaxProduct, string> = { software: 'Software', hardware: 'Hardware', service: 'Service' }
const TAXPAYERS_ZH: Record<Taxpayer, string> = { general: '一般纳税人', 'small-scale': '小规模纳税人' }
const TAXPAYERS_EN: Record<Taxpayer, string> = { general: 'general taxpayer', 'small-scale': 'small-scale taxpayer' }

const ORDER_TYPES_ZH: Record<OrderType, string> = {
  new: '新购', renew: '续费', change: '变更', unsubscribe: '退订', trial: '试用', 'trial-to-formal': '试用转正',
}
const ORDER_TYPES_EN: Record<OrderType, string> = {
  new: 'New', renew: 'Renewal', change: 'Change', unsubscribe: 'Unsubscription', trial: 'Trial', 'trial-to-formal': 'Trial to formal',
}
const ORDER_STATES_ZH: Record<OrderState, string> = { 'in-progress': '进行中', completed: '已完成', refunded: '已退款' }
const ORDER_STATES_EN: Record<OrderState, string> = { 'in-progress': 'In progress', completed: 'Completed', refunded: 'Refunded' }

/** Every access type, in KooGallery's order [KG §1]. */
export const ACCESS_TYPES = Object.keys(ACCESS_TYPES_ZH) as AccessType[]
/** Every billing mode, in KooGallery's order [KG §1]. */
export const BILLING_MODES = Object.keys(BILLING_MODES_ZH) as BillingMode[]

const zhLang = (lang: string) => lang.startsWith('zh')
export const accessTypeLabel = (a: AccessType, lang: string): string => (zhLang(lang) ? ACCESS_TYPES_ZH : ACCESS_TYPES_EN)[a]
export const billingModeLabel = (b: BillingMode, lang: string): string => (zhLang(lang) ? BILLING_MODES_ZH : BILLING_MODES_EN)[b]
/** Every order status the store keeps. */
export const ORDER_STATES = Object.keys(ORDER_STATES_ZH) as OrderState[]
export const orderTypeLabel = (o: OrderType, lang: string): string => (zhLang(lang) ? ORDER_TYPES_ZH : ORDER_TYPES_EN)[o]
export const orderStateLabel = (o: OrderState, lang: string): string => (zhLang(lang) ? ORDER_STATES_ZH : ORDER_STATES_EN)[o]
export const taxProductLabel = (p: TaxProduct, lang: string): string => (zhLang(lang) ? TAX_PRODUCTS_ZH : TAX_PRODUCTS_EN)[p]
export const taxpayerLabel = (p: Taxpayer, lang: string): string => (zhLang(lang) ? TAXPAYERS_ZH : TAXPAYERS_EN)[p]

// Codes not yet typed end to end: a flat map, the code itself where it has no name.
const zh: Record<string, string> = {
  ...ACCESS_TYPES_ZH, ...BILLING_MODES_ZH, ...TAX_PRODUCTS_ZH,
  'in-progress': '进行中', completed: '已完成', refunded: '已退款', pending: '待审核', approved: '已同意',
  rejected: '已拒绝', requested: '待开票', issued: '已开票', paid: '已付款', sent: '已发送', 'signed-off': '已确认', generated: '已生成',
  'submit-requirements': '用户提交需求', 'confirm-requirements': '商家确认需求', implement: '商家实施服务',
  'confirm-code': '用户确认授权码', 'activate-code': '授权码激活', 'upload-proof': '上传交付凭证',
  'submit-code': '用户提交识别码', accept: '用户确认验收', 're-review': '华为云复核',
  merchant: '商家', user: '用户', person: '个人', enterprise: '企业', draft: '草稿', platform: '平台',
  // Kinds of an order's timeline entries.
  order: '订单', supervision: '服务监管', unsubscription: '退订', 'invoice-request': '开票申请', outbox: '待同步操作',
  interface: '生产接口调用',
}

// English names where the code alone reads poorly.
const en: Record<string, string> = {
  'invoice-request': 'invoice request', outbox: 'queued action', interface: 'production interface call',
  ...ACCESS_TYPES_EN, ...BILLING_MODES_EN, ...TAX_PRODUCTS_EN,
  'in-progress': 'In progress', completed: 'Completed', refunded: 'Refunded', pending: 'Pending review', approved: 'Approved',
  rejected: 'Rejected', requested: 'To invoice', issued: 'Issued', paid: 'Paid', sent: 'Sent', 'signed-off': 'Signed off', generated: 'Generated',
  'submit-requirements': 'User submits requirements', 'confirm-requirements': 'Merchant confirms requirements',
  implement: 'Merchant implements the service', 'confirm-code': 'User confirms the authorization code',
  'activate-code': 'Authorization code activation', 'upload-proof': 'Merchant uploads delivery proof',
  'submit-code': 'User submits the identification code', accept: 'User accepts', 're-review': 'Huawei Cloud re-review',
  merchant: 'Merchant', user: 'User', person: 'Person', enterprise: 'Enterprise', draft: 'Draft', platform: 'Platform',
  order: 'order', supervision: 'supervision', unsubscription: 'unsubscription',
}

export function label(code: string | null | undefined, lang: string): string {
  if (!code) return '—'
  return lang.startsWith('zh') ? (zh[code] ?? code) : (en[code] ?? code)
}
