import { mkdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { expect } from 'chai'
import { PEER_KEY_FILE, decodeKvRecord, toDhtKey } from '../../../src/index.js'
import { CliProcess, runCli } from '../../helpers/cli.js'
import { alive, killSurvivors, waitUntilGone } from '../../helpers/processes.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import { KadProbe } from '../../helpers/kad-probe.js'
import type { JsonEvent } from '../../helpers/cli.js'

/** A peer as `peer-ready`, `peer-restarted` and `cluster-ready` report it. */
interface PeerJson {
  index: number
  pid: number
  peerId: string
  addrs: string[]
}

/** Starting processes on a busy 2-core machine can be slow: generous, but bounded. */
const CLUSTER_READY_TIMEOUT_MS = 120_000

describe('exper-dht supervise (real processes)', function () {
  this.timeout(240_000)

  let dir: string
  let probe: KadProbe
  const running: CliProcess[] = []

  /** Starts `exper-dht supervise --json --dir <dir> ARGS`; stopped (and its peers killed if need be) after each test. */
  function supervise (...args: string[]): CliProcess {
    const cli = new CliProcess(['supervise', '--json', '--dir', dir, ...args])
    running.push(cli)
    return cli
  }

  async function clusterReady (cli: CliProcess): Promise<PeerJson[]> {
    return (await cli.waitForEvent('cluster-ready', () => true, CLUSTER_READY_TIMEOUT_MS)).peers as PeerJson[]
  }

  before(async () => { probe = await KadProbe.start() })
  after(async () => { await probe.stop() })
  beforeEach(async () => { dir = await makeTempDir() })
  afterEach(async () => {
    for (const cli of running.splice(0)) {
      await cli.stop('SIGTERM')
      killSurvivors(peerPids(cli.events), dir)
    }
    await removeDir(dir)
  })

  it('brings up 5 peers whose routing tables are filled; a record put through peer 0 is got through peer 4', async () => {
    const cli = supervise('--peers', '5')
    const peers = await clusterReady(cli)
    expect(peers.map((peer) => peer.index)).to.deep.equal([0, 1, 2, 3, 4])
    const ready = cli.events.filter((event) => event.event === 'peer-ready')
    expect(ready.map((event) => Object.keys(event))).to.deep.equal(Array(5).fill(['event', 'index', 'pid', 'peerId', 'addrs']))
    for (const peer of peers) {
      expect(peer.addrs).to.have.length(1)
      expect(peer.addrs[0]).to.match(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${peer.peerId}$`))
      expect(await probe.routingTable(peer.addrs[0]), `routing table of peer ${peer.index}`).to.have.length.of.at.least(1)
    }

    const put = await runCli(['put', 'greeting', 'hello from peer 0', '--peer', peers[0].addrs[0], '--json'])
    expect(put.code, put.stderr).to.equal(0)
    expect(JSON.parse(put.stdout).replicas).to.be.at.least(1)
    const get = await runCli(['get', 'greeting', '--peer', peers[4].addrs[0]])
    expect(get.code, get.stderr).to.equal(0)
    expect(get.stdout).to.equal('hello from peer 0')
  })

  it('restarts a peer killed with SIGKILL: same peer id, same address, and the records it held', async () => {
    const cli = supervise('--peers', '3')
    const peers = await clusterReady(cli)
    const victim = peers[2]
    const put = await runCli(['put', 'survivor', 'still here', '--peer', peers[0].addrs[0], '--quorum', '3'])
    expect(put.code, put.stderr).to.equal(0)
    expect(await probe.getValue(victim.addrs[0], toDhtKey('survivor'))).to.not.equal(undefined)

    process.kill(victim.pid, 'SIGKILL')
    const exited = await cli.waitForEvent('peer-exited', (event) => event.index === 2)
    expect(exited).to.deep.equal({ event: 'peer-exited', index: 2, code: null, signal: 'SIGKILL' })
    const restarted = await cli.waitForEvent('peer-restarted', (event) => event.index === 2, CLUSTER_READY_TIMEOUT_MS) as JsonEvent & PeerJson
    expect(restarted.peerId).to.equal(victim.peerId)
    expect(restarted.addrs).to.deep.equal(victim.addrs)
    expect(restarted.pid).to.not.equal(victim.pid)

    // asked directly (GET_VALUE answers from the peer's own store): it still holds the record, and serves it
    const stored = await probe.getValue(victim.addrs[0], toDhtKey('survivor'))
    expect(new TextDecoder().decode(decodeKvRecord(stored!).value)).to.equal('still here')
    const get = await runCli(['get', 'survivor', '--peer', victim.addrs[0]])
    expect(get.code, get.stderr).to.equal(0)
    expect(get.stdout).to.equal('still here')
  })

  it('gives up on a peer that crashes at every start (a damaged data dir); the others keep running', async () => {
    // a real failure: the peer's key file is garbage, so `start` exits 1 at once, every time
    await mkdir(join(dir, 'peer-1'), { recursive: true })
    await writeFile(join(dir, 'peer-1', PEER_KEY_FILE), 'this is not a libp2p private key')
    const config = join(dir, 'fast-restarts.json')
    await writeFile(config, JSON.stringify({ supervisor: { restartDelayMs: 20, maxRestarts: 3 } }))
    const cli = supervise('--peers', '3', '--config', config)

    const gaveUp = await cli.waitForEvent('gave-up', () => true, CLUSTER_READY_TIMEOUT_MS)
    expect(gaveUp.index).to.equal(1)
    expect(gaveUp.reason).to.match(/^3 restarts within 60000 ms; last: exit code 1: .*peer-1\/peer\.key is not a valid libp2p private key/)
    expect(cli.events.filter((event) => event.event === 'peer-exited' && event.index === 1)).to.have.length(4)
    const peers = await clusterReady(cli)
    expect(peers.map((peer) => peer.index)).to.deep.equal([0, 2])
    expect(cli.events.some((event) => event.event === 'peer-ready' && event.index === 1)).to.equal(false)

    expect(alive(peers.map((peer) => peer.pid), dir)).to.have.length(2)
    const put = await runCli(['put', 'k', 'v', '--peer', peers[1].addrs[0]])
    expect(put.code, put.stderr).to.equal(0)
    const get = await runCli(['get', 'k', '--peer', peers[0].addrs[0]])
    expect(get.stdout).to.equal('v')
  })

  it('SIGTERM: stops every peer, then exits 0', async () => {
    const cli = supervise('--peers', '3')
    const pids = (await clusterReady(cli)).map((peer) => peer.pid)
    expect(alive(pids, dir)).to.have.length(3)
    expect(await cli.stop('SIGTERM')).to.deep.equal({ code: 0, signal: null })
    expect(alive(pids, dir)).to.deep.equal([])
    expect(cli.events.slice(-2)).to.deep.equal([{ event: 'stopping', reason: 'SIGTERM' }, { event: 'stopped' }])
  })

  it('SIGKILL: every peer exits by itself within 10 s', async () => {
    const cli = supervise('--peers', '3')
    const pids = (await clusterReady(cli)).map((peer) => peer.pid)
    expect(await cli.stop('SIGKILL')).to.deep.equal({ code: null, signal: 'SIGKILL' })
    await waitUntilGone(pids, dir, 10_000)
  })

  it('--base-port P: peer i listens on P+i, also after a restart', async () => {
    const basePort = await freePortPair()
    const cli = supervise('--peers', '2', '--base-port', String(basePort))
    const peers = await clusterReady(cli)
    expect(peers.map((peer) => peer.addrs[0].split('/')[4])).to.deep.equal([String(basePort), String(basePort + 1)])
    process.kill(peers[1].pid, 'SIGKILL')
    const restarted = await cli.waitForEvent('peer-restarted', () => true, CLUSTER_READY_TIMEOUT_MS)
    expect(restarted.addrs).to.deep.equal(peers[1].addrs)
  })

  it('exits 1 with the reason when peer 0 cannot start, leaving nothing behind', async () => {
    await mkdir(join(dir, 'peer-0'), { recursive: true })
    await writeFile(join(dir, 'peer-0', PEER_KEY_FILE), 'garbage')
    const result = await runCli(['supervise', '--peers', '3', '--dir', dir])
    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(/gave up on peer 0: exited before it was ready \(exit code 1: .*not a valid libp2p private key/)
  })

  describe('bad input: the reason on stderr, exit 2, nothing started', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['no --peers', ['supervise'], /required option '--peers <n>' not specified/],
      ['--peers 0', ['supervise', '--peers', '0'], /--peers.*must be a positive whole number/],
      ['--peers abc', ['supervise', '--peers', 'abc'], /--peers.*must be a positive whole number/],
      ['--base-port 70000', ['supervise', '--peers', '2', '--base-port', '70000'], /--base-port.*must be a TCP port/],
      ['ports past 65535', ['supervise', '--peers', '3', '--base-port', '65534'], /base port 65534 with 3 peers does not fit/],
      ['--host that is no IP address', ['supervise', '--peers', '2', '--host', 'localhost'], /--host.*must be an IPv4 or IPv6 address/],
      ['--ephemeral with --dir', ['supervise', '--peers', '2', '--ephemeral', '--dir', '/tmp/x'], /'--ephemeral' cannot be used with option '--dir/],
      ['an unknown flag', ['supervise', '--peers', '2', '--bogus'], /unknown option '--bogus'/],
      ['an unreadable --config', ['supervise', '--peers', '2', '--config', '/nonexistent/config.json'], /cannot read config file/]
    ]
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const result = await runCli(args)
        expect(result.code).to.equal(2)
        expect(result.stderr).to.match(message)
      })
    }
  })
})

/** The pids of every peer a supervisor reported. */
function peerPids (events: JsonEvent[]): number[] {
  return events.filter((event) => event.event === 'peer-ready' || event.event === 'peer-restarted').map((event) => event.pid as number)
}

/**
 * Two consecutive free ports on 127.0.0.1 below the range the OS hands out
 * for port 0 (32768 and up on Linux), so no other test takes them meanwhile.
 */
async function freePortPair (): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000)
    if (await isFree(port) && await isFree(port + 1)) {
      return port
    }
  }
  throw new Error('no two consecutive free ports found')
}

async function isFree (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
}
