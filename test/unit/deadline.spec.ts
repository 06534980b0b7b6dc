import { getEventListeners, once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'chai'
import { Deadline } from '../../src/deadline.js'

describe('Deadline', () => {
  it('aborts with a TimeoutError when the time runs out', async () => {
    const deadline = new Deadline(10)
    await once(deadline.signal, 'abort')
    expect(deadline.expired).to.equal(true)
    expect(deadline.signal.reason).to.have.property('name', 'TimeoutError')
  })

  it('aborts with the reason given for a timeout', async () => {
    const deadline = new Deadline(10, undefined, () => new Error('too slow'))
    await once(deadline.signal, 'abort')
    expect((deadline.signal.reason as Error).message).to.equal('too slow')
  })

  it('follows its parent, which is then the cause, not the time', async () => {
    const parent = new AbortController()
    const deadline = new Deadline(10, parent.signal)
    parent.abort(new Error('cancelled'))
    expect(deadline.signal.aborted).to.equal(true)
    expect((deadline.signal.reason as Error).message).to.equal('cancelled')
    await sleep(30)
    expect(deadline.expired).to.equal(false)
  })

  it('starts aborted under an aborted parent', () => {
    const deadline = new Deadline(10_000, AbortSignal.abort(new Error('already')))
    expect(deadline.signal.aborted).to.equal(true)
    expect(deadline.expired).to.equal(false)
    deadline.clear()
  })

  it('lets go of its timer and its parent once cleared', async () => {
    const parent = new AbortController()
    const deadline = new Deadline(10, parent.signal)
    expect(getEventListeners(parent.signal, 'abort')).to.have.length(1)
    deadline.clear()
    expect(getEventListeners(parent.signal, 'abort')).to.have.length(0)
    parent.abort()
    await sleep(30)
    expect(deadline.signal.aborted).to.equal(false)
    expect(deadline.expired).to.equal(false)
  })

  it('run() hands the signal to the work and clears the deadline however the work ends', async () => {
    const parent = new AbortController()
    const done = new Deadline(10, parent.signal)
    expect(await done.run(async (signal) => signal === done.signal)).to.equal(true)
    const failed = new Deadline(10, parent.signal)
    const error = await failed.run(async () => { throw new Error('broken') }).catch((err: Error) => err)
    expect(error).to.have.property('message', 'broken')
    expect(getEventListeners(parent.signal, 'abort')).to.have.length(0)
    await sleep(30)
    expect(done.signal.aborted).to.equal(false)
    expect(failed.signal.aborted).to.equal(false)
  })
})
