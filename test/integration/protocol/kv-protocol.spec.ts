import { createHash, randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import {
  KvClient, KvRequest, KvResponse, MAX_FRAME_BYTES, MAX_INBOUND_STREAMS_PER_CONNECTION, MAX_VALUE_BYTES,
  NotFoundError, QuorumFailedError
} from '../../../src/index.js'
import { startNetwork } from '../../helpers/peers.js'
import { createRawNode, frame, openKvStream, rawExchange, varint } from '../../helpers/raw-kv.js'
import type { Peer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)
/** Short enough to test stalled clients quickly, long enough for DHT operations on a loaded 2-core machine. */
const REQUEST_DEADLINE_MS = 6000

function request (fields: Partial<KvRequest>): Uint8Array {
  return frame(KvRequest.encode({ type: KvRequest.Type.STORE, key: 'k', value: new Uint8Array(), quorum: 0, ...fields }))
}

describe('/exper-dht/kv/1.0.0 on a 5-peer network', () => {
  let network: TestNetwork
  let client: KvClient
  let raw: Libp2p
  let a: Peer
  let e: Peer
  let addrA: Multiaddr

  before(async () => {
    network = await startNetwork(5, { kvServer: { requestDeadlineMs: REQUEST_DEADLINE_MS } })
    a = network.peers[0]
    e = network.peers[4]
    addrA = a.getMultiaddrs()[0]
    client = await KvClient.create()
    raw = await createRawNode()
  })

  after(async () => {
    await client?.close()
    await raw?.stop()
    await network?.stop()
  })

  /** The peer still serves a normal request (used after every abuse). */
  async function stillServes (): Promise<void> {
    const key = `alive-${randomBytes(4).toString('hex')}`
    await client.store(addrA, key, bytes('yes'))
    expect(uint8ArrayToString((await client.retrieve(addrA, key)).value)).to.equal('yes')
  }

  it('stores through peer A and retrieves through peer E', async () => {
    const stored = await client.store(addrA, 'through-a', bytes('hello from a thin client'), { quorum: 3 })
    expect(stored.replicas).to.be.at.least(3)
    const got = await client.retrieve(e.getMultiaddrs()[0], 'through-a')
    expect(uint8ArrayToString(got.value)).to.equal('hello from a thin client')
    expect(got.seq).to.equal(stored.seq)
    expect((await a.getLocal('through-a'))?.publisher).to.deep.equal(a.peerId.toMultihash().bytes)
  })

  it('stores binary values up to 64 KiB', async () => {
    const value = randomBytes(MAX_VALUE_BYTES)
    await client.store(addrA, 'binary', value)
    expect(Buffer.from((await client.retrieve(e.getMultiaddrs()[0], 'binary')).value).equals(value)).to.equal(true)
  })

  it('answers NOT_FOUND for a key nobody stored', async () => {
    const err = await client.retrieve(addrA, 'nobody-stored-this').then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(NotFoundError)
    const response = await rawExchange(raw, addrA, request({ type: KvRequest.Type.RETRIEVE, key: 'nobody-stored-this' }))
    expect(response).to.include({ status: KvResponse.Status.NOT_FOUND })
  })

  it('answers TOO_LARGE for a value of 64 KiB + 1', async () => {
    const response = await rawExchange(raw, addrA, request({ key: 'big', value: new Uint8Array(MAX_VALUE_BYTES + 1) }))
    expect(response).to.not.equal('reset')
    expect((response as KvResponse).status).to.equal(KvResponse.Status.TOO_LARGE)
    expect((response as KvResponse).error).to.match(/65537 bytes/)
    expect(await a.getLocal('big')).to.equal(undefined)
  })

  for (const [what, body, reason] of [
    ['an empty key', KvRequest.encode({ type: KvRequest.Type.STORE, key: '', value: bytes('v'), quorum: 0 }), /empty/],
    ['a 257-byte key', KvRequest.encode({ type: KvRequest.Type.RETRIEVE, key: 'k'.repeat(257), value: new Uint8Array(), quorum: 0 }), /257 bytes/],
    ['bad protobuf', Uint8Array.of(0x0a, 0xff, 0xff, 0x01), /not a valid Request/],
    ['an unknown type', Uint8Array.of(0x08, 0x07, 0x12, 0x01, 0x6b), /not a valid Request/],
    ['a quorum over 64', KvRequest.encode({ type: KvRequest.Type.STORE, key: 'q', value: bytes('v'), quorum: 65 }), /quorum 65/]
  ] as const) {
    it(`answers INVALID_REQUEST for ${what}`, async () => {
      const response = await rawExchange(raw, addrA, frame(body))
      expect(response).to.not.equal('reset')
      expect((response as KvResponse).status).to.equal(KvResponse.Status.INVALID_REQUEST)
      expect((response as KvResponse).error).to.match(reason)
    })
  }

  it('answers QUORUM_FAILED with the replica count when too few peers can store it', async () => {
    const err = await client.store(addrA, 'needs-six', bytes('v'), { quorum: 6 }).then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(QuorumFailedError)
    expect((err as QuorumFailedError).replicas).to.equal(5)
    expect(err?.message).to.match(/5 of the 6 replicas/)
  })

  for (const [option, value, reason] of [
    ['quorum', 0, /quorum must be a whole number from 1 to 64, not 0 \(leave it out for the peer's default\)/],
    ['quorum', 65, /from 1 to 64, not 65/],
    ['quorum', 1.5, /not 1.5/],
    ['ttlSeconds', 0, /ttl must be a whole number of seconds from 1 to 4294967295, not 0 \(leave it out for no end\)/],
    ['ttlSeconds', -1, /not -1/]
  ] as const) {
    it(`the client refuses ${option} ${value} before sending anything`, async () => {
      const err = await client.store(addrA, 'bad-option', bytes('v'), { [option]: value }).then(() => undefined, (e: Error) => e)
      expect(err).to.be.instanceOf(RangeError)
      expect(err?.message).to.match(reason)
    })
  }

  describe('abuse costs only the abusive stream', () => {
    it('garbage: a broken length prefix is reset, a garbage body is INVALID_REQUEST', async () => {
      const garbage = createHash('sha512').update('garbage').digest()
      expect(await rawExchange(raw, addrA, Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...garbage]))).to.equal('reset')
      const response = await rawExchange(raw, addrA, frame(Uint8Array.from([0xff, ...garbage])))
      expect(response).to.include({ status: KvResponse.Status.INVALID_REQUEST })
      await stillServes()
    })

    it('a length prefix of 2^31 is reset without waiting for the body', async () => {
      const started = Date.now()
      expect(await rawExchange(raw, addrA, Uint8Array.from(varint(2 ** 31)), false)).to.equal('reset')
      expect(Date.now() - started).to.be.below(REQUEST_DEADLINE_MS)
      await stillServes()
    })

    it('a frame just over the limit is reset', async () => {
      const oversized = Uint8Array.from([...varint(MAX_FRAME_BYTES + 1), ...new Uint8Array(MAX_FRAME_BYTES + 1)])
      expect(await rawExchange(raw, addrA, oversized)).to.equal('reset')
      await stillServes()
    })

    it('a truncated frame', async () => {
      const whole = request({ key: 'cut', value: bytes('0123456789') })
      expect(await rawExchange(raw, addrA, whole.subarray(0, whole.byteLength - 4))).to.equal('reset')
      expect(await a.getLocal('cut')).to.equal(undefined)
      await stillServes()
    })

    it('a client that stalls is cut off at the deadline', async () => {
      const started = Date.now()
      const whole = request({ key: 'stalled', value: bytes('never finished') })
      expect(await rawExchange(raw, addrA, whole.subarray(0, 5), false)).to.equal('reset')
      const elapsed = Date.now() - started
      expect(elapsed).to.be.within(REQUEST_DEADLINE_MS - 500, REQUEST_DEADLINE_MS * 3)
      await stillServes()
    })

    it('300 concurrent idle streams: capped, cut off at the deadline, memory bounded', async () => {
      const heapBefore = process.memoryUsage().heapUsed
      const nodes = await Promise.all(Array.from({ length: 10 }, createRawNode))
      try {
        const attempts = await Promise.allSettled(Array.from({ length: 300 }, async (_, i) => {
          const stream = await openKvStream(nodes[i % nodes.length], addrA)
          stream.send(Uint8Array.from(varint(MAX_FRAME_BYTES)))
          stream.send(new Uint8Array(1024))
          return stream
        }))
        const opened = attempts.filter((result) => result.status === 'fulfilled').map((result) => result.value)
        expect(opened.length).to.be.at.most(10 * MAX_INBOUND_STREAMS_PER_CONNECTION)
        expect(a.kvServer.activeStreams).to.be.at.most(10 * MAX_INBOUND_STREAMS_PER_CONNECTION)
        await stillServes()
        await Promise.all(opened.map(async (stream) => new Promise<void>((resolve) => {
          if (stream.status === 'reset' || stream.status === 'aborted' || stream.status === 'closed') resolve()
          else stream.addEventListener('close', () => { resolve() }, { once: true })
        })))
        expect(a.kvServer.activeStreams).to.equal(0)
        expect(process.memoryUsage().heapUsed - heapBefore).to.be.below(64 * 1024 * 1024)
      } finally {
        await Promise.all(nodes.map(async (node) => node.stop()))
      }
      await stillServes()
    })
  })
})
