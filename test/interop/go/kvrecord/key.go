package kvrecord

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ValidateUserKey checks that key is 1–256 bytes of valid UTF-8.
func ValidateUserKey(key string) error {
	if len(key) < MinKeyBytes {
		return fmt.Errorf("key is empty: a key has %d to %d bytes of UTF-8", MinKeyBytes, MaxKeyBytes)
	}
	if len(key) > MaxKeyBytes {
		return fmt.Errorf("key has %d bytes of UTF-8; the limit is %d", len(key), MaxKeyBytes)
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("key is not valid UTF-8")
	}
	return nil
}

// DHTKey is the DHT key of a user key: the bytes of "/kv/" + key. The caller
// validates key first (ValidateUserKey).
func DHTKey(key string) string {
	return KeyPrefix + key
}

// UserKey returns the user key inside a DHT key, or an error unless the DHT key
// is "/kv/" followed by 1–256 bytes of valid UTF-8.
func UserKey(dhtKey string) (string, error) {
	key, ok := strings.CutPrefix(dhtKey, KeyPrefix)
	if !ok {
		return "", fmt.Errorf("DHT key does not start with %s", KeyPrefix)
	}
	if err := ValidateUserKey(key); err != nil {
		return "", err
	}
	return key, nil
}
