/** An `expires` an hour from now (or `ms` from now): a live record's end, for records tests build by hand. */
export function liveExpires (ms = 60 * 60 * 1000): bigint {
  return BigInt(Date.now() + ms)
}
