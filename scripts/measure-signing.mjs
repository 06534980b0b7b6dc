#!/usr/bin/env node
/**
 * What a signed `/kvs` record costs next to a `/kv` one: the time to sign
 * one and to validate one (every peer validates every record it receives),
 * for a small and a 64 KiB value, averaged over N records. Run after
 * `npm run build`:
 *
 *   node scripts/measure-signing.mjs [N]
 *
 * Results go to docs/benchmarks.md ("Signed records").
 */
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MAX_VALUE_BYTES, encodeKvRecord, signRecord, toDhtKey, toSignedDhtKey, validateKvRecord, validateSignedRecord } from '../dist/src/index.js'

const count = Number(process.argv[2] ?? 5000)
const key = await generateKeyPair('Ed25519')
const owner = peerIdFromPrivateKey(key)
const expires = BigInt(Date.now() + 3_600_000)

/** Mean µs per call of `run` over `count` calls. */
async function time (run) {
  const started = performance.now()
  for (let i = 0; i < count; i++) await run(i)
  return (performance.now() - started) * 1000 / count
}

for (const size of [100, MAX_VALUE_BYTES]) {
  const value = new Uint8Array(size).fill(1)
  const kvKey = toDhtKey('k')
  const kvsKey = toSignedDhtKey(owner, 'k')
  const kv = encodeKvRecord({ value, seq: 1n, publisher: owner.toMultihash().bytes, expires })
  const kvs = await signRecord(key, kvsKey, { value, seq: 1n, expires })
  const validateKv = await time(() => { validateKvRecord(kvKey, kv) })
  const sign = await time(async (i) => signRecord(key, kvsKey, { value, seq: BigInt(i + 1), expires }))
  const validateKvs = await time(() => { validateSignedRecord(kvsKey, kvs) })
  process.stdout.write(`value ${size} B: /kv validate ${validateKv.toFixed(1)} µs, /kvs sign ${sign.toFixed(1)} µs, /kvs validate ${validateKvs.toFixed(1)} µs\n`)
}
