import { readFile } from 'node:fs/promises'
import { Command } from 'commander'
import { KvClient, MAX_QUORUM } from '../protocol/index.js'
import { MAX_TTL_MS, validateUserKey, validateValue } from '../records/index.js'
import { parseMultiaddr, parsePositiveInt, parseSeconds, parseTtl } from './arguments.js'
import { UsageError } from './exit-codes.js'
import { jsonSeq } from './output.js'
import { putSigned } from './put-signed.js'

interface PutFlags {
  peer: string
  quorum?: number
  ttl?: number
  timeout?: number
  file?: string
  json?: boolean
  signed?: boolean
  identity?: string
}

/** `exper-dht put KEY [VALUE]`: stores a value through a peer's store/retrieve protocol. */
export function putCommand (): Command {
  return new Command('put')
    .description('store VALUE (or --file PATH, or stdin with "-") under KEY through a peer; with --signed, under <owner id>/KEY, signed by your identity')
    .argument('<key>', 'the key: 1 to 256 bytes of UTF-8 (with --signed: the name, 1 to 200 bytes)')
    .argument('[value]', 'the value as text, or "-" to read it from stdin')
    .requiredOption('--peer <multiaddr>', 'the peer to ask, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...', parseMultiaddr)
    .option('--file <path>', 'read the value from a file (any bytes)')
    .option('--quorum <n>', `peers that must store it, this peer included (1-${MAX_QUORUM}; default: the peer's, 1)`, parsePositiveInt)
    .option('--ttl <seconds>', 'the record lives this long, then ends (default: no end, kept alive by the peer that took it)', parseTtl)
    .option('--timeout <seconds>', 'give up after this long (default 35)', parseSeconds)
    .option('--signed', 'a signed record only your identity can write: /kvs/<owner id>/KEY, signed here (it lives --ttl, default and at most 48 h, unless put again)')
    .option('--identity <file>', 'with --signed: the identity to sign with (default $EXPER_DHT_HOME/identity.key, else ~/.exper-dht/identity.key)')
    .option('--json', 'print {"key","replicas","seq","expires"} ({"key","replicas","seq"} with --signed)')
    .action(runPut)
}

async function runPut (key: string, text: string | undefined, flags: PutFlags): Promise<void> {
  if (flags.signed !== true && flags.identity != null) {
    throw new UsageError('--identity signs a record: give it with --signed')
  }
  if (flags.signed !== true) {
    validateUserKey(key)
  }
  const value = await readValue(text, flags.file)
  validateValue(value)
  if (flags.quorum != null && flags.quorum > MAX_QUORUM) {
    throw new UsageError(`--quorum ${flags.quorum} is over the limit of ${MAX_QUORUM}`)
  }
  if (flags.signed === true) {
    if (flags.ttl != null && flags.ttl * 1000 > MAX_TTL_MS) {
      throw new UsageError(`--ttl ${flags.ttl}: a signed record lives at most ${MAX_TTL_MS / 1000} s (48 h)`)
    }
    await putSigned(key, value, flags)
    return
  }
  const client = await KvClient.create()
  try {
    const { replicas, seq, expires } = await client.store(flags.peer, key, value, { quorum: flags.quorum, ttlSeconds: flags.ttl, timeoutMs: flags.timeout })
    if (flags.json === true) {
      process.stdout.write(JSON.stringify({ key, replicas, seq: jsonSeq(seq), expires }) + '\n')
    } else {
      process.stdout.write(`stored "${key}" on ${replicas} peer${replicas === 1 ? '' : 's'} (seq ${seq})\n`)
    }
  } finally {
    await client.close()
  }
}

/** The value from exactly one source: the argument, `-` (stdin) or `--file`. */
async function readValue (text: string | undefined, file: string | undefined): Promise<Uint8Array> {
  if (file != null && text != null) {
    throw new UsageError('give the value either as an argument or with --file, not both')
  }
  if (file != null) {
    try {
      return await readFile(file)
    } catch (err) {
      throw new UsageError(`cannot read --file ${file}: ${(err as Error).message}`)
    }
  }
  if (text == null) {
    throw new UsageError('missing value: give it as an argument, "-" for stdin, or --file PATH')
  }
  if (text === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) {
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks)
  }
  return new TextEncoder().encode(text)
}
