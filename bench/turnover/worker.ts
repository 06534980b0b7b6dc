/**
 * A turnover worker: runs the turnover scenario of one implementation in a
 * fresh process. Forked by `runTurnoverBenchmark`; receives a `TurnoverSpec`
 * over IPC, answers with the `TurnoverRun` and exits. Progress goes to stderr.
 */
import '../../src/shim/promise-with-resolvers.js'
import { JsonLinesProcess } from '../clusters/json-lines-process.js'
import { removeTurnoverDirSync, runTurnover } from './scenario.js'
import type { TurnoverSpec } from './scenario.js'

/** Leaves no peer process and no data dir behind, whatever ends this worker. */
const abandon = (): void => {
  JsonLinesProcess.killAll()
  try {
    removeTurnoverDirSync()
  } catch {}
  process.exit(1)
}
process.on('SIGTERM', abandon)
process.on('SIGINT', abandon)
process.on('disconnect', abandon)

process.once('message', (message) => {
  const spec = message as TurnoverSpec
  const label = `[turnover ${spec.impl} N=${spec.peers}]`
  const log = (line: string): void => { process.stderr.write(`${label} ${line}\n`) }
  void runTurnover(spec, log).then((result) => {
    process.send!(result, () => { process.exit(0) })
  })
})
