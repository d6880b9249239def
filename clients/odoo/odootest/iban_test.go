package odootest

import "testing"

// The wanted values were checked with an independent mod-97 implementation.

func TestWithIBANCheckDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NL02RABO0123456789", "NL44RABO0123456789"},
		{"NL91ABNA0417164300", "NL91ABNA0417164300"},
		{"BE00 0000 0000 0000", "BE54 0000 0000 0000"}, // spacing kept
		{"x", "x"},
	}
	for _, tt := range tests {
		if got := withIBANCheckDigits(tt.in); got != tt.want {
			t.Errorf("withIBANCheckDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
