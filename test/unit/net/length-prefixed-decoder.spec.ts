import { LengthPrefixedDecoder } from '@libp2p/utils'
import { expect } from 'chai'
import { Uint8ArrayList } from 'uint8arraylist'
import '../../../src/net/length-prefixed-decoder.js'

/** A frame as Noise writes it: a 2-byte big-endian length, then the bytes. */
const frame = (...bytes: number[]): number[] => [bytes.length >> 8, bytes.length & 0xff, ...bytes]

describe('LengthPrefixedDecoder workaround (Noise frames)', () => {
  let emptyCalls: number
  let decoder: LengthPrefixedDecoder

  beforeEach(() => {
    emptyCalls = 0
    decoder = new LengthPrefixedDecoder({
      encodingLength: () => 2,
      lengthDecoder: (data: Uint8Array | Uint8ArrayList) => {
        if (data.byteLength === 0) {
          emptyCalls++
        }
        if (data.byteLength < 2) {
          throw new RangeError('Could not decode int16BE')
        }
        return (data instanceof Uint8Array ? data[0] : data.get(0)) * 256 + (data instanceof Uint8Array ? data[1] : data.get(1))
      }
    })
  })

  const decode = (bytes: number[]): number[][] => [...decoder.decode(Uint8Array.from(bytes))].map((out) => [...out.subarray()])

  it('never asks the length decoder about an empty buffer after the last whole frame', () => {
    expect(decode([...frame(1, 2, 3), ...frame(4)])).to.deep.equal([[1, 2, 3], [4]])
    expect(decode(frame(5, 6))).to.deep.equal([[5, 6]])
    expect(emptyCalls).to.equal(0)
  })

  it('still keeps a partial frame for the next chunk', () => {
    const bytes = [...frame(1, 2), ...frame(3, 4, 5)]
    expect(decode(bytes.slice(0, 5))).to.deep.equal([[1, 2]])
    expect(decode(bytes.slice(5, 6))).to.deep.equal([])
    expect(decode(bytes.slice(6))).to.deep.equal([[3, 4, 5]])
    expect(emptyCalls).to.equal(0)
  })

  it('still refuses a frame longer than the limit', () => {
    const strict = new LengthPrefixedDecoder({ maxDataLength: 2, encodingLength: () => 2, lengthDecoder: (data: Uint8Array | Uint8ArrayList) => data.subarray(0, 2)[1] })
    expect(() => [...strict.decode(Uint8Array.from(frame(1, 2, 3)))]).to.throw('Invalid message length')
  })
})
