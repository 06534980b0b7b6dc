import { expect } from 'chai'
import { startPeer } from '../../helpers/peers.js'
import type { Peer } from '../../../src/index.js'

describe('Peer.listRecords (a page of the records held, without values)', () => {
  let peer: Peer
  before(async () => { peer = await startPeer() })
  after(async () => { await peer?.stop() })

  it('lists every live record by DHT key, with its size, expiry and whether it was published here', async () => {
    expect(peer.listRecords()).to.deep.equal({ total: 0, records: [] })
    for (const key of ['b', 'a', 'c']) {
      await peer.put(key, new TextEncoder().encode(`value of ${key}`))
    }
    const { total, records } = peer.listRecords()
    expect(total).to.equal(3)
    expect(records.map((r) => r.key)).to.deep.equal(['/kv/a', '/kv/b', '/kv/c'])
    for (const record of records) {
      expect(record).to.have.keys(['key', 'namespace', 'bytes', 'expires', 'storedAt', 'published'])
      expect(record.namespace).to.equal('kv')
      expect(record.published).to.equal(true)
      expect(record.bytes).to.be.above(0)
      expect(record.expires).to.be.above(Date.now())
    }
  })

  it('pages with offset and limit', () => {
    expect(peer.listRecords({ offset: 1, limit: 1 })).to.deep.include({ total: 3 })
    expect(peer.listRecords({ offset: 1, limit: 1 }).records.map((r) => r.key)).to.deep.equal(['/kv/b'])
    expect(peer.listRecords({ offset: 3 }).records).to.deep.equal([])
  })

  it('knows when it started and how many peers it is connected to', () => {
    expect(peer.startedAt).to.be.within(Date.now() - 60_000, Date.now())
    expect(peer.connectedPeers).to.equal(0)
  })
})
