import { enabled, logger } from '@libp2p/logger'
import type { ComponentLogger, Logger } from '@libp2p/interface'

const nothing = (): void => {}

/**
 * libp2p's component logger without its cost while logging is off:
 * `@libp2p/logger` makes three `debug` functions (asking each time whether
 * stderr is a terminal) for every component, connection and stream it names,
 * whether or not `DEBUG` enables them. This hands out a silent logger for
 * every name `DEBUG` does not enable and the library's own logger for the
 * others, so `DEBUG=libp2p:*` works as before; the choice is made when the
 * logger is, so set `DEBUG` before starting the peer.
 * docs/deviations.md#loggers-built-only-for-names-debug-enables
 */
export function quietLogger (): ComponentLogger {
  return { forComponent: loggerFor }
}

function loggerFor (name: string): Logger {
  if (enabled(name) || enabled(`${name}:error`) || enabled(`${name}:trace`)) {
    return logger(name)
  }
  return Object.assign(() => {}, {
    enabled: false,
    error: nothing,
    trace: nothing,
    newScope: (scope: string) => loggerFor(`${name}:${scope}`)
  })
}
