package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunRefusesIncompleteSettings(t *testing.T) {
	env := map[string]string{"ODOO_URL": "http://127.0.0.1:1", "ODOO_DB": "odoo17", "ODOO_USER": "admin", "ODOO_API_KEY": "k"}
	for _, tc := range []struct {
		name string
		args []string
		drop string
		want string
	}{
		{"no output directory", nil, "", "-out is required"},
		{"no API key", []string{"-out", t.TempDir()}, "ODOO_API_KEY", "ODOO_API_KEY is not set"},
		{"unknown flag", []string{"-bogus"}, "", "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == tc.drop {
					return ""
				}
				return env[k]
			}
			var stderr bytes.Buffer
			err := run(context.Background(), tc.args, getenv, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%v) = %v, want an error containing %q", tc.args, err, tc.want)
			}
		})
	}
}
