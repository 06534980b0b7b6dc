package kvrecord

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// signedVectorsPath is test/vectors/kvs-records.json, shared by every implementation.
const signedVectorsPath = "../../../vectors/kvs-records.json"

type signedVectors struct {
	Limits struct {
		KeyPrefix       string `json:"keyPrefix"`
		MinNameBytes    int    `json:"minNameBytes"`
		MaxNameBytes    int    `json:"maxNameBytes"`
		SignatureBytes  int    `json:"signatureBytes"`
		SignatureDomain string `json:"signatureDomain"`
	} `json:"limits"`
	Owners []struct {
		Role   string `json:"role"`
		Seed   string `json:"seed"`
		PeerID string `json:"peerId"`
	} `json:"owners"`
	SignedBytes []struct {
		Name    string `json:"name"`
		Key     string `json:"key"`
		Value   string `json:"value"`
		Seq     string `json:"seq"`
		Expires string `json:"expires"`
		Bytes   string `json:"bytes"`
	} `json:"signed_bytes"`
	vectors
}

func loadSignedVectors(t *testing.T) signedVectors {
	t.Helper()
	data, err := os.ReadFile(signedVectorsPath)
	if err != nil {
		t.Fatalf("reading the shared vectors: %v", err)
	}
	var v signedVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", signedVectorsPath, err)
	}
	if _, err := parseVectors(data); err != nil {
		t.Fatalf("%s: %v", signedVectorsPath, err)
	}
	if len(v.SignedBytes) == 0 {
		t.Fatalf("%s: no signed_bytes cases", signedVectorsPath)
	}
	return v
}

func TestSignedLimits(t *testing.T) {
	l := loadSignedVectors(t).Limits
	if l.KeyPrefix != SignedKeyPrefix || l.MinNameBytes != MinNameBytes || l.MaxNameBytes != MaxNameBytes || l.SignatureBytes != SignatureBytes || l.SignatureDomain != SignatureDomain {
		t.Fatalf("the vectors' limits %+v differ from the code's", l)
	}
}

func TestSignedOwners(t *testing.T) {
	for _, o := range loadSignedVectors(t).Owners[:2] {
		key, _, err := crypto.GenerateEd25519Key(&seedReader{unhex(t, o.Seed)})
		if err != nil {
			t.Fatal(err)
		}
		id, _ := peer.IDFromPrivateKey(key)
		if id.String() != o.PeerID {
			t.Errorf("%s: seed gives %s, want %s", o.Role, id, o.PeerID)
		}
	}
}

// seedReader hands out a fixed Ed25519 seed (ed25519.GenerateKey reads 32 bytes).
type seedReader struct{ seed []byte }

func (r *seedReader) Read(p []byte) (int, error) { return copy(p, r.seed), nil }

func TestSignedBytesVectors(t *testing.T) {
	for _, c := range loadSignedVectors(t).SignedBytes {
		t.Run(c.Name, func(t *testing.T) {
			seq, _ := strconv.ParseUint(c.Seq, 10, 64)
			expires, _ := strconv.ParseUint(c.Expires, 10, 64)
			got := SignedBytes(string(unhex(t, c.Key)), Record{Value: unhex(t, c.Value), Seq: seq, Expires: expires})
			if hex.EncodeToString(got) != c.Bytes {
				t.Errorf("signed bytes\n got %x\nwant %s", got, c.Bytes)
			}
		})
	}
}

func TestSignedValidationVectors(t *testing.T) {
	for _, c := range loadSignedVectors(t).Validation {
		t.Run(c.Name, func(t *testing.T) {
			_, _, _, err := ParseSigned(string(unhex(t, c.Key)), unhex(t, c.Record))
			if c.Valid && err != nil {
				t.Errorf("rejected a valid record (%s): %v", c.Why, err)
			}
			if !c.Valid && err == nil {
				t.Errorf("accepted an invalid record (%s)", c.Why)
			}
		})
	}
}

func TestSignedLifetimeVectors(t *testing.T) {
	for _, c := range loadSignedVectors(t).Lifetime {
		t.Run(c.Name, func(t *testing.T) {
			key, record := string(unhex(t, c.Key)), unhex(t, c.Record)
			if _, _, _, err := ParseSigned(key, record); err != nil {
				t.Fatalf("a lifetime case must pass the format and signature rules: %v", err)
			}
			now := time.UnixMilli(c.Now)
			err := SignedValidator{Now: func() time.Time { return now }}.Validate(key, record)
			if c.Live != (err == nil) {
				t.Errorf("live %t wanted (%s), got %v", c.Live, c.Why, err)
			}
		})
	}
}

func TestSignedSelectionVectors(t *testing.T) {
	for _, c := range loadSignedVectors(t).Selection {
		t.Run(c.Name, func(t *testing.T) {
			records := make([][]byte, len(c.Records))
			for i, r := range c.Records {
				records[i] = unhex(t, r)
			}
			best, err := SignedValidator{}.Select(string(unhex(t, c.Key)), records)
			if err != nil || best != c.Best {
				t.Errorf("selected %d (%v), want %d (%s)", best, err, c.Best, c.Why)
			}
		})
	}
}

func TestSignRoundTripAndForgery(t *testing.T) {
	owner, _, _ := crypto.GenerateEd25519Key(nil)
	intruder, _, _ := crypto.GenerateEd25519Key(nil)
	id, _ := peer.IDFromPrivateKey(owner)
	key := SignedKeyPrefix + id.String() + "/name"
	r := Record{Value: []byte("v"), Seq: 2, Expires: ExpiresAt(time.Now(), time.Hour)}
	good, err := Sign(owner, key, r)
	if err != nil {
		t.Fatal(err)
	}
	if err := (SignedValidator{}).Validate(key, good); err != nil {
		t.Fatalf("refused the owner's record: %v", err)
	}
	forged, _ := Sign(intruder, key, Record{Value: []byte("forged"), Seq: 3, Expires: r.Expires})
	if err := (SignedValidator{}).Validate(key, forged); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("accepted a forged record: %v", err)
	}
}
