import { describe, expect, it } from 'vitest'
import { joinMap, parseMap, withColumn } from './importMap'

describe('import mapping', () => {
  it('reads HEADER=field entries, the field after the last =', () => {
    expect(parseMap(' 成交金额=amount , a=b=order_id,,bad ')).toEqual([['成交金额', 'amount'], ['a=b', 'order_id']])
    expect(parseMap(null)).toEqual([])
  })
  it('a column chosen replaces its entry and any other column mapped to that field', () => {
    const m = parseMap('买家账号=buyer_account,成交金额=amount')
    expect(joinMap(withColumn(m, '买家账号', 'buyer_name'))).toBe('成交金额=amount,买家账号=buyer_name')
    expect(joinMap(withColumn(m, '实付', 'amount'))).toBe('买家账号=buyer_account,实付=amount')
    expect(joinMap(withColumn(m, '成交金额', null))).toBe('买家账号=buyer_account')
    // Left unread: written as HEADER=ignore, which the core also applies to a column it recognises.
    expect(joinMap(withColumn(m, '成交金额', 'ignore'))).toBe('买家账号=buyer_account,成交金额=ignore')
  })
})
