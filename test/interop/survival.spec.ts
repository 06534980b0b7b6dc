import { expect } from 'chai'
import { runCli } from '../helpers/cli.js'
import { runGo } from './helpers/go-peer.js'
import { startMixedNetwork } from './helpers/mixed-network.js'
import { jsonOf } from './helpers/results.js'
import type { MixedNetwork, NetworkPeer } from './helpers/mixed-network.js'
import type { GetJson, PutJson } from './helpers/results.js'

/** Stops peers with SIGTERM; each must exit 0. */
async function stopAll (peers: NetworkPeer[]): Promise<void> {
  const exits = await Promise.all(peers.map(async (peer) => peer.process.stop('SIGTERM')))
  expect(exits).to.deep.equal(peers.map(() => ({ code: 0, signal: null })))
}

describe('interop: a record outlives the implementation that stored it', () => {
  let network: MixedNetwork | undefined

  afterEach(async () => { await network?.stop() })

  it('stored through an exper-dht peer, it is retrieved through a Go peer after every exper-dht peer has stopped', async () => {
    network = await startMixedNetwork()
    const stored = jsonOf<PutJson>(
      await runCli(['put', 'outlives-ts', 'stored by exper-dht', '--peer', network.ts[0].addr, '--quorum', '4', '--json']))
    await stopAll(network.ts)
    const got = jsonOf<GetJson>(await runGo(['get', 'outlives-ts', '--peer', network.go[2].addr, '--json']))
    expect(got).to.deep.include({ value: 'stored by exper-dht', seq: stored.seq })
  })

  it('stored through a Go peer, it is retrieved through an exper-dht peer after every Go peer has stopped', async () => {
    network = await startMixedNetwork()
    const stored = jsonOf<PutJson>(
      await runGo(['put', 'outlives-go', 'stored by go', '--peer', network.go[0].addr, '--quorum', '4', '--json']))
    await stopAll(network.go)
    const got = jsonOf<GetJson>(await runCli(['get', 'outlives-go', '--peer', network.ts[2].addr, '--json']))
    expect(got).to.deep.include({ value: 'stored by go', seq: stored.seq })
  })
})
