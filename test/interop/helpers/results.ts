import { expect } from 'chai'
import type { ProcessResult } from '../../helpers/cli.js'

/** What `put --json` prints (exper-dht and exper-dht-go alike). */
export interface PutJson { key: string, replicas: number, seq: number, expires: number }

/** What `get --json` prints for a UTF-8 value. */
export interface GetJson { key: string, value: string, seq: number, expires: number }

/** The JSON line printed by a command that must have succeeded (exit 0). */
export function jsonOf<T> (result: ProcessResult): T {
  expect(result.code, result.stderr).to.equal(0)
  return JSON.parse(result.stdout) as T
}
