// For unit tests: the console's words in one language, as the word-building modules take them (`Words`).
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import enUS from './locales/en-US'
import type { Words } from './timeline'

export function words(locale: 'zh-CN' | 'en-US'): Words {
  const g = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, 'en-US': enUS } }).global
  return { t: (k, n) => (n ? g.t(k, n) : g.t(k)), te: (k) => g.te(k), locale }
}
