import { writeFile } from 'node:fs/promises'
import { Command } from 'commander'
import { KvClient } from '../protocol/index.js'
import { parseSignedKey, validateUserKey } from '../records/index.js'
import { parseMultiaddr, parseSeconds } from './arguments.js'
import { jsonSeq } from './output.js'

interface GetFlags {
  peer: string
  timeout?: number
  out?: string
  json?: boolean
  signed?: boolean
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** `exper-dht get KEY`: retrieves a value through a peer's store/retrieve protocol. */
export function getCommand (): Command {
  return new Command('get')
    .description('retrieve the value of KEY through a peer (raw bytes on stdout; exit 3 if not found); with --signed, KEY is <owner id>/NAME and the signature is checked here')
    .argument('<key>', 'the key: 1 to 256 bytes of UTF-8 (with --signed: <owner id>/<name>)')
    .requiredOption('--peer <multiaddr>', 'the peer to ask, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...', parseMultiaddr)
    .option('--out <file>', 'write the value to FILE instead of stdout')
    .option('--timeout <seconds>', 'give up after this long (default 35)', parseSeconds)
    .option('--signed', 'a signed record: verify its owner\'s signature here, not trusting the peer (exit 1 if it fails)')
    .option('--json', 'print {"key","value","seq","expires"} (value as UTF-8 text, or base64 with "encoding":"base64"; expires in Unix ms)')
    .action(runGet)
}

async function runGet (key: string, flags: GetFlags): Promise<void> {
  if (flags.signed === true) {
    parseSignedKey(key)
  } else {
    validateUserKey(key)
  }
  const client = await KvClient.create()
  try {
    const { value, seq, expires } = flags.signed === true
      ? await client.retrieveSigned(flags.peer, key, { timeoutMs: flags.timeout })
      : await client.retrieve(flags.peer, key, { timeoutMs: flags.timeout })
    if (flags.out != null) {
      await writeFile(flags.out, value)
    }
    if (flags.json === true) {
      const fields = flags.out != null ? { out: flags.out, bytes: value.byteLength } : encodeValue(value)
      process.stdout.write(JSON.stringify({ key, ...fields, seq: jsonSeq(seq), expires }) + '\n')
    } else if (flags.out == null) {
      process.stdout.write(value)
    }
  } finally {
    await client.close()
  }
}

/** A value for JSON: its UTF-8 text, or base64 when it is not valid UTF-8. */
function encodeValue (value: Uint8Array): { value: string, encoding?: 'base64' } {
  try {
    return { value: strictUtf8.decode(value) }
  } catch {
    return { value: Buffer.from(value).toString('base64'), encoding: 'base64' }
  }
}
