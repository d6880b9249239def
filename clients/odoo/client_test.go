package odoo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
)

// backend is one Odoo version reached over one transport; every test below
// runs against each of them.
type backend struct {
	name          string
	version       int
	transport     string // Config.Transport
	wantTransport string
}

var backends = []backend{
	{"odoo17-xmlrpc", 17, odoo.TransportAuto, odoo.TransportXMLRPC},
	{"odoo18-xmlrpc", 18, odoo.TransportAuto, odoo.TransportXMLRPC},
	{"odoo19-json2", 19, odoo.TransportAuto, odoo.TransportJSON2},
	{"odoo19-forced-xmlrpc", 19, odoo.TransportXMLRPC, odoo.TransportXMLRPC},
	{"odoo16-xmlrpc", 16, odoo.TransportAuto, odoo.TransportXMLRPC},
}

// env is a running simulator and a client dialled to it.
type env struct {
	b   backend
	srv *odootest.Server
	c   *odoo.Client
	ids odootest.SeedIDs
}

// forEachBackend runs fn against a fresh seeded simulator per backend, built with opts.
func forEachBackend(t *testing.T, fn func(t *testing.T, e *env), opts ...func(*odootest.Options)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			srv := odootest.NewServer(t, append([]func(*odootest.Options){func(o *odootest.Options) { o.Version = b.version }}, opts...)...)
			e := &env{b: b, srv: srv, ids: srv.Seeded()}
			e.c = dial(t, srv, b.transport, srv.CompanyID())
			fn(t, e)
		})
	}
}

func config(srv *odootest.Server, transport string, company int64) odoo.Config {
	return odoo.Config{URL: srv.URL(), Database: srv.Database(), Login: srv.Login(), APIKey: srv.APIKey(),
		CompanyID: company, Transport: transport}
}

func dial(t *testing.T, srv *odootest.Server, transport string, company int64, opts ...odoo.Option) *odoo.Client {
	t.Helper()
	c, err := odoo.Dial(context.Background(), config(srv, transport, company), opts...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	return c
}

func TestDial(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		if got, want := e.c.TransportName(), e.b.wantTransport; got != want {
			t.Errorf("TransportName: got %s, want %s", got, want)
		}
		if got, want := e.c.ServerVersion().Major, e.b.version; got != want {
			t.Errorf("ServerVersion().Major: got %d, want %d", got, want)
		}
		if got, want := e.c.UID(), e.srv.UID(); got != want {
			t.Errorf("UID: got %d, want %d", got, want)
		}
	})
}

func TestDialWrongKey(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			srv := odootest.NewServer(t, func(o *odootest.Options) { o.Version = b.version })
			cfg := config(srv, b.transport, 0)
			cfg.APIKey = "not-the-key"
			_, err := odoo.Dial(context.Background(), cfg)
			var f *odoo.Fault
			if !errors.As(err, &f) || f.Class() != odoo.Access {
				t.Fatalf("got %v, want an Access *Fault", err)
			}
			if !errors.Is(err, odoo.ErrAccessDenied) {
				t.Errorf("errors.Is(ErrAccessDenied): got false for %v", err)
			}
			if f.Retryable() {
				t.Error("Retryable: got true, want false")
			}
		})
	}
}

func TestDialForcedJSON2OnOldServer(t *testing.T) {
	srv := odootest.NewServer(t, func(o *odootest.Options) { o.Version = 17 })
	_, err := odoo.Dial(context.Background(), config(srv, odoo.TransportJSON2, 0))
	if err == nil {
		t.Fatal("Dial with json2 on Odoo 17: got nil error, want one")
	}
}

func TestDialConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  odoo.Config
	}{
		{"empty", odoo.Config{}},
		{"no key", odoo.Config{URL: "http://x", Database: "d", Login: "l"}},
		{"bad url", odoo.Config{URL: "ftp://x", Database: "d", Login: "l", APIKey: "k"}},
		{"bad transport", odoo.Config{URL: "http://x", Database: "d", Login: "l", APIKey: "k", Transport: "soap"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := odoo.Dial(context.Background(), tt.cfg); err == nil {
				t.Error("got nil error, want a config error")
			}
		})
	}
}
