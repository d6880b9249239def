package temporalenv

import (
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"
)

// Logger bridges the SDK's key-value logger into zap.
type Logger struct {
	z *zap.Logger
	// expected are the types of non-retryable application errors that are an outcome, not a fault (a data error
	// that makes a sync wait for a fix): the SDK's "Activity error." for them is logged as a warning.
	expected []string
}

var _ log.Logger = Logger{}
var _ log.WithLogger = Logger{}

// NewLogger wraps a zap logger for the SDK; errors of the expected types are logged as warnings.
func NewLogger(z *zap.Logger, expected ...string) Logger {
	return Logger{z: z.WithOptions(zap.AddCallerSkip(1)), expected: expected}
}

// expectedStop tells whether keyvals carry a non-retryable application error of an expected type.
func (l Logger) expectedStop(keyvals []any) bool {
	for i := 1; i < len(keyvals); i += 2 {
		err, ok := keyvals[i].(error)
		if !ok {
			continue
		}
		var app *temporal.ApplicationError
		if errors.As(err, &app) && app.NonRetryable() && slices.Contains(l.expected, app.Type()) {
			return true
		}
	}
	return false
}

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
func (l Logger) Error(msg string, keyvals ...any) {
	if l.expectedStop(keyvals) {
		l.z.Warn(msg, fields(keyvals)...)
		return
	}
	l.z.Error(msg, fields(keyvals)...)
}

// With returns a logger with the key-value pairs attached.
func (l Logger) With(keyvals ...any) log.Logger {
	return Logger{z: l.z.With(fields(keyvals)...), expected: l.expected}
}
