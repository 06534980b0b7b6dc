import { clearLine, createInterface, cursorTo } from 'node:readline'
import { NotFoundError } from '../errors.js'
import { KvClient } from '../protocol/index.js'
import { validateName } from '../records/index.js'
import { defaultIdentityPath, loadIdentity } from './identity-file.js'
import { storeSigned } from './put-signed.js'
import { displayAddress, formatTable } from './table.js'
import type { Cluster, ReadyPeer } from '../supervisor/index.js'
import type { Interface } from 'node:readline'

/** The console's commands, as `help` prints them. */
export const CONSOLE_HELP = `commands:
  peers                    every peer: state, pid, restarts, routing table size, peer id, address
  put KEY VALUE            store VALUE (the rest of the line) under KEY through a random running peer
  get KEY                  retrieve the value of KEY through a random running peer
  put --signed NAME VALUE  sign VALUE with your identity (exper-dht identity new) and store it as OWNER/NAME
  get --signed OWNER/NAME  retrieve a signed value, its signature checked here
  kill I                   SIGKILL peer I, as a crash would: the supervisor restarts it
  restart I                stop peer I (SIGTERM) and start it again at once
  help                     this list
  quit                     stop every peer and exit (also Ctrl-C, Ctrl-D)`

/** Where a `ClusterConsole` reads and writes. */
export interface ClusterConsoleInit {
  cluster: Cluster
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream
  /** A terminal: a prompt, line editing, Ctrl-C ends the console. @default false */
  terminal?: boolean
  /** The identity file `put --signed` signs with. @default $EXPER_DHT_HOME/identity.key, else ~/.exper-dht/identity.key */
  identity?: string
}

/**
 * The interactive console of `exper-dht supervise`: one command a line
 * (see `CONSOLE_HELP`), run one after another. put and get go through the
 * store/retrieve protocol, like `exper-dht put|get`, to a running peer chosen
 * at random.
 */
export class ClusterConsole {
  /** Resolves once the user quits (quit, Ctrl-C, end of input). */
  readonly closed: Promise<void>

  private readonly cluster: Cluster
  private readonly output: NodeJS.WritableStream
  private readonly terminal: boolean
  private readonly identity: string
  private readonly rl: Interface
  private client?: Promise<KvClient>
  private pending: Promise<void> = Promise.resolve()
  private busy = false
  private isClosed = false

  constructor (init: ClusterConsoleInit) {
    this.cluster = init.cluster
    this.output = init.output
    this.terminal = init.terminal === true
    this.identity = init.identity ?? defaultIdentityPath()
    this.rl = createInterface({ input: init.input, output: init.output, terminal: this.terminal, prompt: 'exper-dht> ' })
    this.closed = new Promise((resolve) => {
      this.rl.once('close', () => {
        this.isClosed = true
        resolve()
      })
    })
    this.rl.on('line', (line) => {
      this.pending = this.pending.then(async () => { await this.run(line) })
    })
    this.rl.on('SIGINT', () => { this.rl.close() })
  }

  /** Shows the commands and the first prompt. */
  open (): void {
    this.print(CONSOLE_HELP)
    this.prompt()
  }

  /** Writes `text` (an event) above the prompt. */
  print (text: string): void {
    if (this.terminal && !this.busy) {
      clearLine(this.output, 0)
      cursorTo(this.output, 0)
    }
    this.output.write(text + '\n')
    if (this.terminal && !this.busy && !this.isClosed) {
      this.rl.prompt(true)
    }
  }

  /** Stops reading, waits for the command in progress and closes the kv client. */
  async close (): Promise<void> {
    this.rl.close()
    await this.pending
    await (await this.client?.catch(() => undefined))?.close()
  }

  private async run (line: string): Promise<void> {
    const [command = '', ...args] = line.trim().split(/\s+/)
    this.busy = true
    try {
      await this.execute(command.toLowerCase(), args, line)
    } catch (err) {
      this.output.write(`error: ${(err as Error).message}\n`)
    } finally {
      this.busy = false
    }
    this.prompt()
  }

  /** Shows the prompt on a terminal (elsewhere the output holds answers only). */
  private prompt (): void {
    if (this.terminal && !this.isClosed) {
      this.rl.prompt()
    }
  }

