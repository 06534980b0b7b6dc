package kvproto

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// RequestType is Request.Type.
type RequestType int32

// The request types.
const (
	Store    RequestType = 0
	Retrieve RequestType = 1
)

// Status is Response.Status.
type Status int32

// The response statuses (docs/protocol.md, "Status codes").
const (
	StatusOK             Status = 0
	StatusNotFound       Status = 1
	StatusInvalidRequest Status = 2
	StatusTooLarge       Status = 3
	StatusQuorumFailed   Status = 4
	StatusTimeout        Status = 5
	StatusInternal       Status = 6
	// StatusStorageFull is an exper-dht peer's answer to a STORE it has no
	// room for; the Go server never sends it, the client names it.
	StatusStorageFull Status = 7
	// StatusInvalidRecord answers a STORE of a signed record that fails
	// validation (signature, format, lifetime) or is older than the one held.
	StatusInvalidRecord Status = 8
)

var statusNames = map[Status]string{
	StatusOK: "OK", StatusNotFound: "NOT_FOUND", StatusInvalidRequest: "INVALID_REQUEST",
	StatusTooLarge: "TOO_LARGE", StatusQuorumFailed: "QUORUM_FAILED", StatusTimeout: "TIMEOUT",
	StatusInternal: "INTERNAL", StatusStorageFull: "STORAGE_FULL", StatusInvalidRecord: "INVALID_RECORD",
}

// String is the status's name in the .proto file.
func (s Status) String() string {
	if name, ok := statusNames[s]; ok {
		return name
	}
	return fmt.Sprintf("status %d", int32(s))
}

// Request is the message a client sends.
type Request struct {
	Type   RequestType // field 1
	Key    string      // field 2
	Value  []byte      // field 3, STORE only
	Quorum uint32      // field 4, STORE only: 0 = the peer's default
	// TTL (field 5, STORE only) is how many seconds the record should live;
	// 0 (or a request without the field, from an older client) means the
	// peer's default lifetime.
	TTL uint32
	// SignedKey (field 6) names a signed /kvs record, "<owner>/<name>",
	// instead of Key (then empty).
	SignedKey string
	// Record (field 7, STORE with SignedKey) is the KvRecord its owner signed.
	Record []byte
}

// Response is the message a peer answers with.
type Response struct {
	Status   Status // field 1
	Value    []byte // field 2, RETRIEVE + OK
	Seq      uint64 // field 3
	Replicas uint32 // field 4, STORE
	Error    string // field 5, status != OK
	// Expires (field 6) is when the record ends, Unix ms: for a STORE the
	// record published, for a RETRIEVE the record returned. 0 when absent (a
	// failure, or a peer that predates the field).
	Expires uint64
	// Record (field 7, RETRIEVE with SignedKey + OK) is the whole signed
	// KvRecord; Value is then empty.
	Record []byte
}

// Marshal encodes r in proto3 (zero-valued fields omitted).
func (r Request) Marshal() []byte {
	var b []byte
	b = appendVarint(b, 1, uint64(int64(r.Type)))
	b = appendBytes(b, 2, []byte(r.Key))
	b = appendBytes(b, 3, r.Value)
	b = appendVarint(b, 4, uint64(r.Quorum))
	b = appendVarint(b, 5, uint64(r.TTL))
	b = appendBytes(b, 6, []byte(r.SignedKey))
	return appendBytes(b, 7, r.Record)
}

// Marshal encodes r in proto3 (zero-valued fields omitted).
func (r Response) Marshal() []byte {
	var b []byte
	b = appendVarint(b, 1, uint64(int64(r.Status)))
	b = appendBytes(b, 2, r.Value)
	b = appendVarint(b, 3, r.Seq)
	b = appendVarint(b, 4, uint64(r.Replicas))
	b = appendBytes(b, 5, []byte(r.Error))
	b = appendVarint(b, 6, r.Expires)
	return appendBytes(b, 7, r.Record)
}

// UnmarshalRequest decodes a Request; unknown fields are skipped, as proto3 does.
func UnmarshalRequest(b []byte) (Request, error) {
	var r Request
	err := walkFields(b, func(num protowire.Number, f field) error {
		var err error
		switch num {
		case 1:
			var v int32
			v, err = f.int32()
			r.Type = RequestType(v)
		case 2:
			r.Key, err = f.string()
		case 3:
			r.Value, err = f.bytes()
		case 4:
			r.Quorum, err = f.uint32()
		case 5:
			r.TTL, err = f.uint32()
		case 6:
			r.SignedKey, err = f.string()
		case 7:
			r.Record, err = f.bytes()
		}
		return err
	})
	return r, err
}

// UnmarshalResponse decodes a Response; unknown fields are skipped, as proto3 does.
func UnmarshalResponse(b []byte) (Response, error) {
	var r Response
	err := walkFields(b, func(num protowire.Number, f field) error {
		var err error
		switch num {
		case 1:
			var v int32
			v, err = f.int32()
			r.Status = Status(v)
		case 2:
			r.Value, err = f.bytes()
		case 3:
			r.Seq, err = f.uint64()
		case 4:
			r.Replicas, err = f.uint32()
		case 5:
			r.Error, err = f.string()
		case 6:
			r.Expires, err = f.uint64()
		case 7:
			r.Record, err = f.bytes()
		}
		return err
	})
	return r, err
}

func appendVarint(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendBytes(b []byte, num protowire.Number, v []byte) []byte {
	if len(v) == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

// field is one decoded field: its wire type and its varint or bytes value.
type field struct {
	typ    protowire.Type
	varint uint64
	data   []byte
}

var errWireType = errors.New("field has the wrong wire type")

func (f field) uint64() (uint64, error) {
	if f.typ != protowire.VarintType {
		return 0, errWireType
	}
	return f.varint, nil
}

func (f field) uint32() (uint32, error) {
	v, err := f.uint64()
	if err == nil && v > math.MaxUint32 {
		return 0, fmt.Errorf("uint32 field holds %d", v)
	}
	return uint32(v), err
}

func (f field) int32() (int32, error) {
	v, err := f.uint64()
	return int32(v), err
}

func (f field) bytes() ([]byte, error) {
	if f.typ != protowire.BytesType {
		return nil, errWireType
	}
	return f.data, nil
}

func (f field) string() (string, error) {
	b, err := f.bytes()
	if err == nil && !utf8.Valid(b) {
		return "", errors.New("string field is not valid UTF-8")
	}
	return string(b), err
}

// walkFields calls visit for each field of a protobuf message; varint and
// length-delimited fields carry their value, others are skipped.
func walkFields(b []byte, visit func(protowire.Number, field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		f := field{typ: typ}
		switch typ {
		case protowire.VarintType:
			f.varint, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			f.data, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := visit(num, f); err != nil {
			return fmt.Errorf("field %d: %w", num, err)
		}
	}
	return nil
}
