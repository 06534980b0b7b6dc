package kvrecord

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// vectorsPath is test/vectors/kv-records.json, shared by every implementation.
const vectorsPath = "../../../vectors/kv-records.json"

type vectors struct {
	// Validation cases check the format rules alone (no clock).
	Validation []struct {
		Name   string `json:"name"`
		Key    string `json:"key"`
		Record string `json:"record"`
		Valid  bool   `json:"valid"`
		Why    string `json:"why"`
	} `json:"validation"`
	// Lifetime cases run the full validator with the clock at Now (Unix ms).
	Lifetime []struct {
		Name   string `json:"name"`
		Key    string `json:"key"`
		Record string `json:"record"`
		Now    int64  `json:"now"`
		Live   bool   `json:"live"`
		Why    string `json:"why"`
	} `json:"lifetime"`
	Selection []struct {
		Name    string   `json:"name"`
		Key     string   `json:"key"`
		Records []string `json:"records"`
		Best    int      `json:"best"`
		Why     string   `json:"why"`
	} `json:"selection"`
}

// parseVectors decodes the vectors file and refuses one with an empty or
// missing section, so that a renamed or emptied section cannot make its tests
// pass by running nothing.
func parseVectors(data []byte) (vectors, error) {
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		return vectors{}, err
	}
	var empty []string
	for name, n := range map[string]int{"validation": len(v.Validation), "lifetime": len(v.Lifetime), "selection": len(v.Selection)} {
		if n == 0 {
			empty = append(empty, name)
		}
	}
	if len(empty) > 0 {
		return vectors{}, fmt.Errorf("no %s cases", strings.Join(empty, ", no "))
	}
	return v, nil
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	data, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("reading the shared vectors: %v", err)
	}
	v, err := parseVectors(data)
	if err != nil {
		t.Fatalf("%s: %v", vectorsPath, err)
	}
	return v
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex in the vectors: %v", err)
	}
	return b
}

func TestLoaderRefusesAnEmptySection(t *testing.T) {
	const validation = `"validation": [{"name": "v", "key": "", "record": "", "valid": true}]`
	const lifetime = `"lifetime": [{"name": "l", "key": "", "record": "", "now": 1, "live": false}]`
	const selection = `"selection": [{"name": "s", "key": "", "records": [""], "best": 0}]`
	if _, err := parseVectors([]byte("{" + validation + "," + lifetime + "," + selection + "}")); err != nil {
		t.Fatalf("refused complete vectors: %v", err)
	}
	cases := map[string]string{
		"lifetime":   "{" + validation + `, "lifetime": [],` + selection + "}",
		"validation": "{" + lifetime + "," + selection + "}",
		"selection":  "{" + validation + "," + lifetime + `, "selection": []}`,
	}
	for section, data := range cases {
		_, err := parseVectors([]byte(data))
		if err == nil || !strings.Contains(err.Error(), "no "+section+" cases") {
			t.Errorf("without %s cases: got %v", section, err)
		}
	}
}

// TestValidationVectors checks the format rules (the `validation` section holds no time).
func TestValidationVectors(t *testing.T) {
	for _, c := range loadVectors(t).Validation {
		t.Run(c.Name, func(t *testing.T) {
			key, record := string(unhex(t, c.Key)), unhex(t, c.Record)
			_, r, err := Parse(key, record)
			if c.Valid && err != nil {
				t.Errorf("rejected a valid record (%s): %v", c.Why, err)
			}
			if !c.Valid && err == nil {
				t.Errorf("accepted an invalid record (%s): %+v", c.Why, r)
			}
			if _, decodeErr := Decode(record); err == nil && decodeErr != nil {
				t.Errorf("Parse accepted what Decode refuses: %v", decodeErr)
			}
		})
	}
}

