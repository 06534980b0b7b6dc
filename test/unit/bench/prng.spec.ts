import { expect } from 'chai'
import { Prng } from '../../../bench/prng.js'

describe('bench: the seeded PRNG', () => {
  const draws = (prng: Prng, n: number): number[] => Array.from({ length: n }, () => prng.next())

  it('repeats its sequence for the same seed and label, and changes it otherwise', () => {
    const a = draws(Prng.derive(1, 'put'), 20)
    expect(draws(Prng.derive(1, 'put'), 20)).to.deep.equal(a)
    expect(draws(Prng.derive(2, 'put'), 20)).to.not.deep.equal(a)
    expect(draws(Prng.derive(1, 'get'), 20)).to.not.deep.equal(a)
  })

  it('draws in [0, 1) and spreads whole numbers over their range', () => {
    const prng = new Prng(7)
    const seen = new Set<number>()
    for (let i = 0; i < 1000; i++) {
      const x = prng.next()
      expect(x).to.be.at.least(0).and.below(1)
      seen.add(prng.int(10))
    }
    expect([...seen].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('pickOther never returns the excluded item unless it is the only one', () => {
    const prng = new Prng(3)
    for (let i = 0; i < 200; i++) {
      expect(prng.pickOther([0, 1, 2], 1)).to.not.equal(1)
    }
    expect(prng.pickOther([4], 4)).to.equal(4)
    expect(() => prng.pick([])).to.throw(RangeError)
  })
})
