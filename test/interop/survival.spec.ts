import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'chai'
import { toDhtKey } from '../../src/index.js'
import { runCli } from '../helpers/cli.js'
import { KadProbe } from '../helpers/kad-probe.js'
import { makeTempDir, removeDir } from '../helpers/temp-dir.js'
import { eventually } from './helpers/eventually.js'
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

describe('interop: exper-dht peers replicate, so a mixed network keeps a record whose first holders have all left', () => {
  let network: MixedNetwork | undefined
  let probe: KadProbe
  let dir: string
  let tsConfig: string

  before(async () => {
    probe = await KadProbe.start()
    dir = await makeTempDir()
    // a 1 s replication round stands in for the hour of the default
    tsConfig = join(dir, 'replicate-fast.json')
    await writeFile(tsConfig, JSON.stringify({ records: { replicateIntervalMs: 1000 } }))
  })
  afterEach(async () => { await network?.stop() })
  after(async () => {
    await probe?.stop()
    await removeDir(dir)
  })

  /** Resolves once each of `peers` serves the record of `key` over GET_VALUE. */
  async function heldBy (peers: NetworkPeer[], key: string): Promise<void> {
    let missing: string[] = []
    await eventually(async () => {
      const held = await Promise.all(peers.map(async (peer) => probe.getValue(peer.addr, toDhtKey(key))))
      missing = peers.filter((_, i) => held[i] == null).map((peer) => `${peer.kind} ${peer.peerId}`)
      return missing.length === 0
    }, () => `not held by ${missing.join(', ')}`, 60_000)
  }

  it('put through Go peers: exper-dht peers that joined later get it by replication, and serve it once every Go peer and every first exper-dht peer has left', async () => {
    network = await startMixedNetwork({ tsConfig })
    const stored = jsonOf<PutJson>(await runGo(['put', 'go-then-gone', 'put through go', '--peer', network.go[0].addr, '--json']))
    const late = await Promise.all(network.ts.map(async (peer) => network!.add('ts', peer)))
    await heldBy(late, 'go-then-gone')
    await stopAll([...network.go, ...network.ts])
    const got = jsonOf<GetJson>(await runCli(['get', 'go-then-gone', '--peer', late[2].addr, '--json']))
    expect(got).to.deep.include({ value: 'put through go', seq: stored.seq, expires: stored.expires })
  })

  it('put through exper-dht peers: Go peers that joined later get it from the exper-dht peers\' replication, and serve it once every exper-dht peer and every first Go peer has left', async () => {
    network = await startMixedNetwork({ tsConfig })
    const stored = jsonOf<PutJson>(await runCli(['put', 'ts-then-gone', 'put through exper-dht', '--peer', network.ts[0].addr, '--json']))
    const late = await Promise.all(network.go.map(async (peer) => network!.add('go', peer)))
    await heldBy(late, 'ts-then-gone')
    await stopAll([...network.ts, ...network.go])
    const got = jsonOf<GetJson>(await runGo(['get', 'ts-then-gone', '--peer', late[2].addr, '--json']))
    expect(got).to.deep.include({ value: 'put through exper-dht', seq: stored.seq, expires: stored.expires })
  })
})
