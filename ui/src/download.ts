import type { ExportFile } from './api/bindings'

/** Hands a file the core made (base64) to the browser to save. */
export function saveFile(f: ExportFile): void {
  const bytes = Uint8Array.from(atob(f.content_base64), (c) => c.charCodeAt(0))
  const a = document.createElement('a')
  a.href = URL.createObjectURL(new Blob([bytes], { type: f.mime }))
  a.download = f.file_name
  a.click()
  URL.revokeObjectURL(a.href)
}
