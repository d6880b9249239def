package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/exactsync/exactsync/store"
)

// A missing key is reported as missing, not as malformed, and the advice points at the key the secrets were stored
// with: a new key cannot read them.
func TestParseKeyErrorsSayWhatIsWrong(t *testing.T) {
	tests := []struct {
		name, in string
		is       error
		want     []string
		wantNot  []string
	}{
		{"empty", "", store.ErrNoKey, []string{"EXACTSYNC_SECRET_KEY is not set", ".data/secret.key", "cannot read them"},
			[]string{"must be 32 bytes"}},
		{"blank", "  \n", store.ErrNoKey, []string{"is not set"}, nil},
		{"too short", "c2hvcnQ=", store.ErrBadKey, []string{"is set but is not 32 bytes", ".data/secret.key", "without connections yet"},
			[]string{"is not set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.ParseKey(tt.in)
			if !errors.Is(err, tt.is) {
				t.Fatalf("ParseKey(%q) = %v, want %v", tt.in, err, tt.is)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q says %q", err, w)
				}
			}
		})
	}
}
