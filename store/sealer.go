package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of the secret-encryption key in bytes (AES-256).
const KeySize = 32

// ErrBadKey says the secret-encryption key is missing or malformed.
var ErrBadKey = errors.New("store: EXACTSYNC_SECRET_KEY must be 32 bytes, base64 or hex encoded (generate one with `openssl rand -base64 32`)")

// ParseKey decodes a 32-byte key given as standard base64 or as 64 hex digits.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ErrBadKey
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	return nil, ErrBadKey
}

// NewKey returns a fresh random key encoded as base64, for first-time setup.
func NewKey() string {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.StdEncoding.EncodeToString(b)
}

// Sealer encrypts secrets at rest with AES-256-GCM; each value gets its own random nonce.
type Sealer struct{ aead cipher.AEAD }

// NewSealer builds a Sealer from a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, ErrBadKey
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plain; nil stays nil.
func (s *Sealer) Seal(plain []byte) []byte {
	if plain == nil {
		return nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return s.aead.Seal(nonce, nonce, plain, nil)
}

// Open decrypts what Seal produced; nil stays nil. A wrong key is reported clearly.
func (s *Sealer) Open(sealed []byte) ([]byte, error) {
	if sealed == nil {
		return nil, nil
	}
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("store: sealed secret is truncated")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return nil, fmt.Errorf("store: cannot decrypt a stored secret; is EXACTSYNC_SECRET_KEY the key it was stored with? %w", err)
	}
	return plain, nil
}
