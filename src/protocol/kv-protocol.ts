import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Request {
  type: Request.Type
  key: string
  value: Uint8Array<ArrayBuffer>
  quorum: number
  ttl: number
  signedKey: string
  record: Uint8Array<ArrayBuffer>
}

export namespace Request {
  export enum Type {
    STORE = 'STORE',
    RETRIEVE = 'RETRIEVE'
  }

  enum __TypeValues {
    STORE = 0,
    RETRIEVE = 1
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<Request>

  export const codec = (): Codec<Request> => {
    if (_codec == null) {
      _codec = message<Request>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          Request.Type.codec().encode(obj.type, w)
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(18)
          w.string(obj.key)
        }

        if ((obj.value != null && obj.value.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.value)
        }

        if ((obj.quorum != null && obj.quorum !== 0)) {
          w.uint32(32)
          w.uint32(obj.quorum)
        }

        if ((obj.ttl != null && obj.ttl !== 0)) {
          w.uint32(40)
          w.uint32(obj.ttl)
        }

        if ((obj.signedKey != null && obj.signedKey !== '')) {
          w.uint32(50)
          w.string(obj.signedKey)
        }

        if ((obj.record != null && obj.record.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.record)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.STORE,
          key: '',
          value: uint8ArrayAlloc(0),
          quorum: 0,
          ttl: 0,
          signedKey: '',
          record: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = Request.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.key = reader.string()
              break
            }
            case 3: {
              obj.value = reader.bytes()
              break
            }
            case 4: {
              obj.quorum = reader.uint32()
              break
            }
            case 5: {
              obj.ttl = reader.uint32()
              break
            }
            case 6: {
              obj.signedKey = reader.string()
              break
            }
            case 7: {
              obj.record = reader.bytes()
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
                field: `${prefix}.type`,
                value: Request.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.value`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.quorum`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.ttl`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.signedKey`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.record`,
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

  export interface RequestTypeFieldEvent {
    field: '$.type'
    value: Request.Type
  }

  export interface RequestKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface RequestValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestQuorumFieldEvent {
    field: '$.quorum'
    value: number
  }

  export interface RequestTtlFieldEvent {
    field: '$.ttl'
    value: number
  }

  export interface RequestSignedKeyFieldEvent {
    field: '$.signedKey'
    value: string
  }

  export interface RequestRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Request>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Request.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Request {
    return decodeMessage(buf, Request.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Generator<RequestTypeFieldEvent | RequestKeyFieldEvent | RequestValueFieldEvent | RequestQuorumFieldEvent | RequestTtlFieldEvent | RequestSignedKeyFieldEvent | RequestRecordFieldEvent> {
    return streamMessage(buf, Request.codec(), opts)
  }
}

export interface Response {
  status: Response.Status
  value: Uint8Array<ArrayBuffer>
  seq: bigint
  replicas: number
  error: string
  expires: bigint
  record: Uint8Array<ArrayBuffer>
}

export namespace Response {
  export enum Status {
    OK = 'OK',
    NOT_FOUND = 'NOT_FOUND',
    INVALID_REQUEST = 'INVALID_REQUEST',
    TOO_LARGE = 'TOO_LARGE',
    QUORUM_FAILED = 'QUORUM_FAILED',
    TIMEOUT = 'TIMEOUT',
    INTERNAL = 'INTERNAL',
    STORAGE_FULL = 'STORAGE_FULL',
    INVALID_RECORD = 'INVALID_RECORD'
  }

  enum __StatusValues {
    OK = 0,
    NOT_FOUND = 1,
    INVALID_REQUEST = 2,
    TOO_LARGE = 3,
    QUORUM_FAILED = 4,
    TIMEOUT = 5,
    INTERNAL = 6,
    STORAGE_FULL = 7,
    INVALID_RECORD = 8
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<Response>

  export const codec = (): Codec<Response> => {
    if (_codec == null) {
      _codec = message<Response>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          Response.Status.codec().encode(obj.status, w)
        }

        if ((obj.value != null && obj.value.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.value)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(24)
          w.uint64(obj.seq)
        }

        if ((obj.replicas != null && obj.replicas !== 0)) {
          w.uint32(32)
          w.uint32(obj.replicas)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(42)
          w.string(obj.error)
        }

        if ((obj.expires != null && obj.expires !== 0n)) {
          w.uint32(48)
          w.uint64(obj.expires)
        }

        if ((obj.record != null && obj.record.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.record)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          value: uint8ArrayAlloc(0),
          seq: 0n,
          replicas: 0,
          error: '',
          expires: 0n,
          record: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = Response.Status.codec().decode(reader)
              break
            }
            case 2: {
              obj.value = reader.bytes()
              break
            }
            case 3: {
              obj.seq = reader.uint64()
              break
            }
            case 4: {
              obj.replicas = reader.uint32()
              break
            }
            case 5: {
              obj.error = reader.string()
              break
            }
            case 6: {
              obj.expires = reader.uint64()
              break
            }
            case 7: {
              obj.record = reader.bytes()
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
                field: `${prefix}.status`,
                value: Response.Status.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.value`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.replicas`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.expires`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.record`,
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

  export interface ResponseStatusFieldEvent {
    field: '$.status'
    value: Response.Status
  }

  export interface ResponseValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResponseSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface ResponseReplicasFieldEvent {
    field: '$.replicas'
    value: number
  }

  export interface ResponseErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface ResponseExpiresFieldEvent {
    field: '$.expires'
    value: bigint
  }

  export interface ResponseRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Response>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Response.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Response {
    return decodeMessage(buf, Response.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Generator<ResponseStatusFieldEvent | ResponseValueFieldEvent | ResponseSeqFieldEvent | ResponseReplicasFieldEvent | ResponseErrorFieldEvent | ResponseExpiresFieldEvent | ResponseRecordFieldEvent> {
    return streamMessage(buf, Response.codec(), opts)
  }
}