// TestLifetimeVectors runs the full validator with its clock at each case's now.
func TestLifetimeVectors(t *testing.T) {
	for _, c := range loadVectors(t).Lifetime {
		t.Run(c.Name, func(t *testing.T) {
			now := time.UnixMilli(c.Now)
			key, record := string(unhex(t, c.Key)), unhex(t, c.Record)
			if _, _, err := Parse(key, record); err != nil {
				t.Fatalf("a lifetime case must pass the format rules: %v", err)
			}
			err := Validator{Now: func() time.Time { return now }}.Validate(key, record)
			if c.Live && err != nil {
				t.Errorf("rejected a live record (%s): %v", c.Why, err)
			}
			if !c.Live && err == nil {
				t.Errorf("accepted a record that is not live (%s)", c.Why)
			}
			if !c.Live && !errors.Is(err, ErrNotLive) {
				t.Errorf("the error does not wrap ErrNotLive: %v", err)
			}
		})
	}
}

func TestSelectionVectors(t *testing.T) {
	for _, c := range loadVectors(t).Selection {
		t.Run(c.Name, func(t *testing.T) {
			records := make([][]byte, len(c.Records))
			for i, r := range c.Records {
				records[i] = unhex(t, r)
			}
			best, err := Validator{}.Select(string(unhex(t, c.Key)), records)
			if err != nil {
				t.Fatalf("select failed: %v", err)
			}
			if best != c.Best {
				t.Errorf("selected %d, want %d (%s)", best, c.Best, c.Why)
			}
		})
	}
}

func TestSelectWithoutValidRecordFails(t *testing.T) {
	if _, err := (Validator{}).Select("/kv/k", [][]byte{{0xff}, {0x08, 0x05}}); err == nil {
		t.Fatal("select chose among invalid records only")
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	r := Record{Value: []byte("v"), Seq: 1<<64 - 1, Publisher: []byte{0x00, 0x24}, Expires: 1<<64 - 1}
	got, err := Decode(Encode(r))
	if err != nil {
		t.Fatalf("decoding an encoded record: %v", err)
	}
	if Compare(got, r) != 0 || got.Expires != r.Expires {
		t.Fatalf("round trip changed the record: %+v", got)
	}
	// expires is field 4, a varint, after the publisher
	if enc := Encode(Record{Expires: 1}); hex.EncodeToString(enc) != "2001" {
		t.Fatalf("Record{Expires: 1} encodes as %x, want 2001", enc)
	}
}

func TestLiveBounds(t *testing.T) {
	now := time.UnixMilli(1_767_225_600_000)
	nowMs := uint64(now.UnixMilli())
	cases := []struct {
		expires uint64
		live    bool
	}{
		{0, false},
		{nowMs - 1, false},
		{nowMs, false},
		{nowMs + 1, true},
		{nowMs + MaxTTLMs, true},
		{nowMs + MaxTTLMs + MaxClockSkewMs, true},
		{nowMs + MaxTTLMs + MaxClockSkewMs + 1, false},
		{1<<64 - 1, false},
	}
	for _, c := range cases {
		err := Live(Record{Expires: c.expires}, now)
		if (err == nil) != c.live {
			t.Errorf("expires %d at now %d: got %v, want live %t", c.expires, nowMs, err, c.live)
		}
	}
}

func TestValidatorUsesTheClockByDefault(t *testing.T) {
	live := Encode(Record{Value: []byte("v"), Seq: 1, Expires: ExpiresAt(time.Now(), time.Hour)})
	if err := (Validator{}).Validate("/kv/k", live); err != nil {
		t.Fatalf("refused a record that ends in an hour: %v", err)
	}
	expired := Encode(Record{Value: []byte("v"), Seq: 1, Expires: UnixMs(time.Now()) - 1})
	if err := (Validator{}).Validate("/kv/k", expired); !errors.Is(err, ErrNotLive) {
		t.Fatalf("accepted an expired record: %v", err)
	}
}

func TestExpiresAt(t *testing.T) {
	now := time.UnixMilli(1_000_000)
	cases := map[time.Duration]uint64{
		0:                  1_000_000 + MaxTTLMs,
		-time.Second:       1_000_000 + MaxTTLMs,
		time.Minute:        1_000_000 + 60_000,
		MaxTTL:             1_000_000 + MaxTTLMs,
		MaxTTL + time.Hour: 1_000_000 + MaxTTLMs,
		1<<63 - 1:          1_000_000 + MaxTTLMs,
	}
	for ttl, want := range cases {
		if got := ExpiresAt(now, ttl); got != want {
			t.Errorf("ExpiresAt(now, %s) = %d, want %d", ttl, got, want)
		}
	}
}
