// Display names of the core's codes (the same names KooGallery's console uses in Chinese).
const zh: Record<string, string> = {
  saas: 'SaaS', license: 'License', image: '镜像', hardware: '硬件', api: 'API', 'ai-asset': 'AI资产',
  'data-asset': '数据资产', 'manual-service': '人工服务', 'app-orchestration': '应用编排',
  period: '包周期', 'one-time': '一次性', 'on-demand': '按需', 'on-demand-package': '按需套餐包', 'per-call': '按次',
  'per-call-package': '按次套餐包', 'per-quantity': '按数',
  'in-progress': '进行中', completed: '已完成', refunded: '已退款', pending: '待审核', approved: '已同意',
  rejected: '已拒绝', requested: '待开票', issued: '已开票', paid: '已付款', sent: '已发送', 'signed-off': '已确认',
  'submit-requirements': '用户提交需求', 'confirm-requirements': '商家确认需求', implement: '商家实施服务',
  'confirm-code': '用户确认授权码', 'activate-code': '授权码激活', 'upload-proof': '上传交付凭证',
  'submit-code': '用户提交识别码', accept: '用户确认验收', 're-review': '华为云复核',
  merchant: '商家', user: '用户', person: '个人', enterprise: '企业', draft: '草稿', platform: '平台', software: '软件', service: '服务',
  // Kinds of an order's timeline entries.
  order: '订单', supervision: '服务监管', unsubscription: '退订', 'invoice-request': '开票申请', outbox: '待同步操作',
  interface: '生产接口调用',
}

// English names where the code alone reads poorly.
const en: Record<string, string> = {
  'invoice-request': 'invoice request', outbox: 'queued action', interface: 'production interface call',
  saas: 'SaaS', license: 'License', image: 'Image', hardware: 'Hardware', api: 'API', 'ai-asset': 'AI asset',
  'data-asset': 'Data asset', 'manual-service': 'Manual service', 'app-orchestration': 'App orchestration',
  period: 'Yearly/monthly', 'one-time': 'One-time', 'on-demand': 'On demand', 'on-demand-package': 'On-demand package',
  'per-call': 'Per call', 'per-call-package': 'Per-call package', 'per-quantity': 'Per quantity',
  'in-progress': 'In progress', completed: 'Completed', refunded: 'Refunded', pending: 'Pending review', approved: 'Approved',
  rejected: 'Rejected', requested: 'To invoice', issued: 'Issued', paid: 'Paid', sent: 'Sent', 'signed-off': 'Signed off',
  'submit-requirements': 'User submits requirements', 'confirm-requirements': 'Merchant confirms requirements',
  implement: 'Merchant implements the service', 'confirm-code': 'User confirms the authorization code',
  'activate-code': 'Authorization code activation', 'upload-proof': 'Merchant uploads delivery proof',
  'submit-code': 'User submits the identification code', accept: 'User accepts', 're-review': 'Huawei Cloud re-review',
  merchant: 'Merchant', user: 'User', person: 'Person', enterprise: 'Enterprise', draft: 'Draft', platform: 'Platform',
  software: 'Software', service: 'Service', order: 'order', supervision: 'supervision', unsubscription: 'unsubscription',
}

export function label(code: string | null | undefined, lang: string): string {
  if (!code) return '—'
  return lang.startsWith('zh') ? (zh[code] ?? code) : (en[code] ?? code)
}
