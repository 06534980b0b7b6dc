import { existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'chai'
import { Cluster, ConfigError, PEER_KEY_FILE, startCluster } from '../../../src/index.js'
import { CLI_PATH } from '../../../src/supervisor/peer-process.js'
import { alive, killSurvivors } from '../../helpers/processes.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import type { ClusterEvents, ClusterInit, PeerExit, ReadyPeer } from '../../../src/index.js'

/** Resolves with the detail of the next `name` event of `cluster` that matches `predicate`. */
async function nextEvent<K extends keyof ClusterEvents> (cluster: Cluster, name: K, predicate: (detail: ClusterEvents[K]['detail']) => boolean = () => true): Promise<ClusterEvents[K]['detail']> {
  return new Promise((resolve) => {
    const listener = (event: ClusterEvents[K]): void => {
      if (predicate(event.detail)) {
        cluster.removeEventListener(name, listener)
        resolve(event.detail)
      }
    }
    cluster.addEventListener(name, listener)
  })
}

/** A data dir whose key file is not a key: a peer on it fails at every start, as on a damaged disk. */
async function breakDataDir (dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true })
  await writeFile(join(dataDir, PEER_KEY_FILE), 'this is not a libp2p private key')
}

describe('startCluster (peer processes supervised by the library)', function () {
  this.timeout(180_000)

  let dir: string
  let cluster: Cluster | undefined
  /** Every peer pid seen, for the cleanup of a failed test. */
  let pids: number[]

  /** A cluster in `dir`, recording the pids of its peers. */
  function createCluster (init: Partial<ClusterInit> & { peers: number }): Cluster {
    cluster = new Cluster(init.ephemeral === true ? init : { dir, ...init })
    const record = ({ detail }: CustomEvent<ReadyPeer>): void => { pids.push(detail.pid) }
    cluster.addEventListener('peer:ready', record)
    cluster.addEventListener('peer:restarted', record)
    return cluster
  }

  beforeEach(async () => {
    dir = await makeTempDir()
    pids = []
  })

  afterEach(async () => {
    await cluster?.stop()
    cluster = undefined
    killSurvivors(pids, CLI_PATH)
    await removeDir(dir)
  })

  it('runs peers that know each other; kill, restart and stop them', async () => {
    const c = createCluster({ peers: 4 })
    const exits: PeerExit[] = []
    c.addEventListener('peer:exited', ({ detail }) => { exits.push(detail) })
    const clusterReady = nextEvent(c, 'ready')
    await c.start()
    expect((await clusterReady).map((peer) => peer.index)).to.deep.equal([0, 1, 2, 3])

    const peers = c.peers
    expect(peers.map((peer) => peer.state)).to.deep.equal(['running', 'running', 'running', 'running'])
    expect(new Set(peers.map((peer) => peer.peerId)).size).to.equal(4)
    for (const peer of peers) {
      expect(peer.addrs[0]).to.match(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${peer.peerId}$`))
      expect(existsSync(join(dir, `peer-${peer.index}`, PEER_KEY_FILE))).to.equal(true)
      // readyRoutingTable (3): here, all the others
      expect(peer.routingTableSize, `routing table of peer ${peer.index}`).to.equal(3)
    }

    // a crash: the same peer comes back on the same address
    const restarted = nextEvent(c, 'peer:restarted', (peer) => peer.index === 1)
    expect(await c.kill(1)).to.deep.equal({ code: null, signal: 'SIGKILL' })
    const back = await restarted
    expect(back.peerId).to.equal(peers[1].peerId)
    expect(back.addrs).to.deep.equal(peers[1].addrs)
    expect(back.pid).to.not.equal(peers[1].pid)
    expect(exits).to.deep.include({ index: 1, pid: peers[1].pid, code: null, signal: 'SIGKILL', expected: false })
    expect(c.peers[1]).to.include({ state: 'running', restarts: 1 })

    // a restart on request: a clean stop, then the same peer again
    const again = await c.restart(2)
    expect(again.peerId).to.equal(peers[2].peerId)
    expect(again.addrs).to.deep.equal(peers[2].addrs)
    expect(exits).to.deep.include({ index: 2, pid: peers[2].pid, code: 0, signal: null, expected: true })

    const running = c.running().map((peer) => peer.pid)
    expect(alive(running, dir)).to.have.members(running)
    await c.stop()
    expect(c.peers.map((peer) => peer.state)).to.deep.equal(['stopped', 'stopped', 'stopped', 'stopped'])
    expect(alive(running, dir)).to.deep.equal([])
  })

  it('gives up on a peer that crashes at every start, keeps the others, and restart() revives it', async () => {
    await breakDataDir(join(dir, 'peer-2'))
    const c = createCluster({ peers: 3, supervisor: { restartDelayMs: 20, maxRestarts: 2 } })
    const crashes: PeerExit[] = []
    c.addEventListener('peer:exited', ({ detail }) => { if (detail.index === 2) crashes.push(detail) })
    const gaveUp = nextEvent(c, 'peer:gave-up')
    await c.start()

    const { index, reason } = await gaveUp
    expect(index).to.equal(2)
    expect(reason).to.match(/^2 restarts within 60000 ms; last: exit code 1: exper-dht: error: the peer key .*peer-2\/peer\.key is not a valid libp2p private key/)
    expect(crashes.map(({ code, expected }) => ({ code, expected }))).to.deep.equal(Array(3).fill({ code: 1, expected: false }))
    expect(c.peers[2]).to.include({ state: 'gave-up', pid: undefined })
    expect(c.running().map((peer) => peer.index)).to.deep.equal([0, 1])
    expect(c.peers[1].routingTableSize).to.be.at.least(1)

    // repaired, it starts again on request
    await rm(join(dir, 'peer-2', PEER_KEY_FILE))
    const revived = await c.restart(2)
    expect(revived.index).to.equal(2)
    expect(c.peers[2].state).to.equal('running')
  })

  it('fails at once when peer 0 cannot start, leaving no process behind', async () => {
    await breakDataDir(join(dir, 'peer-0'))
    const c = createCluster({ peers: 3 })
    let error: Error | undefined
    await c.start().catch((err: Error) => { error = err })
    expect(error?.message).to.match(/^gave up on peer 0: exited before it was ready \(exit code 1: .*not a valid libp2p private key/)
    expect(c.peers.map((peer) => peer.state)).to.deep.equal(['gave-up', 'stopped', 'stopped'])
    expect(existsSync(join(dir, 'peer-1'))).to.equal(false)
  })

  it('stop() while starting: start() rejects and every process started so far is gone', async () => {
    const c = createCluster({ peers: 6, supervisor: { batchSize: 1 } })
    void nextEvent(c, 'peer:ready', (peer) => peer.index === 1).then(async () => { await c.stop() })
    let error: Error | undefined
    await c.start().catch((err: Error) => { error = err })
    expect(error?.message).to.equal('the cluster was stopped while starting')
    expect(pids.length).to.be.at.least(2).and.below(6)
    expect(alive(pids, dir)).to.deep.equal([])
  })

  it('ephemeral peers on another loopback address: a restart keeps the port, not the identity', async () => {
    const c = createCluster({ peers: 2, ephemeral: true, host: '127.0.0.2' })
    await c.start()
    const before = c.peers[1]
    expect(before.addrs[0]).to.match(/^\/ip4\/127\.0\.0\.2\/tcp\/\d+\/p2p\//)
    const restarted = nextEvent(c, 'peer:restarted')
    await c.kill(1)
    const after = await restarted
    expect(after.peerId).to.not.equal(before.peerId)
    expect(after.addrs[0].replace(/\/p2p\/.*$/, '')).to.equal(before.addrs[0].replace(/\/p2p\/.*$/, ''))
  })

  it('refuses invalid options before starting anything', () => {
    expect(() => new Cluster({ peers: 0 })).to.throw(ConfigError, /peers must be a positive whole number/)
    expect(() => new Cluster({ peers: 3, basePort: 65534 })).to.throw(ConfigError, /base port 65534 with 3 peers/)
    expect(() => new Cluster({ peers: 1, host: 'localhost' })).to.throw(ConfigError, /not an IP address/)
    expect(() => new Cluster({ peers: 1, ephemeral: true, dir })).to.throw(ConfigError, /ephemeral/)
    expect(() => new Cluster({ peers: 1, supervisor: { batchSize: 0 } })).to.throw(ConfigError, /supervisor\.batchSize/)
  })

  it('startCluster() is new Cluster() then start(), which runs once', async () => {
    cluster = await startCluster({ peers: 1, ephemeral: true })
    expect(cluster.running()).to.have.length(1)
    expect(cluster.dir).to.equal(undefined)
    let error: Error | undefined
    await cluster.start().catch((err: Error) => { error = err })
    expect(error?.message).to.equal('the cluster has already been started')
  })
})
