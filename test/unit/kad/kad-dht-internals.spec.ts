import { expect } from 'chai'
import { KadDhtInternalsError } from '../../../src/errors.js'
import { checkKadDhtInternals, feedKadDhtRoutingTable } from '../../../src/kad/kad-dht-routing.js'
import { RoutingTable } from '../../../src/kad/routing-table.js'
import { makePeerIds } from '../../helpers/peer-ids.js'
import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

/** An object posing as a KadDHT, of whatever shape a test gives it. */
const asDht = (shape: object): KadDHT => shape as unknown as KadDHT

const routingTable = (): { add(peer: PeerId): Promise<void>, remove(peer: PeerId): Promise<void>, added: PeerId[] } => {
  const added: PeerId[] = []
  return { added, add: async (peer) => { added.push(peer) }, remove: async () => {} }
}

const rpc = { handleMessage: async () => undefined }

describe("@libp2p/kad-dht's internals, checked (kad-dht-routing.ts)", () => {
  let self: PeerId
  let other: PeerId

  before(async () => { [self, other] = await makePeerIds(2) })

  it('fails loudly, with a KadDhtInternalsError, when rpc.handleMessage is missing or not a function', () => {
    for (const shape of [{}, { rpc: null }, { rpc: {} }, { rpc: { handleMessage: 'answer' } }, { rpc: { handle: rpc.handleMessage } }]) {
      expect(() => checkKadDhtInternals(asDht({ ...shape, routingTable: routingTable() })), JSON.stringify(shape))
        .to.throw(KadDhtInternalsError, 'rpc.handleMessage')
    }
  })

  it('fails loudly when the routing table it feeds is missing or changed', () => {
    for (const table of [undefined, {}, { add: async () => {} }, { remove: async () => {} }]) {
      expect(() => checkKadDhtInternals(asDht({ rpc, routingTable: table }))).to.throw(KadDhtInternalsError, 'routingTable.add')
    }
  })

  it('hands over the rpc handler itself, so that it is called on its own object', async () => {
    const handler = { calls: 0, async handleMessage () { this.calls++; return undefined } }
    const checked = checkKadDhtInternals(asDht({ rpc: handler, routingTable: routingTable() }))
    await checked.rpc.handleMessage(other, {} as never)
    expect(handler.calls).to.equal(1)
  })

  it('with every part of version 16: nothing degraded; stops what it should and adds without pinging', async () => {
    const calls: string[] = []
    const kb = { added: [] as PeerId[], async _add (this: { added: PeerId[] }, peer: { peerId: PeerId }) { this.added.push(peer.peerId) } }
    const table = { ...routingTable(), kb }
    const refresh = {
      stop: async () => { calls.push('refresh.stop') },
      refreshTable: (force?: boolean) => { calls.push(`refreshTable(${String(force)})`) }
    }
    const checked = checkKadDhtInternals(asDht({
      rpc,
      routingTable: table,
      topologyListener: { stop: async () => { calls.push('topologyListener.stop') } },
      querySelf: { stop: () => { calls.push('querySelf.stop') } },
      routingTableRefresh: refresh
    }))
    expect(checked.degraded).to.deep.equal([])
    const ours = new RoutingTable(self, 20)
    await feedKadDhtRoutingTable(checked, ours)
    refresh.refreshTable(false)
    refresh.refreshTable(true)
    expect(calls).to.deep.equal(['topologyListener.stop', 'querySelf.stop', 'refresh.stop', 'refreshTable(true)'])
    ours.add(other)
    await Promise.resolve()
    expect(kb.added.map(String)).to.deep.equal([other.toString()])
    expect(table.added).to.deep.equal([])
  })

  it('degrades, saying why, when the optional parts are missing: leaves them running and adds through the pinging add', async () => {
    const table = routingTable()
    const checked = checkKadDhtInternals(asDht({ rpc, routingTable: { ...table, kb: {} }, querySelf: {}, routingTableRefresh: { stop: async () => {} } }))
    expect(checked.degraded).to.have.length(4)
    expect(checked.degraded.join('\n')).to.include('kb._add').and.include('topologyListener.stop')
      .and.include('querySelf.stop').and.include('routingTableRefresh.stop')
    const ours = new RoutingTable(self, 20)
    await feedKadDhtRoutingTable(checked, ours)
    ours.add(other)
    await Promise.resolve()
    expect(table.added.map(String)).to.deep.equal([other.toString()])
  })
})
