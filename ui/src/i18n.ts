import { createI18n } from 'vue-i18n'

export const LANGS = ['zh-CN', 'en-US'] as const
export type Lang = (typeof LANGS)[number]

// Each language is its own chunk: the console loads the one it starts in before it mounts (main.ts) and the other
// only when the user switches to it, so the entry chunk carries neither.
const loaders: Record<Lang, () => Promise<{ default: Record<string, unknown> }>> = {
  'zh-CN': () => import('./locales/zh-CN'),
  'en-US': () => import('./locales/en-US'),
}

const stored = localStorage.getItem('koodesk-lang')
/** The language the console starts in: the last one chosen, else zh-CN. */
export const startLang: Lang = (LANGS as readonly string[]).includes(stored ?? '') ? (stored as Lang) : 'zh-CN'

export const i18n = createI18n({ legacy: false, locale: startLang, fallbackLocale: 'zh-CN', messages: {} })

/** Makes sure a language's messages are loaded (once). */
export async function loadLang(lang: Lang): Promise<void> {
  if (i18n.global.availableLocales.includes(lang)) return
  i18n.global.setLocaleMessage(lang, (await loaders[lang]()).default as never)
}

export async function setLang(lang: Lang) {
  await loadLang(lang)
  i18n.global.locale.value = lang
  localStorage.setItem('koodesk-lang', lang)
  document.documentElement.lang = lang
}
