import { ExpiredRecordError, InvalidKeyError, InvalidRecordError, InvalidSignatureError, NotFoundError, QuorumFailedError, StaleRecordError, StorageFullError, TimeoutError, ValueTooLargeError } from '../errors.js'
import { HttpError } from './errors.js'
import { MAX_BODY_BYTES } from './limits.js'
import { MAX_VALUE_BYTES } from '../records/limits.js'

/** The JSON body of every error the API answers: a stable `error` code and a `reason` a person can act on. */
export interface ErrorBody {
  error: string
  reason: string
  [field: string]: unknown
}

/** The HTTP answer to a library error of a put or get (as the kv server maps them to statuses). */
export function httpErrorOf (err: Error, aborted: boolean): HttpError {
  if (err instanceof HttpError) return err
  if (err instanceof InvalidKeyError) return new HttpError(400, 'InvalidKey', err.message)
  if (err instanceof ValueTooLargeError) return new HttpError(413, 'ValueTooLarge', err.message)
  if (err instanceof NotFoundError) return new HttpError(404, 'NotFound', err.message)
  // a signed record that is well formed HTTP but refused: its signature, its format or its expiry
  if (err instanceof InvalidSignatureError) return new HttpError(422, 'InvalidSignature', err.message)
  if (err instanceof InvalidRecordError) return new HttpError(422, 'InvalidRecord', err.message)
  if (err instanceof ExpiredRecordError) return new HttpError(422, 'ExpiredRecord', err.message)
  if (err instanceof StaleRecordError) return new HttpError(409, 'StaleRecord', err.message)
  if (err instanceof QuorumFailedError) return new HttpError(503, 'QuorumFailed', err.message, { replicas: err.replicas, quorum: err.quorum })
  if (err instanceof StorageFullError) return new HttpError(507, 'StorageFull', err.message)
  if (err instanceof TimeoutError || aborted) return new HttpError(504, 'Timeout', `the operation did not finish in time: ${err.message}`)
  return new HttpError(500, 'Internal', err.message)
}

/** The HTTP answer to an error fastify raised before a handler ran (a body too large, a malformed URL, a failed schema, ...). */
export function httpErrorOfFramework (err: Error & { statusCode?: number, code?: string, validation?: unknown }): HttpError {
  if (err instanceof HttpError) return err
  const status = err.statusCode != null && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
  if (err.validation != null) return new HttpError(400, 'BadRequest', err.message)
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new HttpError(413, 'BodyTooLarge', `the request body is larger than ${MAX_BODY_BYTES} bytes (MAX_BODY_BYTES); a value is at most ${MAX_VALUE_BYTES} bytes`)
  const codes: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 408: 'RequestTimeout', 413: 'BodyTooLarge', 415: 'UnsupportedMediaType', 431: 'HeadersTooLarge' }
  return new HttpError(status, codes[status] ?? (status < 500 ? 'BadRequest' : 'Internal'), err.message)
}
