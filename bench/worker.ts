/**
 * A benchmark worker: runs one implementation at one network size in a
 * fresh process, so that no run inherits another's heap, sockets or timers.
 * Forked by `runBenchmark`; receives a `RunSpec` over IPC, answers with the
 * `RunResult` and exits. Progress goes to stderr.
 */
import '../src/shim/promise-with-resolvers.js'
import { JsonLinesProcess } from './clusters/json-lines-process.js'
import { runOne } from './run-one.js'
import type { RunSpec } from './run-one.js'

/** Leaves no hosting process behind, whatever ends this worker. */
const abandon = (): void => {
  JsonLinesProcess.killAll()
  process.exit(1)
}
process.on('SIGTERM', abandon)
process.on('disconnect', abandon)

process.once('message', (message) => {
  const spec = message as RunSpec
  const label = `[${spec.impl}${spec.processes ? ' processes' : ''} N=${spec.peers}]`
  const log = (line: string): void => { process.stderr.write(`${label} ${line}\n`) }
  void runOne(spec, log).then((result) => {
    process.send!(result, () => { process.exit(0) })
  })
})
