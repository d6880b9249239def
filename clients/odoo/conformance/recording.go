package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/exactsync/exactsync/clients/odoo"
)

// Recording is the normalised exchanges of one scenario run, step by step.
type Recording struct {
	Server    string   `json:"server"`    // the server_version it was recorded from
	Transport string   `json:"transport"` // xmlrpc or json2
	Surprises []string `json:"surprises,omitempty"`
	Steps     []Step   `json:"-"`
}

// Step is the exchanges of one scenario step.
type Step struct {
	Name      string     `json:"step"`
	Unordered bool       `json:"unordered,omitempty"` // calls made in parallel
	Exchanges []Exchange `json:"exchanges"`
}

type manifest struct {
	Recording
	Files []string `json:"files"`
}

// NewRecording groups captured exchanges by the steps of rep.
func NewRecording(server, transport string, rep *Report, exchanges []Exchange) (*Recording, error) {
	rec := &Recording{Server: server, Transport: transport, Surprises: rep.Surprises}
	index := map[string]int{}
	for _, name := range rep.Steps {
		index[name] = len(rec.Steps)
		rec.Steps = append(rec.Steps, Step{Name: name, Unordered: rep.Unordered[name], Exchanges: []Exchange{}})
	}
	for _, ex := range exchanges {
		i, ok := index[ex.Step]
		if !ok {
			return nil, fmt.Errorf("conformance: exchange %s.%s outside the scenario's steps (step %q)", ex.Model, ex.Method, ex.Step)
		}
		rec.Steps[i].Exchanges = append(rec.Steps[i].Exchanges, ex)
	}
	// Round-trip through JSON so that a fresh recording and a loaded one hold the same types.
	for i := range rec.Steps {
		data, err := json.Marshal(rec.Steps[i])
		if err != nil {
			return nil, err
		}
		if err := decodeStep(data, &rec.Steps[i]); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

func stepFile(i int, name string) string {
	return fmt.Sprintf("%02d-%s.json", i+1, strings.Trim(nonWord.ReplaceAllString(strings.ToLower(name), "-"), "-"))
}

// Write replaces the recording in dir: manifest.json and one file per step.
func (rec *Recording) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	m := manifest{Recording: *rec}
	for i, s := range rec.Steps {
		name := stepFile(i, s.Name)
		m.Files = append(m.Files, name)
		if err := writeJSON(filepath.Join(dir, name), s); err != nil {
			return err
		}
	}
	return writeJSON(filepath.Join(dir, "manifest.json"), m)
}

func writeJSON(path string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("conformance: %s: %w", path, err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Load reads a recording written by Write.
func Load(dir string) (*Recording, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("conformance: %s/manifest.json: %w", dir, err)
	}
	rec := m.Recording
	for _, name := range m.Files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("conformance: %w", err)
		}
		var s Step
		if err := decodeStep(data, &s); err != nil {
			return nil, fmt.Errorf("conformance: %s/%s: %w", dir, name, err)
		}
		for i := range s.Exchanges {
			s.Exchanges[i].Step = s.Name
		}
		rec.Steps = append(rec.Steps, s)
	}
	return &rec, nil
}

// decodeStep decodes with json.Number, so that integers and floats stay apart.
func decodeStep(data []byte, s *Step) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(s)
}

// Record runs the scenario against cfg through a Capture over base (http.DefaultTransport when
// nil) and returns the recording: also when the scenario stopped early, with the steps it reached
// and the scenario's error.
func Record(ctx context.Context, cfg odoo.Config, base http.RoundTripper) (*Recording, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	suffix := hex.EncodeToString(b)
	capture := NewCapture(base, &Normalizer{
		Secrets: []string{cfg.APIKey, WrongAPIKey}, Database: cfg.Database, Login: cfg.Login, Run: suffix,
	})
	rep, err := Run(ctx, cfg, Options{Run: suffix, Transport: capture})
	if cerr := capture.Err(); cerr != nil {
		return nil, cerr
	}
	if rep == nil {
		return nil, err
	}
	transport := cfg.Transport
	if transport == "" || transport == odoo.TransportAuto {
		transport = rep.Transport
	}
	rec, rerr := NewRecording(rep.ServerVersion, transport, rep, capture.Exchanges())
	if rerr != nil {
		return nil, rerr
	}
	return rec, err
}
