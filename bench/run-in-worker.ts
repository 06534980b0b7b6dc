import { fork } from 'node:child_process'
import type { Serializable } from 'node:child_process'
import { once } from 'node:events'

/** Options of `runInWorker`. */
export interface WorkerRunInit<Result> {
  /** The worker module (it receives the spec as its one IPC message and answers with the result). */
  workerPath: string
  /** The longest the run may take, in ms: past it the worker gets SIGTERM, then SIGKILL 5 s later. */
  budgetMs: number
  /** The result to report when the worker overran its budget or exited without a result. */
  failed(error: string): Result
  /** On SIGINT/SIGTERM of this process, stop the worker (which stops its peers) and then exit. @default false */
  stopOnSignals?: boolean
}

/** Runs one benchmark `spec` in a fresh worker process; a worker that crashes or overruns its budget yields `failed(reason)`. */
export async function runInWorker<Spec extends Serializable, Result> (spec: Spec, init: WorkerRunInit<Result>): Promise<Result> {
  const worker = fork(init.workerPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  let timer: NodeJS.Timeout | undefined
  const overrun = new Promise<Result>((resolve) => {
    timer = setTimeout(() => {
      worker.kill('SIGTERM')
      setTimeout(() => { worker.kill('SIGKILL') }, 5_000).unref()
      resolve(init.failed(`the run did not finish within ${init.budgetMs / 1000} s and was stopped`))
    }, init.budgetMs)
  })
  const answered = once(worker, 'message').then(([result]) => result as Result)
  const exited = once(worker, 'exit').then(([code, signal]) => init.failed(`the worker exited (code ${code}, signal ${signal}) without a result`))
  const stopWorker = (signal: NodeJS.Signals): void => {
    worker.kill('SIGTERM')
    const exit = (): void => { process.exit(signal === 'SIGINT' ? 130 : 143) }
    void exited.then(exit)
    setTimeout(exit, 10_000).unref()
  }
  if (init.stopOnSignals === true) {
    process.once('SIGINT', stopWorker)
    process.once('SIGTERM', stopWorker)
  }
  worker.send(spec)
  try {
    return await Promise.race([answered, exited, overrun])
  } finally {
    clearTimeout(timer)
    await exited
    process.off('SIGINT', stopWorker)
    process.off('SIGTERM', stopWorker)
  }
}
