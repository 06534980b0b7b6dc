import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { commonPrefixLength, compareDistances, distancePrefix, kadId, randomKeyInBucket } from '../../../src/kad/kad-id.js'
import { xorDistance } from '../../helpers/xor-distance.js'

/** `compareDistances` of `a` and `b` to `target`, reduced to its sign. */
function order (a: Uint8Array, b: Uint8Array, target: Uint8Array): number {
  return Math.sign(compareDistances(a, distancePrefix(a, target), b, distancePrefix(b, target), target))
}

describe('kad ids: distance order and buckets', () => {
  it('orders random ids as the byte-wise XOR distance does', () => {
    const target = randomBytes(32)
    for (let i = 0; i < 2000; i++) {
      const [a, b] = [randomBytes(32), randomBytes(32)]
      expect(order(a, b, target)).to.equal(Buffer.compare(xorDistance(a, target), xorDistance(b, target)))
    }
  })

  it('keeps all 48 bits of the prefix: a difference in the first bit outweighs the other 47', () => {
    const target = new Uint8Array(32)
    const far = new Uint8Array(32)
    far[0] = 0x80
    const near = new Uint8Array(32).fill(0xff)
    near[0] = 0x7f
    expect(distancePrefix(far, target)).to.equal(2 ** 47)
    expect(distancePrefix(near, target)).to.equal(2 ** 47 - 1)
    expect(order(near, far, target)).to.equal(-1)
  })

  it('tells ids apart by their later bytes when the first 48 bits of their distances tie', () => {
    const target = randomBytes(32)
    const a = Uint8Array.from(target)
    const b = Uint8Array.from(target)
    a[31] ^= 0x02
    b[31] ^= 0x01
    expect(distancePrefix(a, target)).to.equal(distancePrefix(b, target))
    expect(order(a, b, target)).to.equal(1)
    expect(order(b, a, target)).to.equal(-1)
    expect(order(a, Uint8Array.from(a), target)).to.equal(0)
  })

  it('draws keys in the bucket asked for: their ids share exactly that many leading bits with ours', () => {
    const self = randomBytes(32)
    for (let cpl = 0; cpl < 10; cpl++) {
      const keys = [randomKeyInBucket(self, cpl), randomKeyInBucket(self, cpl)]
      expect(keys.map((key) => commonPrefixLength(kadId(key), self))).to.deep.equal([cpl, cpl])
      expect(keys[0]).to.not.deep.equal(keys[1])
    }
  })

  it('counts the leading bits two ids share', () => {
    const a = new Uint8Array(32)
    const b = new Uint8Array(32)
    expect(commonPrefixLength(a, b)).to.equal(256)
    b[2] = 0x10
    expect(commonPrefixLength(a, b)).to.equal(19)
  })
})
