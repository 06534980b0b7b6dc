package kvrecord

import (
	"bytes"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of KvRecord (src/records/kv-record.proto).
const (
	fieldValue     protowire.Number = 1
	fieldSeq       protowire.Number = 2
	fieldPublisher protowire.Number = 3
	fieldExpires   protowire.Number = 4
	fieldSignature protowire.Number = 5
)

// Record is a decoded KvRecord.
type Record struct {
	// Value is the user's value, at most MaxValueBytes.
	Value []byte
	// Seq orders records of one key: the highest wins. Unsigned 64-bit.
	Seq uint64
	// Publisher holds the peer id bytes (multihash) of the publisher; informational.
	Publisher []byte
	// Expires is when the record ends, Unix time in ms; 0 (absent) is never
	// live. See Live for the lifetime rule.
	Expires uint64
	// Signature is the owner's Ed25519 signature of a /kvs record (signed.go);
	// empty in /kv records.
	Signature []byte
}

// Encode returns the canonical proto3 encoding of r: fields in field-number
// order, zero-valued fields omitted, minimal varints.
func Encode(r Record) []byte {
	var b []byte
	if len(r.Value) > 0 {
		b = protowire.AppendTag(b, fieldValue, protowire.BytesType)
		b = protowire.AppendBytes(b, r.Value)
	}
	if r.Seq != 0 {
		b = protowire.AppendTag(b, fieldSeq, protowire.VarintType)
		b = protowire.AppendVarint(b, r.Seq)
	}
	if len(r.Publisher) > 0 {
		b = protowire.AppendTag(b, fieldPublisher, protowire.BytesType)
		b = protowire.AppendBytes(b, r.Publisher)
	}
	if r.Expires != 0 {
		b = protowire.AppendTag(b, fieldExpires, protowire.VarintType)
		b = protowire.AppendVarint(b, r.Expires)
	}
	if len(r.Signature) > 0 {
		b = protowire.AppendTag(b, fieldSignature, protowire.BytesType)
		b = protowire.AppendBytes(b, r.Signature)
	}
	return b
}

// Decode decodes a KvRecord and enforces every rule of the format: the bytes
// must decode, stay within the size limits, and be the canonical encoding of
// what they decode to (so every implementation agrees on validity byte for
// byte). The error says which rule failed. It does not check the lifetime
// rule (Live), which needs a clock.
func Decode(b []byte) (Record, error) {
	if len(b) > MaxRecordBytes {
		return Record{}, fmt.Errorf("record has %d bytes; the limit is %d", len(b), MaxRecordBytes)
	}
	r, err := decodeFields(b)
	if err != nil {
		return Record{}, fmt.Errorf("record is not a valid KvRecord protobuf: %w", err)
	}
	if err := checkLimits(r); err != nil {
		return Record{}, err
	}
	if !bytes.Equal(Encode(r), b) {
		return Record{}, errors.New("record is not the canonical KvRecord encoding (unknown, repeated, out-of-order or zero-valued fields, or non-minimal varints)")
	}
	return r, nil
}

// checkLimits checks the sizes of a record's fields.
func checkLimits(r Record) error {
	if len(r.Value) > MaxValueBytes {
		return fmt.Errorf("value has %d bytes; the limit is %d (64 KiB)", len(r.Value), MaxValueBytes)
	}
	if len(r.Publisher) > MaxPublisherBytes {
		return fmt.Errorf("publisher has %d bytes; the limit is %d", len(r.Publisher), MaxPublisherBytes)
	}
	if len(r.Signature) > SignatureBytes {
		return fmt.Errorf("signature has %d bytes; an Ed25519 signature has %d", len(r.Signature), SignatureBytes)
	}
	return nil
}

// decodeFields reads the fields of a KvRecord, refusing wrong wire types and
// unknown fields; repeated fields keep the last value (and then fail the
// canonical check).
func decodeFields(b []byte) (Record, error) {
	var r Record
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return Record{}, protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case num == fieldValue && typ == protowire.BytesType:
			r.Value, n = protowire.ConsumeBytes(b)
		case num == fieldSeq && typ == protowire.VarintType:
			r.Seq, n = protowire.ConsumeVarint(b)
		case num == fieldPublisher && typ == protowire.BytesType:
			r.Publisher, n = protowire.ConsumeBytes(b)
		case num == fieldExpires && typ == protowire.VarintType:
			r.Expires, n = protowire.ConsumeVarint(b)
		case num == fieldSignature && typ == protowire.BytesType:
			r.Signature, n = protowire.ConsumeBytes(b)
		case num >= fieldValue && num <= fieldSignature:
			return Record{}, fmt.Errorf("field %d has the wrong wire type %d", num, typ)
		default:
			return Record{}, fmt.Errorf("unknown field %d", num)
		}
		if n < 0 {
			return Record{}, protowire.ParseError(n)
		}
		b = b[n:]
	}
	return r, nil
}
