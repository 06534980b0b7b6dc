import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { encodeResponse } from '../../../src/kad/encode-response.js'
import { Message, MessageType } from '../../../src/kad/kad-message.js'
import { makePeerIds } from '../../helpers/peer-ids.js'
import type { PeerInfo } from '../../../src/kad/kad-message.js'

const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)

describe('encodeResponse', () => {
  let infos: PeerInfo[]

  before(async () => {
    const ids = await makePeerIds(20)
    infos = ids.map((id, i) => ({
      id: id.toMultihash().bytes as Uint8Array<ArrayBuffer>,
      // one peer with enough addresses that its entry needs a two-byte length
      multiaddrs: Array.from({ length: i === 3 ? 12 : 1 }, (_, j) => multiaddr(`/ip4/127.0.0.1/tcp/${4000 + i * 10 + j}`).bytes as Uint8Array<ArrayBuffer>)
    }))
  })

  const responses = (): Array<[string, Message]> => [
    ['FIND_NODE with 20 closer peers', { type: MessageType.FIND_NODE, key: bytes('peer'), closer: infos, providers: [] }],
    ['GET_VALUE with a record and closer peers', { type: MessageType.GET_VALUE, key: bytes('/kv/k'), record: bytes('record'), closer: infos.slice(5), providers: [] }],
    ['GET_VALUE with neither', { type: MessageType.GET_VALUE, key: bytes('/kv/k'), closer: [], providers: [] }],
    ['PUT_VALUE echo', { type: MessageType.PUT_VALUE, key: bytes('/kv/k'), record: bytes('record'), closer: [], providers: [] }],
    ['GET_PROVIDERS with providers and closer peers', { type: MessageType.GET_PROVIDERS, key: bytes('cid'), closer: infos.slice(0, 3), providers: infos.slice(3, 5) }]
  ]

  it('encodes every response byte for byte as Message.encode does, the second time (cached entries) too', () => {
    for (const [name, response] of responses()) {
      const expected = Buffer.from(Message.encode(response)).toString('hex')
      expect(Buffer.from(encodeResponse(response)).toString('hex'), name).to.equal(expected)
      expect(Buffer.from(encodeResponse(response)).toString('hex'), `${name}, again`).to.equal(expected)
    }
  })

  it('follows a peer whose addresses change (a new PeerInfo object)', () => {
    const response: Message = { type: MessageType.FIND_NODE, key: bytes('peer'), closer: infos.slice(0, 2), providers: [] }
    encodeResponse(response)
    const moved = { ...infos[1], multiaddrs: [multiaddr('/ip4/127.0.0.2/tcp/9').bytes as Uint8Array<ArrayBuffer>] }
    const decoded = Message.decode(encodeResponse({ ...response, closer: [infos[0], moved] }))
    expect(decoded.closer.map((peer) => peer.multiaddrs.map((ma) => multiaddr(ma).toString()))).to.deep.equal([['/ip4/127.0.0.1/tcp/4000'], ['/ip4/127.0.0.2/tcp/9']])
  })
})
