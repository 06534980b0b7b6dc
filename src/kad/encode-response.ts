import { concat as uint8ArrayConcat } from 'uint8arrays/concat'
import { Message, MessageType } from './kad-message.js'
import type { PeerInfo } from './kad-message.js'

/** Each peer's `closer` entry (field tag, length, `PeerInfo`), encoded once per `PeerInfo` object. */
const encodedEntries = new WeakMap<PeerInfo, Uint8Array>()

/**
 * Encodes a response as `Message.encode` does, byte for byte, but reuses the
 * encoding of each closer peer: the address book hands out one `PeerInfo`
 * object per peer and address set, and nearly every response lists k of them,
 * so encoding them once saves most of a response's encoding work. Responses
 * with providers go through the plain encoder.
 */
export function encodeResponse (message: Message): Uint8Array {
  if (message.closer.length === 0 || message.providers.length > 0) {
    return Message.encode(message)
  }
  const parts: Uint8Array[] = [Message.encode({ ...message, closer: [] })]
  for (const peer of message.closer) {
    let entry = encodedEntries.get(peer)
    if (entry == null) {
      // PUT_VALUE is the enum's zero value, which the encoder leaves out: only the entry remains
      entry = Message.encode({ type: MessageType.PUT_VALUE, closer: [peer], providers: [] })
      encodedEntries.set(peer, entry)
    }
    parts.push(entry)
  }
  return uint8ArrayConcat(parts)
}
