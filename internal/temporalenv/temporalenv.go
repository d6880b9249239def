// Package temporalenv connects to Temporal the way Temporal's own tools do: from the TEMPORAL_* environment
// variables (address, namespace, API key, TLS), with the project's zap logger and Prometheus metrics.
package temporalenv

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strconv"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
)

// Config is the Temporal connection read from the environment.
type Config struct {
	Address       string // TEMPORAL_ADDRESS, default 127.0.0.1:7233
	Namespace     string // TEMPORAL_NAMESPACE, default "default"
	APIKey        string // TEMPORAL_API_KEY (Temporal Cloud); implies TLS
	TLS           bool   // TEMPORAL_TLS
	TLSCertPath   string // TEMPORAL_TLS_CLIENT_CERT_PATH (mTLS)
	TLSKeyPath    string // TEMPORAL_TLS_CLIENT_KEY_PATH
	TLSCAPath     string // TEMPORAL_TLS_SERVER_CA_CERT_PATH
	TLSServerName string // TEMPORAL_TLS_SERVER_NAME
	// ExpectedErrors are the application error types the SDK's logger reports as warnings, not errors: the
	// outcomes a workflow handles (see NewLogger).
	ExpectedErrors []string
}

// String describes the connection without the API key.
func (c Config) String() string {
	auth := "none"
	switch {
	case c.APIKey != "":
		auth = "api-key"
	case c.TLSCertPath != "":
		auth = "mtls"
	}
	return fmt.Sprintf("temporal %s namespace %s (auth %s, tls %t)", c.Address, c.Namespace, auth, c.useTLS())
}

func (c Config) useTLS() bool { return c.TLS || c.APIKey != "" || c.TLSCertPath != "" }

// FromEnv reads the configuration; getenv is os.Getenv in production.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Address:       getenv("TEMPORAL_ADDRESS"),
		Namespace:     getenv("TEMPORAL_NAMESPACE"),
		APIKey:        getenv("TEMPORAL_API_KEY"),
		TLSCertPath:   getenv("TEMPORAL_TLS_CLIENT_CERT_PATH"),
		TLSKeyPath:    getenv("TEMPORAL_TLS_CLIENT_KEY_PATH"),
		TLSCAPath:     getenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH"),
		TLSServerName: getenv("TEMPORAL_TLS_SERVER_NAME"),
	}
	if c.Address == "" {
		c.Address = "127.0.0.1:7233"
	}
	if c.Namespace == "" {
		c.Namespace = "default"
	}
	if v := getenv("TEMPORAL_TLS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("TEMPORAL_TLS=%q: want true or false", v)
		}
		c.TLS = b
	}
	if (c.TLSCertPath == "") != (c.TLSKeyPath == "") {
		return c, errors.New("TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together")
	}
	return c, nil
}

// Options builds the SDK client options.
func (c Config) Options(logger *zap.Logger, metrics client.MetricsHandler) (client.Options, error) {
	opts := client.Options{
		HostPort:       c.Address,
		Namespace:      c.Namespace,
		Logger:         NewLogger(logger, c.ExpectedErrors...),
		MetricsHandler: metrics,
	}
	if c.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(c.APIKey)
	}
	if c.useTLS() {
		tc := &tls.Config{ServerName: c.TLSServerName, MinVersion: tls.VersionTLS12}
		if c.TLSCertPath != "" {
			cert, err := tls.LoadX509KeyPair(c.TLSCertPath, c.TLSKeyPath)
			if err != nil {
				return opts, fmt.Errorf("temporal client certificate: %w", err)
			}
			tc.Certificates = []tls.Certificate{cert}
		}
		if c.TLSCAPath != "" {
			pem, err := os.ReadFile(c.TLSCAPath)
			if err != nil {
				return opts, fmt.Errorf("temporal server CA: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return opts, fmt.Errorf("temporal server CA %s: no certificate found", c.TLSCAPath)
			}
			tc.RootCAs = pool
		}
		opts.ConnectionOptions.TLS = tc
	}
	return opts, nil
}
