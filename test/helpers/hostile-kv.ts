import { KV_PROTOCOL, KvRequest, KvResponse } from '../../src/index.js'
import { frameStream, readFrame } from '../../src/protocol/frames.js'
import type { Peer } from '../../src/index.js'

/** A signed RETRIEVE answer as a hostile serving peer rewrites it. */
export type Tamper = (response: KvResponse) => KvResponse

/**
 * Turns `peer` (a real peer in the network) into a hostile kv server: its
 * /exper-dht/kv/1.0.0 handler answers a signed RETRIEVE with what its real
 * get found, rewritten by the `Tamper` that `tamper()` returns at the time.
 */
export async function makeHostile (peer: Peer, tamper: () => Tamper): Promise<void> {
  await peer.kvServer.stop()
  await peer.libp2p.handle(KV_PROTOCOL, async (stream) => {
    const frames = frameStream(stream)
    const request = KvRequest.decode(await readFrame(frames, {}))
    const found = await peer.get(request.signedKey, { signed: true })
    const honest: KvResponse = {
      status: KvResponse.Status.OK, value: new Uint8Array(), seq: found.seq, replicas: 0, error: '',
      expires: BigInt(found.expires), record: found.record as Uint8Array<ArrayBuffer>
    }
    await frames.write(KvResponse.encode(tamper()(honest)))
    await stream.close()
  })
}
