package temporalenv

import (
	"fmt"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
)

// Logger bridges the SDK's key-value logger into zap.
type Logger struct{ z *zap.Logger }

var _ log.Logger = Logger{}
var _ log.WithLogger = Logger{}

// NewLogger wraps a zap logger for the SDK.
func NewLogger(z *zap.Logger) Logger { return Logger{z: z.WithOptions(zap.AddCallerSkip(1))} }

func fields(keyvals []any) []zap.Field {
	out := make([]zap.Field, 0, len(keyvals)/2+1)
	for i := 0; i < len(keyvals); i += 2 {
		if i+1 >= len(keyvals) {
			out = append(out, zap.Any("extra", keyvals[i]))
			break
		}
		key, ok := keyvals[i].(string)
		if !ok {
			key = fmt.Sprint(keyvals[i])
		}
		out = append(out, zap.Any(key, keyvals[i+1]))
	}
	return out
}

func (l Logger) Debug(msg string, keyvals ...any) { l.z.Debug(msg, fields(keyvals)...) }
func (l Logger) Info(msg string, keyvals ...any)  { l.z.Info(msg, fields(keyvals)...) }
func (l Logger) Warn(msg string, keyvals ...any)  { l.z.Warn(msg, fields(keyvals)...) }
func (l Logger) Error(msg string, keyvals ...any) { l.z.Error(msg, fields(keyvals)...) }

// With returns a logger with the key-value pairs attached.
func (l Logger) With(keyvals ...any) log.Logger { return Logger{z: l.z.With(fields(keyvals)...)} }
