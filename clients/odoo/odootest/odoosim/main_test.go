package main

import (
	"context"
	"io"
	"testing"
)

// -h prints the flags and is not an error: odoosim -h exits 0; a flag it does not know still is one.
func TestRunHelpIsNotAnError(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr bool
	}{
		{[]string{"-h"}, false},
		{[]string{"--help"}, false},
		{[]string{"-nope"}, true},
		{[]string{"-version", "15"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tt.args...), io.Discard)
			if got := err != nil; got != tt.wantErr {
				t.Errorf("run(%v) = %v, want an error: %v", tt.args, err, tt.wantErr)
			}
		})
	}
}
