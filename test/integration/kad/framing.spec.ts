import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import * as varint from 'uint8-varint'
import { concat } from 'uint8arrays/concat'
import { FrameReader, writeFrame } from '../../../src/kad/framing.js'
import { addressOf, startPeer, stopPeers } from '../../helpers/peers.js'
import type { Peer } from '../../../src/index.js'
import type { Stream } from '@libp2p/interface'

const PROTOCOL = '/exper-dht-test/frames/1.0.0'

/** `bytes` with its varint length prefix. */
const frame = (...bytes: number[]): Uint8Array => concat([varint.encode(bytes.length), Uint8Array.from(bytes)])

const readAll = async (reader: FrameReader, count: number): Promise<number[][]> => {
  const frames: number[][] = []
  for (let i = 0; i < count; i++) {
    frames.push([...(await reader.read()).subarray()])
  }
  return frames
}

describe('FrameReader on a real stream (TCP + Noise + Yamux)', () => {
  let dialer: Peer
  let listener: Peer
  let inbound: Array<(stream: Stream) => void> = []

  before(async () => {
    [dialer, listener] = await Promise.all([startPeer(), startPeer()])
    await listener.libp2p.handle(PROTOCOL, (stream) => { inbound.shift()?.(stream) })
  })

  after(async () => {
    await stopPeers([dialer, listener])
  })

  /** A new stream from the dialer and the listener's end of it. */
  const open = async (): Promise<{ outbound: Stream, received: Stream }> => {
    const received = new Promise<Stream>((resolve) => { inbound.push(resolve) })
    const outbound = await dialer.libp2p.dialProtocol(multiaddr(addressOf(listener)), PROTOCOL)
    return { outbound, received: await received }
  }

  afterEach(() => {
    inbound = []
  })

  it('reads frames split across writes and several in one write, in order', async () => {
    const { outbound, received } = await open()
    const reader = new FrameReader(received, 1024)
    const bytes = concat([frame(1, 2, 3), frame(4, 5), frame(6)])
    outbound.send(bytes.subarray(0, 6))
    expect([...(await reader.read()).subarray()]).to.deep.equal([1, 2, 3])
    outbound.send(bytes.subarray(6))
    expect(await readAll(reader, 2)).to.deep.equal([[4, 5], [6]])
    await outbound.close()
  })

  it('writeFrame sends what FrameReader reads, also frames longer than 127 bytes', async () => {
    const { outbound, received } = await open()
    const reader = new FrameReader(received, 1024)
    const long = new Uint8Array(300).fill(7)
    await writeFrame(outbound, Uint8Array.from([1]))
    await writeFrame(outbound, long)
    expect((await reader.read()).subarray()).to.deep.equal(Uint8Array.from([1]))
    expect((await reader.read()).subarray()).to.deep.equal(long)
    await outbound.close()
  })

  it('hands out the frames that arrived before the writer closed, then UnexpectedEOFError', async () => {
    const { outbound, received } = await open()
    const reader = new FrameReader(received, 1024)
    outbound.send(concat([frame(1), frame(2), Uint8Array.from([5, 0])]))
    await outbound.close()
    expect(await readAll(reader, 2)).to.deep.equal([[1], [2]])
    const err = await reader.read().then(() => undefined, (e: Error) => e)
    expect(err?.name).to.equal('UnexpectedEOFError')
  })

  it('a read aborted by its signal rejects with the reason; the next read gets the next frame', async () => {
    const { outbound, received } = await open()
    const reader = new FrameReader(received, 1024)
    const controller = new AbortController()
    const pending = reader.read({ signal: controller.signal })
    controller.abort(new Error('given up'))
    const err = await pending.then(() => undefined, (e: Error) => e)
    expect(err?.message).to.equal('given up')
    outbound.send(frame(9))
    expect([...(await reader.read()).subarray()]).to.deep.equal([9])
    await outbound.close()
  })

  it('a frame longer than the limit aborts the stream and fails the read', async () => {
    const { outbound, received } = await open()
    const reader = new FrameReader(received, 16)
    const read = reader.read().then(() => undefined, (e: Error) => e)
    outbound.send(frame(...new Array(17).fill(1)))
    expect((await read)?.name).to.equal('InvalidMessageLengthError')
    expect(received.status).to.equal('aborted')
  })

  it('too many frames sent without waiting for answers abort the stream', async () => {
    const { outbound, received } = await open()
    const reader = new FrameReader(received, 16)
    const sixteen = frame(...new Array(16).fill(1))
    outbound.send(concat([sixteen, sixteen, sixteen, sixteen, sixteen]))
    const closed = await new Promise<Error | undefined>((resolve) => { received.addEventListener('close', (event) => { resolve(event.error) }, { once: true }) })
    expect(closed?.message).to.match(/without waiting for answers/)
    expect(received.status).to.equal('aborted')
    expect(await readAll(reader, 5)).to.have.length(5)
    expect(await reader.read().then(() => undefined, (e: Error) => e.message)).to.match(/without waiting for answers/)
  })
})
