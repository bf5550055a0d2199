import { describe, expect, it } from 'vitest'
import { isMobilePhone } from '../src/lib/format.js'

describe('isMobilePhone', () => {
  it('takes a DDD and nine digits starting with 9', () => {
    expect(isMobilePhone('11988887777')).toBe(true)
    expect(isMobilePhone('(21) 99876-5432')).toBe(true)
    expect(isMobilePhone('5511988887777')).toBe(true)
  })

  it('refuses landlines and anything else', () => {
    expect(isMobilePhone('1132104400')).toBe(false) // (11) 3210-4400
    expect(isMobilePhone('551132104400')).toBe(false)
    expect(isMobilePhone('11388887777')).toBe(false) // eleven digits, but not a 9 after the DDD
    expect(isMobilePhone('')).toBe(false)
    expect(isMobilePhone('0800 123 4567')).toBe(false)
  })
})
