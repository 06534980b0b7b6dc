import { isIP } from 'node:net'
import { Command, InvalidArgumentError, Option } from 'commander'
import { Cluster } from '../supervisor/index.js'
import { startNetworkApi } from '../api/index.js'
import { apiSettings } from './api-settings.js'
import { parseMultiaddr, parsePositiveInt } from './arguments.js'
import { ClusterConsole } from './cluster-console.js'
import { ExitCode } from './exit-codes.js'
import { Output, printError } from './output.js'
import { displayAddress, formatTable } from './table.js'
import type { ClusterPeer, ReadyPeer } from '../supervisor/index.js'

/** Writes an event: a JSON line, or `human` (above the console's prompt when it is open). */
type Report = (event: string, fields: Record<string, unknown>, human: string) => void

interface SuperviseFlags {
  peers: number
  dir?: string
  basePort?: number
  ephemeral?: boolean
  host?: string
  config?: string
  json?: boolean
  api?: string
  apiToken?: string
}

/** `exper-dht supervise`: runs a local network of peers, one process each, until SIGINT/SIGTERM. */
export function superviseCommand (): Command {
  return new Command('supervise')
    .description('run a local network of N peers, one process each, restarting those that crash, until SIGINT/SIGTERM')
    .requiredOption('--peers <n>', 'how many peers', parsePositiveInt)
    .option('--dir <dir>', 'peer i keeps its data in DIR/peer-<i> (default: <data dir>/cluster)')
    .option('--base-port <port>', 'peer i listens on port P+i (default: a port the OS picks, kept across restarts)', parsePort)
    .addOption(new Option('--ephemeral', 'fresh identities, in-memory datastores; nothing is written to disk').conflicts('dir'))
    .option('--host <ip>', 'IP address the peers listen on (default from config: 127.0.0.1)', parseIpAddress)
    .option('--config <file>', 'JSON file overriding config/default.json, for the supervisor and every peer')
    .option('--json', 'one JSON object per line on stdout')
    .option('--api <multiaddr>', 'serve the network dashboard and its API on this address, e.g. /ip4/127.0.0.1/tcp/5080; each peer then serves its own API on loopback', parseMultiaddr)
    .option('--api-token <token>', 'bearer token every request to the network API must carry; required for an --api beyond loopback')
    .action(runSupervise)
}

/**
 * Starts the cluster and reports it; on a terminal, opens the console.
 * Resolves once every peer has stopped after SIGINT/SIGTERM (or `quit`).
 */
async function runSupervise (flags: SuperviseFlags): Promise<void> {
  const output = new Output(flags.json === true)
  const api = apiSettings(flags.api, flags.apiToken, [])
  const cluster = new Cluster({
    api: api != null,
    peers: flags.peers,
    dir: flags.dir,
    ephemeral: flags.ephemeral,
    host: flags.host,
    basePort: flags.basePort,
    configFile: flags.config
  })
  const interactive = !output.json && process.stdout.isTTY && process.stdin.isTTY
  let clusterConsole: ClusterConsole | undefined
  const report: Report = (event, fields, human) => {
    if (output.json || clusterConsole == null) {
      output.event(event, fields, human)
    } else {
      clusterConsole.print(human)
    }
  }
  const shutdown = new Shutdown(cluster, report)
  reportEvents(cluster, output, report, shutdown)
  const progress = output.json || !process.stdout.isTTY ? undefined : new Progress(cluster, flags.peers)

  const server = api == null ? undefined : await startNetworkApi(cluster, api)
  if (server != null) {
    report('api', { api: server.url }, `network dashboard: ${server.url}`)
  }
  const startedAt = performance.now()
  try {
    await cluster.start()
  } catch (err) {
    if (shutdown.requested) {
      await shutdown.done
      await server?.close()
      return
    }
    await server?.close()
    throw err
  } finally {
    progress?.end()
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1)
  const running = cluster.running()
  report('cluster-ready', { peers: running, ...(server == null ? {} : { api: server.url }) }, `${running.length} of ${flags.peers} peers ready in ${seconds} s${cluster.dir == null ? ' (ephemeral)' : ` (data in ${cluster.dir})`}\n${peerTable(running)}`)

  if (interactive) {
    clusterConsole = new ClusterConsole({ cluster, input: process.stdin, output: process.stdout, terminal: true })
    clusterConsole.open()
    void clusterConsole.closed.then(() => { shutdown.request('quit') })
    await shutdown.done
    await clusterConsole.close()
  } else {
    await shutdown.done
  }
  await server?.close()
}

