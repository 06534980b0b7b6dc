import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface KvRecord {
  value: Uint8Array<ArrayBuffer>
  seq: bigint
  publisher: Uint8Array<ArrayBuffer>
  expires: bigint
  signature: Uint8Array<ArrayBuffer>
}

export namespace KvRecord {
  let _codec: Codec<KvRecord>

  export const codec = (): Codec<KvRecord> => {
    if (_codec == null) {
      _codec = message<KvRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.value != null && obj.value.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.value)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(16)
          w.uint64(obj.seq)
        }

        if ((obj.publisher != null && obj.publisher.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.publisher)
        }

        if ((obj.expires != null && obj.expires !== 0n)) {
          w.uint32(32)
          w.uint64(obj.expires)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          value: uint8ArrayAlloc(0),
          seq: 0n,
          publisher: uint8ArrayAlloc(0),
          expires: 0n,
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.value = reader.bytes()
              break
            }
            case 2: {
              obj.seq = reader.uint64()
              break
            }
            case 3: {
              obj.publisher = reader.bytes()
              break
            }
            case 4: {
              obj.expires = reader.uint64()
              break
            }
            case 5: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.value`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.publisher`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.expires`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface KvRecordValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KvRecordSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface KvRecordPublisherFieldEvent {
    field: '$.publisher'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KvRecordExpiresFieldEvent {
    field: '$.expires'
    value: bigint
  }

  export interface KvRecordSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<KvRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KvRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KvRecord>): KvRecord {
    return decodeMessage(buf, KvRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KvRecord>): Generator<KvRecordValueFieldEvent | KvRecordSeqFieldEvent | KvRecordPublisherFieldEvent | KvRecordExpiresFieldEvent | KvRecordSignatureFieldEvent> {
    return streamMessage(buf, KvRecord.codec(), opts)
  }
}
