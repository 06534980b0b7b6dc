package kvrecord

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	record "github.com/libp2p/go-libp2p-record"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/crypto/pb"
	"github.com/libp2p/go-libp2p/core/peer"
)

// ErrBadSignature is the error ParseSigned wraps for a signature that is
// missing, malformed or not the key's owner's.
var ErrBadSignature = errors.New("bad signature")

// SignedValidator is the record.Validator of the "kvs" namespace (signed
// records: docs/records.md, "Signed records"): register it beside Validator
// in the NamespacedValidator.
type SignedValidator struct {
	// Now is the clock of the lifetime rule; nil means time.Now.
	Now func() time.Time
}

var _ record.Validator = SignedValidator{}

// Validate is the full /kvs validator: ParseSigned, then the lifetime rule.
func (v SignedValidator) Validate(dhtKey string, value []byte) error {
	_, _, r, err := ParseSigned(dhtKey, value)
	if err != nil {
		return err
	}
	return Live(r, Validator{Now: v.Now}.now())
}

// Select is the /kv selection rule (Validator.Select); go-libp2p-kad-dht
// selects among records it has validated.
func (SignedValidator) Select(dhtKey string, values [][]byte) (int, error) {
	return Validator{}.Select(dhtKey, values)
}

// SignedKey splits a DHT key "/kvs/<owner>/<name>" and checks it: the owner
// an Ed25519 peer id written as printed (base58btc), the name 1–200 bytes of
// valid UTF-8. It returns the owner and the name.
func SignedKey(dhtKey string) (peer.ID, string, error) {
	rest, ok := strings.CutPrefix(dhtKey, SignedKeyPrefix)
	if !ok {
		return "", "", fmt.Errorf("DHT key does not start with %s", SignedKeyPrefix)
	}
	ownerText, name, ok := strings.Cut(rest, "/")
	if !ok {
		return "", "", errors.New("a signed key is /kvs/<owner peer id>/<name>: no slash after the owner")
	}
	owner, err := peer.Decode(ownerText)
	if err != nil {
		return "", "", fmt.Errorf("owner is not a peer id: %w", err)
	}
	if owner.String() != ownerText {
		return "", "", fmt.Errorf("owner %q is not written as peer ids are printed (%s)", ownerText, owner)
	}
	pub, err := owner.ExtractPublicKey()
	if err != nil || pub.Type() != pb.KeyType_Ed25519 {
		return "", "", fmt.Errorf("owner %s is not an Ed25519 peer id: signed records are owned by Ed25519 identities only", owner)
	}
	if len(name) < MinNameBytes || len(name) > MaxNameBytes {
		return "", "", fmt.Errorf("name has %d bytes; it must have %d to %d", len(name), MinNameBytes, MaxNameBytes)
	}
	if !utf8.ValidString(name) {
		return "", "", errors.New("name is not valid UTF-8")
	}
	return owner, name, nil
}

// SignedBytes are the bytes an owner signs for a record of dhtKey:
// SignatureDomain || uint32be(len(key)) || key || uint32be(len(value)) ||
// value || uint64be(seq) || uint64be(expires).
func SignedBytes(dhtKey string, r Record) []byte {
	b := make([]byte, 0, len(SignatureDomain)+4+len(dhtKey)+4+len(r.Value)+16)
	b = append(b, SignatureDomain...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(dhtKey)))
	b = append(b, dhtKey...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Value)))
	b = append(b, r.Value...)
	b = binary.BigEndian.AppendUint64(b, r.Seq)
	return binary.BigEndian.AppendUint64(b, r.Expires)
}

// ParseSigned checks the format and signature rules of /kvs (not the
// lifetime rule): the key (SignedKey), a canonical KvRecord without
// publisher, and a 64-byte signature that verifies against the owner's public
// key, which is inside the owner's peer id. Signature errors wrap ErrBadSignature.
func ParseSigned(dhtKey string, value []byte) (peer.ID, string, Record, error) {
	owner, name, err := SignedKey(dhtKey)
	if err != nil {
		return "", "", Record{}, err
	}
	r, err := Decode(value)
	if err != nil {
		return "", "", Record{}, err
	}
	if len(r.Publisher) > 0 {
		return "", "", Record{}, errors.New("a /kvs record has no publisher field: its owner is in its key")
	}
	if len(r.Signature) != SignatureBytes {
		return "", "", Record{}, fmt.Errorf("%w: the signature has %d bytes; an Ed25519 signature has %d", ErrBadSignature, len(r.Signature), SignatureBytes)
	}
	pub, _ := owner.ExtractPublicKey()
	if ok, err := pub.Verify(SignedBytes(dhtKey, r), r.Signature); err != nil || !ok {
		return "", "", Record{}, fmt.Errorf("%w: it does not verify against the owner %s", ErrBadSignature, owner)
	}
	return owner, name, r, nil
}

// Sign returns the encoded /kvs record of r (value, seq, expires) for
// dhtKey, signed with key. It signs whatever key is given (tests forge
// records with it); only the owner's signature validates.
func Sign(key crypto.PrivKey, dhtKey string, r Record) ([]byte, error) {
	r.Publisher = nil
	sig, err := key.Sign(SignedBytes(dhtKey, r))
	if err != nil {
		return nil, err
	}
	r.Signature = sig
	return Encode(r), nil
}
