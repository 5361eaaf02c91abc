import { describe, expect, it } from 'vitest'
import { beijingInput, nextStep, productTypeOf, splitIds, STEPS_OF, supervised, toCoreDateTime } from './tracking'

describe('trackers', () => {
  it('each product type has its own steps, re-review and completion last', () => {
    expect(STEPS_OF['manual-service']).toEqual(['submit-requirements', 'confirm-requirements', 'implement', 'accept', 're-review', 'completed'])
    expect(STEPS_OF.license2).toEqual(['confirm-code', 'activate-code', 'upload-proof', 're-review', 'completed'])
    expect(STEPS_OF.license1).toEqual(['submit-code', 'implement', 'accept', 're-review', 'completed'])
    for (const steps of Object.values(STEPS_OF)) expect(steps.slice(-2)).toEqual(['re-review', 'completed'])
  })
  it('the next step follows the flow', () => {
    expect(nextStep('manual-service', 'confirm-requirements')).toBe('implement')
    expect(nextStep('hardware', 'submit-requirements')).toBe('implement')
    expect(nextStep('license2', 'completed')).toBe('completed')
  })
  it('an access type suggests a product type; images, APIs and AI assets are not supervised', () => {
    expect(productTypeOf('data-asset')).toBe('data-file')
    expect(productTypeOf('license')).toBe('license2')
    expect(productTypeOf('manual-service')).toBe('manual-service')
    expect(supervised('api')).toBe(false)
    expect(supervised('saas')).toBe(true)
  })
  it('Beijing date-times, and IDs as pasted', () => {
    expect(beijingInput(new Date('2026-11-28T02:00:30Z'))).toBe('2026-11-28T10:00')
    expect(toCoreDateTime('2026-11-28T10:00')).toBe('2026-11-28T10:00:00')
    expect(toCoreDateTime('2026-11-28T10:00:05')).toBe('2026-11-28T10:00:05')
    expect(splitIds(' CS1, CS2\nCS3\tCS4，CS5 ')).toEqual(['CS1', 'CS2', 'CS3', 'CS4', 'CS5'])
  })
})
