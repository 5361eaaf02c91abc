import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import enUS from './locales/en-US'

export const LANGS = ['zh-CN', 'en-US'] as const
export type Lang = (typeof LANGS)[number]

export const i18n = createI18n({
  legacy: false,
  locale: (localStorage.getItem('koodesk-lang') as Lang | null) ?? 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, 'en-US': enUS },
})

export function setLang(lang: Lang) {
  i18n.global.locale.value = lang
  localStorage.setItem('koodesk-lang', lang)
  document.documentElement.lang = lang
}
