import { expect } from 'chai'

/** Expects `check` to return when `accepted`, and to throw an Error otherwise (a test vector's verdict). */
export function expectVerdict (accepted: boolean, check: () => void): void {
  if (accepted) {
    expect(check).not.to.throw()
  } else {
    expect(check).to.throw(Error)
  }
}
