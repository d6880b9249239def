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

// keyAdvice says where the key the secrets were stored with is found. A new key cannot read them, so generating
// one is advised only for a database that holds no connection yet.
const keyAdvice = "use the key the stored secrets were encrypted with (`make run` keeps its key in .data/secret.key: " +
	"export EXACTSYNC_SECRET_KEY=$(cat .data/secret.key)); a new key cannot read them. Only for a database without " +
	"connections yet, generate one with `openssl rand -base64 32`"

// ErrNoKey says the secret-encryption key is not set.
var ErrNoKey = errors.New("store: EXACTSYNC_SECRET_KEY is not set: " + keyAdvice)

// ErrBadKey says the secret-encryption key is set but is not a 32-byte key.
var ErrBadKey = errors.New("store: EXACTSYNC_SECRET_KEY is set but is not 32 bytes, base64 or hex encoded: " + keyAdvice)

// ParseKey decodes a 32-byte key given as standard base64 or as 64 hex digits. An empty s is ErrNoKey, any other
// malformed key ErrBadKey.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ErrNoKey
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
