package kvrecord

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"
)

// vectorsPath is test/vectors/kv-records.json, shared by every implementation.
const vectorsPath = "../../../vectors/kv-records.json"

type vectors struct {
	Validation []struct {
		Name   string `json:"name"`
		Key    string `json:"key"`
		Record string `json:"record"`
		Valid  bool   `json:"valid"`
		Why    string `json:"why"`
	} `json:"validation"`
	Selection []struct {
		Name    string   `json:"name"`
		Key     string   `json:"key"`
		Records []string `json:"records"`
		Best    int      `json:"best"`
		Why     string   `json:"why"`
	} `json:"selection"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	data, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("reading the shared vectors: %v", err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("parsing %s: %v", vectorsPath, err)
	}
	if len(v.Validation) == 0 || len(v.Selection) == 0 {
		t.Fatalf("%s has no validation or no selection cases", vectorsPath)
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

func TestValidationVectors(t *testing.T) {
	for _, c := range loadVectors(t).Validation {
		t.Run(c.Name, func(t *testing.T) {
			err := Validator{}.Validate(string(unhex(t, c.Key)), unhex(t, c.Record))
			if c.Valid && err != nil {
				t.Errorf("rejected a valid record (%s): %v", c.Why, err)
			}
			if !c.Valid && err == nil {
				t.Errorf("accepted an invalid record (%s)", c.Why)
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
	r := Record{Value: []byte("v"), Seq: 1<<64 - 1, Publisher: []byte{0x00, 0x24}}
	got, err := Decode(Encode(r))
	if err != nil {
		t.Fatalf("decoding an encoded record: %v", err)
	}
	if Compare(got, r) != 0 {
		t.Fatalf("round trip changed the record: %+v", got)
	}
}
