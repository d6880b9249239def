package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/exactsync/exactsync/store"
)

func TestReplaceWebhookSecret(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	oldSecret, newSecret := strings.Repeat("a", 48), strings.Repeat("b", 48)
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "c", OdooURL: "http://odoo", WebhookSecret: oldSecret})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.SaveOdoo(ctx, store.Connection{Name: "other", OdooURL: "http://odoo", WebhookSecret: strings.Repeat("c", 48)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.ConnectionByWebhookSecret(ctx, oldSecret); err != nil || got.ID != id {
		t.Fatalf("before: ConnectionByWebhookSecret(old) = %d, %v; want connection %d", got.ID, err, id)
	}

	if err := s.ReplaceWebhookSecret(ctx, id, newSecret); err != nil {
		t.Fatalf("ReplaceWebhookSecret: %v", err)
	}
	if _, err := s.ConnectionByWebhookSecret(ctx, oldSecret); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old secret: err = %v, want ErrNotFound", err)
	}
	got, err := s.ConnectionByWebhookSecret(ctx, newSecret)
	if err != nil || got.ID != id || got.WebhookSecret != newSecret {
		t.Errorf("the new secret: connection %d (secret replaced: %v), %v; want connection %d", got.ID, got.WebhookSecret == newSecret, err, id)
	}
	if o, err := s.ConnectionByID(ctx, other); err != nil || o.WebhookSecret != strings.Repeat("c", 48) {
		t.Errorf("the other connection's secret changed (%v)", err)
	}
	// Saving the Odoo side again keeps the replaced secret.
	if _, err := s.SaveOdoo(ctx, store.Connection{Name: "c", OdooURL: "http://odoo2", WebhookSecret: strings.Repeat("d", 48)}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ConnectionByID(ctx, id); err != nil || got.WebhookSecret != newSecret {
		t.Errorf("after SaveOdoo the secret was replaced again (%v)", err)
	}

	for _, tt := range []struct {
		name   string
		id     int64
		secret string
		want   error
	}{
		{"unknown connection", id + other + 100, strings.Repeat("e", 48), store.ErrNotFound},
		{"empty secret", id, "", nil},
		{"short secret", id, "short", nil},
		{"secret with spaces", id, " " + strings.Repeat("f", 40) + " ", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := s.ReplaceWebhookSecret(ctx, tt.id, tt.secret)
			if err == nil {
				t.Fatal("err = nil, want an error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if got, err := s.ConnectionByID(ctx, id); err != nil || got.WebhookSecret != newSecret {
				t.Errorf("a refused replacement changed the secret (%v)", err)
			}
		})
	}
}
