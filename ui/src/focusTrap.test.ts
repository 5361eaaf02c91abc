import { afterEach, describe, expect, it } from 'vitest'
import { trapTab } from './focusTrap'

function box(html: string): HTMLElement {
  const el = document.createElement('div')
  el.tabIndex = -1
  el.innerHTML = html
  document.body.append(el)
  return el
}
function tab(el: HTMLElement, shiftKey = false): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key: 'Tab', shiftKey, cancelable: true })
  trapTab(e, el)
  return e
}

afterEach(() => (document.body.innerHTML = ''))

describe('trapTab', () => {
  it('wraps from the last control to the first and back', () => {
    const el = box('<button id="a">a</button><input id="b"><button id="c" disabled>c</button><a id="d" href="#/x">d</a>')
    document.getElementById('d')!.focus()
    expect(tab(el).defaultPrevented).toBe(true)
    expect(document.activeElement?.id).toBe('a')
    expect(tab(el, true).defaultPrevented).toBe(true)
    expect(document.activeElement?.id).toBe('d')
  })
  it('leaves a Tab between two inner controls to the browser', () => {
    const el = box('<button id="a">a</button><button id="b">b</button>')
    document.getElementById('a')!.focus()
    expect(tab(el).defaultPrevented).toBe(false)
    expect(document.activeElement?.id).toBe('a')
  })
  it('brings the focus back in from the container itself', () => {
    const el = box('<button id="a">a</button><button id="b">b</button>')
    el.focus()
    tab(el)
    expect(document.activeElement?.id).toBe('a')
    el.focus()
    tab(el, true)
    expect(document.activeElement?.id).toBe('b')
  })
})
