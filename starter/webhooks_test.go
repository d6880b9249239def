package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/store"
)

// webhookURLs lists the URLs of the Odoo simulator's webhook actions.
func webhookURLs(t *testing.T, od *odootest.Server) []string {
	t.Helper()
	res, err := od.Call("ir.actions.server", "search_read", []any{[]any{[]any{"state", "=", "webhook"}}},
		map[string]any{"fields": []any{"webhook_url"}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res.([]any) {
		out = append(out, fmt.Sprint(r.(map[string]any)["webhook_url"]))
	}
	return out
}

func TestInstallWebhooksRotateSecret(t *testing.T) {
	ctx := context.Background()
	od := odootest.NewServer(t)
	dbURL, key := pgtest.URL(t), store.NewKey()
	c := cli{t: t, env: map[string]string{"DATABASE_URL": dbURL, "EXACTSYNC_SECRET_KEY": key}}
	c.must("connect", "odoo", "--url", od.URL(), "--db", od.Database(), "--user", od.Login(), "--api-key", od.APIKey())
	parsed, err := store.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbURL, parsed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	secret := func() string {
		t.Helper()
		conn, err := st.Connection(ctx, "default")
		if err != nil {
			t.Fatal(err)
		}
		return conn.WebhookSecret
	}
	const public = "https://hooks.example/"
	wantURLs := func(s string) {
		t.Helper()
		// Two rules (partners, invoices), both on the connection's one secret.
		u := "https://hooks.example/webhooks/odoo/" + s
		if got, want := fmt.Sprint(webhookURLs(t, od)), fmt.Sprint([]string{u, u}); got != want {
			t.Errorf("Odoo webhook actions %s, want %s", got, want)
		}
	}

	out := c.must("odoo", "install-webhooks", "--public-url", public, "--install-module")
	first := secret()
	if len(first) < store.MinWebhookSecretLen {
		t.Fatalf("connect odoo stored a %d-character webhook secret", len(first))
	}
	wantURLs(first)
	if strings.Contains(out, first) || !strings.Contains(out, "automation rule") {
		t.Errorf("install-webhooks said %q", out)
	}

	out = c.must("odoo", "install-webhooks", "--public-url", public, "--rotate-secret")
	rotated := secret()
	if rotated == first || len(rotated) < store.MinWebhookSecretLen {
		t.Fatalf("after --rotate-secret the secret is %d characters, changed: %v; want a new one", len(rotated), rotated != first)
	}
	wantURLs(rotated) // the rules' actions now carry the new secret; no more rules
	if !strings.Contains(out, "Webhook secret replaced") || !strings.Contains(out, "old URL is refused") {
		t.Errorf("install-webhooks --rotate-secret said %q", out)
	}
	if strings.Contains(out, first) || strings.Contains(out, rotated) {
		t.Error("install-webhooks printed a webhook secret")
	}
	if _, err := st.ConnectionByWebhookSecret(ctx, first); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old secret still finds a connection (err = %v); want it refused at once", err)
	}
	if conn, err := st.ConnectionByWebhookSecret(ctx, rotated); err != nil || conn.Name != "default" {
		t.Errorf("the new secret finds %q, %v; want the connection", conn.Name, err)
	}
	res, err := od.Call("base.automation", "search_count", []any{[]any{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(res) != "2" {
		t.Errorf("%v automation rules, want 2 (partners and invoices)", res)
	}

	c.must("odoo", "install-webhooks", "--public-url", public)
	if secret() != rotated {
		t.Error("install-webhooks without --rotate-secret changed the secret")
	}
	wantURLs(rotated)
}

func TestInstallWebhooksRotatesNothingOnOdoo16(t *testing.T) {
	od := odootest.NewServer(t, func(o *odootest.Options) { o.Version = 16 })
	dbURL, key := pgtest.URL(t), store.NewKey()
	c := cli{t: t, env: map[string]string{"DATABASE_URL": dbURL, "EXACTSYNC_SECRET_KEY": key}}
	c.must("connect", "odoo", "--url", od.URL(), "--db", od.Database(), "--user", od.Login(), "--api-key", od.APIKey())
	parsed, err := store.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dbURL, parsed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	before, err := st.Connection(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.run("odoo", "install-webhooks", "--public-url", "https://hooks.example", "--rotate-secret")
	if err == nil || !strings.Contains(err.Error(), "no webhook automation") {
		t.Fatalf("install-webhooks on Odoo 16: err = %v (%s), want the refusal", err, out)
	}
	after, err := st.Connection(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	if after.WebhookSecret != before.WebhookSecret {
		t.Error("a refused install-webhooks replaced the secret (the old URL would stop working for nothing)")
	}
}
