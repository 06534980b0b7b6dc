import { expect } from 'chai'
import { RestartPolicy } from '../../../src/supervisor/restart-policy.js'
import type { RestartPolicyInit } from '../../../src/supervisor/restart-policy.js'

const init: RestartPolicyInit = { restartDelayMs: 100, restartMaxDelayMs: 1000, maxRestarts: 5, maxRestartsWindowMs: 60_000 }

describe('restart policy', () => {
  let now: number
  let policy: RestartPolicy

  beforeEach(() => {
    now = 0
    policy = new RestartPolicy(init, () => now)
  })

  it('doubles the wait with each restart in the window, up to the maximum', () => {
    const delays = Array.from({ length: 5 }, () => policy.onCrash())
    expect(delays).to.deep.equal([100, 200, 400, 800, 1000].map((delayMs) => ({ restart: true, delayMs })))
  })

  it('gives up on the crash after maxRestarts restarts within the window, saying so', () => {
    for (let i = 0; i < 5; i++) {
      now += 1000
      expect(policy.onCrash().restart).to.equal(true)
    }
    expect(policy.onCrash()).to.deep.equal({ restart: false, reason: '5 restarts within 60000 ms' })
  })

  it('forgets restarts older than the window: a peer that stayed up starts over with the shortest wait', () => {
    for (let i = 0; i < 5; i++) {
      policy.onCrash()
    }
    now = 60_000
    expect(policy.onCrash()).to.deep.equal({ restart: true, delayMs: 100 })
  })

  it('slides the window: only restarts within it count', () => {
    for (let i = 0; i < 5; i++) {
      now = i * 20_000
      policy.onCrash()
    }
    now = 99_000
    // the restarts at 40, 60 and 80 s are within the last minute
    expect(policy.onCrash()).to.deep.equal({ restart: true, delayMs: 800 })
  })

  it('reset() forgets every restart', () => {
    for (let i = 0; i < 5; i++) {
      policy.onCrash()
    }
    policy.reset()
    expect(policy.onCrash()).to.deep.equal({ restart: true, delayMs: 100 })
  })

  it('maxRestarts 0 never restarts', () => {
    const never = new RestartPolicy({ ...init, maxRestarts: 0 }, () => now)
    expect(never.onCrash().restart).to.equal(false)
  })
})