/**
 * Stops the cluster on the first SIGINT/SIGTERM (or `request()`): every peer
 * gets SIGTERM, then SIGKILL after the grace period. A second signal exits
 * at once; the peers then stop by themselves, their IPC channel closed.
 */
class Shutdown {
  /** Resolves once every peer has stopped. */
  readonly done: Promise<void>
  requested = false
  private resolve!: () => void

  constructor (private readonly cluster: Cluster, private readonly report: Report) {
    this.done = new Promise((resolve) => { this.resolve = resolve })
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.requested) {
        printError(`${signal} again: exiting at once; the peers stop by themselves`)
        process.exit(ExitCode.ERROR)
      }
      this.request(signal)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    void this.done.then(() => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    })
  }

  /** Stops the cluster (once), because of `reason`: a signal or `quit`. */
  request (reason: string): void {
    if (this.requested) {
      return
    }
    this.requested = true
    this.report('stopping', { reason }, `${reason}: stopping every peer`)
    void this.cluster.stop().then(() => {
      this.report('stopped', {}, 'stopped')
      this.resolve()
    })
  }
}

/** Reports what happens to the peers (but not the exits of the shutdown). */
function reportEvents (cluster: Cluster, output: Output, event: Report, shutdown: Shutdown): void {
  if (output.json) {
    cluster.addEventListener('peer:ready', ({ detail }) => { output.event('peer-ready', { ...detail }, '') })
  }
  cluster.addEventListener('peer:exited', ({ detail: { index, pid, code, signal } }) => {
    if (!shutdown.requested) {
      event('peer-exited', { index, code, signal }, `peer ${index} (pid ${pid}) exited: ${signal == null ? `exit code ${code}` : `killed by ${signal}`}`)
    }
  })
  cluster.addEventListener('peer:restarted', ({ detail }) => {
    event('peer-restarted', { ...detail }, `peer ${detail.index} restarted: pid ${detail.pid}, ${detail.peerId} at ${displayAddress(detail)}`)
  })
  cluster.addEventListener('peer:gave-up', ({ detail }) => {
    event('gave-up', { ...detail }, `gave up on peer ${detail.index}: ${detail.reason}`)
  })
}

/** The `12/50 ready` line of a terminal, rewritten in place while the peers come up. */
class Progress {
  private ready = 0
  private gaveUp = 0

  constructor (cluster: Cluster, private readonly total: number) {
    cluster.addEventListener('peer:ready', () => { this.ready++; this.draw() })
    cluster.addEventListener('peer:gave-up', () => { this.gaveUp++; this.draw() })
    this.draw()
  }

  /** Ends the line. */
  end (): void {
    process.stdout.write('\n')
  }

  private draw (): void {
    process.stdout.write(`\r${this.ready}/${this.total} ready${this.gaveUp > 0 ? `, ${this.gaveUp} given up` : ''}`)
  }
}

function peerTable (peers: Array<ReadyPeer | ClusterPeer>): string {
  return formatTable(['peer', 'pid', 'peer id', 'address'],
    peers.map((peer) => [String(peer.index), String(peer.pid ?? '-'), peer.peerId ?? '-', displayAddress(peer)]))
}

function parsePort (value: string): number {
  const port = parsePositiveInt(value)
  if (port > 65535) {
    throw new InvalidArgumentError('must be a TCP port, 1 to 65535')
  }
  return port
}

function parseIpAddress (value: string): string {
  if (isIP(value) === 0) {
    throw new InvalidArgumentError('must be an IPv4 or IPv6 address, e.g. 127.0.0.1')
  }
  return value
}
