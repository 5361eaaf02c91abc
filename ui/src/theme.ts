import { ref, watch } from 'vue'

export type Theme = 'light' | 'dark'
const saved = localStorage.getItem('koodesk-theme') as Theme | null
const prefersDark = typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches
export const theme = ref<Theme>(saved ?? (prefersDark ? 'dark' : 'light'))
watch(theme, (v) => localStorage.setItem('koodesk-theme', v))
