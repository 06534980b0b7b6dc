package kvrecord

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	record "github.com/libp2p/go-libp2p-record"
)

// Validator is the record.Validator of the "kv" namespace: register it as
// record.NamespacedValidator{Namespace: Validator{}} with go-libp2p-kad-dht,
// which runs Validate on every record it stores or receives (PUT_VALUE,
// GET_VALUE answers, its own store) and Select to choose among them.
type Validator struct {
	// Now is the clock of the lifetime rule; nil means time.Now. Tests set it
	// to check records at a given time.
	Now func() time.Time
}

var _ record.Validator = Validator{}

// Validate is the full /kv validator of docs/records.md: the format rules
// (Parse: the DHT key is "/kv/" + 1–256 bytes of UTF-8, the value a canonical
// KvRecord within the limits) and the lifetime rule (Live) at v's clock.
func (v Validator) Validate(dhtKey string, value []byte) error {
	_, r, err := Parse(dhtKey, value)
	if err != nil {
		return err
	}
	return Live(r, v.now())
}

func (v Validator) now() time.Time {
	if v.Now == nil {
		return time.Now()
	}
	return v.Now()
}

// Select returns the index of the best of values: the highest seq, then the
// greater value bytes, then the greater publisher bytes, then the later
// expires, then the greater signature (/kvs); the first among identical
// records. Records that fail the format rules never win; it is an error when none passes them. Select checks the
// format only, not the lifetime (go-libp2p-kad-dht selects among records it
// has validated already, and the shared selection vectors hold records
// without expires).
func (Validator) Select(dhtKey string, values [][]byte) (int, error) {
	best := -1
	var bestRecord Record
	for i, value := range values {
		r, err := Decode(value)
		if err != nil {
			continue
		}
		if best < 0 || Compare(r, bestRecord) > 0 {
			best, bestRecord = i, r
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("none of the %d records is a valid KvRecord", len(values))
	}
	return best, nil
}

// Parse checks the format rules (not the lifetime rule, which needs a clock:
// see Live and Validator.Validate) and returns the user key and the decoded
// record. A /kv record carries no signature.
func Parse(dhtKey string, value []byte) (string, Record, error) {
	key, err := UserKey(dhtKey)
	if err != nil {
		return "", Record{}, err
	}
	r, err := Decode(value)
	if err != nil {
		return "", Record{}, err
	}
	if len(r.Signature) > 0 {
		return "", Record{}, errors.New("a /kv record carries no signature (signed records live under /kvs/<owner>/<name>)")
	}
	return key, r, nil
}

// Compare orders two records by the selection rule: positive when a is
// better than b, negative when b is better, zero when they are identical.
func Compare(a, b Record) int {
	if a.Seq != b.Seq {
		if a.Seq > b.Seq {
			return 1
		}
		return -1
	}
	if c := bytes.Compare(a.Value, b.Value); c != 0 {
		return c
	}
	if c := bytes.Compare(a.Publisher, b.Publisher); c != 0 {
		return c
	}
	switch {
	case a.Expires > b.Expires:
		return 1
	case a.Expires < b.Expires:
		return -1
	}
	return bytes.Compare(a.Signature, b.Signature)
}