  private async execute (command: string, args: string[], line: string): Promise<void> {
    switch (command) {
      case '':
        return
      case 'help':
        this.output.write(CONSOLE_HELP + '\n')
        return
      case 'peers':
        this.output.write(this.peersTable() + '\n')
        return
      case 'put': {
        const signed = /^\s*\S+\s+--signed\s+(\S+)\s(.*)$/.exec(line)
        if (signed != null) {
          await this.putSigned(signed[1], signed[2])
          return
        }
        const match = /^\s*\S+\s+(\S+)\s(.*)$/.exec(line)
        if (match == null || match[1] === '--signed') {
          throw new Error('usage: put KEY VALUE, or put --signed NAME VALUE')
        }
        await this.put(match[1], match[2])
        return
      }
      case 'get':
        if (args.length === 2 && args[0] === '--signed') {
          await this.get(args[1], true)
          return
        }
        if (args.length !== 1 || args[0] === '--signed') {
          throw new Error('usage: get KEY, or get --signed OWNER/NAME')
        }
        await this.get(args[0])
        return
      case 'kill': {
        const index = this.peerIndex(args, 'kill I')
        const exit = await this.cluster.kill(index)
        this.output.write(`peer ${index} killed (${exit.signal ?? `exit code ${exit.code}`}); the supervisor restarts it\n`)
        return
      }
      case 'restart':
        // the supervisor's events report the exit and the restart
        await this.cluster.restart(this.peerIndex(args, 'restart I'))
        return
      case 'quit':
      case 'exit':
        this.rl.close()
        return
      default:
        throw new Error(`unknown command "${command}" (try help)`)
    }
  }

  private peersTable (): string {
    const rows = this.cluster.peers.map((peer) => [
      String(peer.index), peer.state, String(peer.pid ?? '-'), String(peer.restarts),
      peer.state === 'running' ? String(peer.routingTableSize) : '-', peer.peerId ?? '-', displayAddress(peer)
    ])
    return formatTable(['peer', 'state', 'pid', 'restarts', 'routing table', 'peer id', 'address'], rows)
  }

  private async put (key: string, text: string): Promise<void> {
    const peer = this.randomPeer()
    const client = await this.kvClient()
    const { replicas, seq } = await client.store(peer.addrs[0], key, new TextEncoder().encode(text))
    this.output.write(`stored "${key}" on ${replicas} peer${replicas === 1 ? '' : 's'} through peer ${peer.index} (seq ${seq})\n`)
  }

  private async putSigned (name: string, text: string): Promise<void> {
    validateName(name)
    const identity = await loadIdentity(this.identity)
    const peer = this.randomPeer()
    const client = await this.kvClient()
    const { key, replicas, seq } = await storeSigned(client, peer.addrs[0], identity, name, new TextEncoder().encode(text))
    this.output.write(`stored "${key}" on ${replicas} peer${replicas === 1 ? '' : 's'} through peer ${peer.index} (seq ${seq}, signed)\n`)
  }

  private async get (key: string, signed = false): Promise<void> {
    const peer = this.randomPeer()
    const client = await this.kvClient()
    try {
      const { value, seq } = signed ? await client.retrieveSigned(peer.addrs[0], key) : await client.retrieve(peer.addrs[0], key)
      this.output.write(`${new TextDecoder().decode(value)}\n(through peer ${peer.index}, seq ${seq}${signed ? ', signature verified' : ''})\n`)
    } catch (err) {
      if (err instanceof NotFoundError) {
        this.output.write(`not found through peer ${peer.index}: ${err.message}\n`)
        return
      }
      throw err
    }
  }

  private randomPeer (): ReadyPeer {
    const running = this.cluster.running()
    if (running.length === 0) {
      throw new Error('no peer is running')
    }
    return running[Math.floor(Math.random() * running.length)]
  }

  private async kvClient (): Promise<KvClient> {
    this.client ??= KvClient.create()
    return this.client
  }

  private peerIndex (args: string[], usage: string): number {
    if (args.length !== 1 || !/^[0-9]+$/.test(args[0])) {
      throw new Error(`usage: ${usage}`)
    }
    return Number(args[0])
  }
}
