package kvrecord

import (
	"errors"
	"fmt"
	"time"
)

// ErrNotLive is the error Live wraps for a record outside its lifetime.
var ErrNotLive = errors.New("record is not live")

// Live checks the lifetime rule of docs/records.md at the checking peer's
// clock now:
//
//	now < expires <= now + MaxTTLMs + MaxClockSkewMs   (Unix ms)
//
// A record without expires (0) is never live, nor one whose expires has
// passed, nor one that ends further ahead than the longest lifetime plus the
// clock skew allowed. The error wraps ErrNotLive and says which bound failed.
func Live(r Record, now time.Time) error {
	nowMs := UnixMs(now)
	latest := nowMs + MaxTTLMs + MaxClockSkewMs
	switch {
	case r.Expires == 0:
		return fmt.Errorf("%w: it has no expires (0), and a record without one is never live", ErrNotLive)
	case r.Expires <= nowMs:
		return fmt.Errorf("%w: it expired at %d (Unix ms), %d ms before now (%d)", ErrNotLive, r.Expires, nowMs-r.Expires, nowMs)
	case r.Expires > latest:
		return fmt.Errorf("%w: it expires at %d (Unix ms), more than %s + %s (the longest lifetime and the clock skew allowed) after now (%d)",
			ErrNotLive, r.Expires, MaxTTL, MaxClockSkew, nowMs)
	}
	return nil
}

// ExpiresAt is the expires of a record published at now to live for ttl:
// now + ttl in Unix ms, with ttl capped at MaxTTL. A ttl of 0 (or less) is the
// default lifetime, MaxTTL.
func ExpiresAt(now time.Time, ttl time.Duration) uint64 {
	if ttl <= 0 || ttl > MaxTTL {
		ttl = MaxTTL
	}
	return UnixMs(now) + uint64(ttl.Milliseconds())
}

// UnixMs is t in Unix milliseconds; times before 1970 count as 0.
func UnixMs(t time.Time) uint64 {
	ms := t.UnixMilli()
	if ms < 0 {
		return 0
	}
	return uint64(ms)
}
