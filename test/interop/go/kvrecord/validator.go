package kvrecord

import (
	"bytes"
	"fmt"

	record "github.com/libp2p/go-libp2p-record"
)

// Validator is the record.Validator of the "kv" namespace: register it as
// record.NamespacedValidator{Namespace: Validator{}} with go-libp2p-kad-dht.
type Validator struct{}

var _ record.Validator = Validator{}

// Validate accepts a record when its DHT key is "/kv/" + 1–256 bytes of UTF-8
// and its value is a canonical KvRecord within the limits.
func (Validator) Validate(dhtKey string, value []byte) error {
	_, _, err := Parse(dhtKey, value)
	return err
}

// Select returns the index of the best of values: the highest seq, then the
// greater value bytes, then the greater publisher bytes; the first among
// identical records. Records that fail validation never win; it is an error
// when none is valid.
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

// Parse validates like Validate and returns the user key and the decoded record.
func Parse(dhtKey string, value []byte) (string, Record, error) {
	key, err := UserKey(dhtKey)
	if err != nil {
		return "", Record{}, err
	}
	r, err := Decode(value)
	if err != nil {
		return "", Record{}, err
	}
	return key, r, nil
}

// Compare orders two records: positive when a is better than b, negative when
// b is better, zero when they are identical.
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
	return bytes.Compare(a.Publisher, b.Publisher)
}
