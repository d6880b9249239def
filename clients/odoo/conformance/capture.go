package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Exchange is one normalised request and its answer.
type Exchange struct {
	Step      string `json:"-"`
	Transport string `json:"transport"`         // xmlrpc or json2
	Service   string `json:"service,omitempty"` // XML-RPC: common or object
	Model     string `json:"model,omitempty"`
	Method    string `json:"method"`
	Args      any    `json:"args,omitempty"`
	Kwargs    any    `json:"kwargs,omitempty"`
	Status    int    `json:"status"`
	Answer    Answer `json:"answer"`
}

// Answer is what the server said: a value, a fault, or (no answer at all) an error.
type Answer struct {
	Kind  string `json:"kind"` // value, fault, error
	Value any    `json:"value"`
	Fault *Fault `json:"fault,omitempty"`
}

// Fault is an XML-RPC fault (or a JSON-2 error): the code, the Python exception when the server
// names it (fault 1's traceback, JSON-2's name), and the message with its variable parts masked.
type Fault struct {
	Code      any    `json:"code"`
	Exception string `json:"exception,omitempty"`
	Message   string `json:"message"`
}

type stepKey struct{}

// WithStep labels the calls made with ctx as belonging to the scenario step name.
func WithStep(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, stepKey{}, name)
}

func stepOf(ctx context.Context) string {
	s, _ := ctx.Value(stepKey{}).(string)
	return s
}

// Capture is an http.RoundTripper that records every Odoo exchange passing through it, normalised.
type Capture struct {
	base http.RoundTripper
	norm *Normalizer

	mu        sync.Mutex
	exchanges []Exchange
	err       error
}

// NewCapture records the exchanges of base (http.DefaultTransport when nil).
func NewCapture(base http.RoundTripper, norm *Normalizer) *Capture {
	if base == nil {
		base = http.DefaultTransport
	}
	return &Capture{base: base, norm: norm}
}

// Exchanges returns the exchanges recorded so far, in the order their answers arrived.
func (c *Capture) Exchanges() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Exchange(nil), c.exchanges...)
}

// Err is the first exchange that could not be decoded.
func (c *Capture) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// RoundTrip forwards req and records it with its answer.
func (c *Capture) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	resp, rtErr := c.base.RoundTrip(req)
	var respBody []byte
	status := 0
	if rtErr == nil {
		b, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		respBody = b
		status = resp.StatusCode
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	ex, err := c.norm.exchange(req.URL.Path, reqBody, status, respBody, rtErr)
	ex.Step = stepOf(req.Context())
	c.mu.Lock()
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("step %q, %s: %w", ex.Step, req.URL.Path, err)
	}
	c.exchanges = append(c.exchanges, ex)
	c.mu.Unlock()
	return resp, rtErr
}

// exchange decodes and normalises one HTTP exchange of either transport.
func (n *Normalizer) exchange(path string, reqBody []byte, status int, respBody []byte, rtErr error) (Exchange, error) {
	ex := Exchange{Status: status}
	switch {
	case strings.HasPrefix(path, "/xmlrpc/2/"):
		ex.Transport, ex.Service = "xmlrpc", strings.TrimPrefix(path, "/xmlrpc/2/")
		call, err := decodeXMLRPC(reqBody)
		if err != nil {
			return ex, fmt.Errorf("request: %w", err)
		}
		ex.Method = call.Method
		if ex.Service == "object" && call.Method == "execute_kw" && len(call.Params) >= 5 {
			// execute_kw(db, uid, key, model, method, args, kwargs): the credentials are not kept.
			ex.Model, _ = call.Params[3].(string)
			ex.Method, _ = call.Params[4].(string)
			if len(call.Params) > 5 {
				ex.Args = n.args(call.Params[5])
			}
			if len(call.Params) > 6 {
				ex.Kwargs = n.value(call.Params[6], "")
			}
		} else {
			ex.Args = n.value(call.Params, "")
		}
		if rtErr != nil {
			ex.Answer = Answer{Kind: "error", Value: n.text(rtErr.Error())}
			return ex, nil
		}
		if status != http.StatusOK {
			ex.Answer = Answer{Kind: "error", Value: http.StatusText(status)}
			return ex, nil
		}
		resp, err := decodeXMLRPC(respBody)
		if err != nil {
			return ex, fmt.Errorf("response: %w", err)
		}
		if resp.Fault != nil {
			ex.Answer = Answer{Kind: "fault", Fault: n.fault(resp.Fault["faultCode"], resp.Fault["faultString"])}
			return ex, nil
		}
		var v any
		if len(resp.Params) > 0 {
			v = resp.Params[0]
		}
		ex.Answer = Answer{Kind: "value", Value: n.result(ex.Model, ex.Method, v)}
	case strings.HasPrefix(path, "/json/2/"):
		ex.Transport = "json2"
		ex.Model, ex.Method, _ = strings.Cut(strings.TrimPrefix(path, "/json/2/"), "/")
		var body map[string]any
		if len(reqBody) > 0 {
			if err := json.Unmarshal(reqBody, &body); err != nil {
				return ex, fmt.Errorf("request: %w", err)
			}
		}
		if ids, ok := body["ids"]; ok {
			ex.Args = []any{n.value(ids, "id")}
			delete(body, "ids")
		}
		ex.Kwargs = n.value(jsonNumbers(body), "")
		if rtErr != nil {
			ex.Answer = Answer{Kind: "error", Value: n.text(rtErr.Error())}
			return ex, nil
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(respBody))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			ex.Answer = Answer{Kind: "error", Value: n.text(string(respBody))}
			return ex, nil
		}
		v = jsonNumbers(v)
		if status != http.StatusOK {
			e, _ := v.(map[string]any)
			name, _ := e["name"].(string)
			msg, _ := e["message"].(string)
			ex.Answer = Answer{Kind: "fault", Fault: &Fault{Code: int64(status), Exception: name, Message: n.text(msg)}}
			return ex, nil
		}
		ex.Answer = Answer{Kind: "value", Value: n.result(ex.Model, ex.Method, v)}
	default:
		ex.Transport, ex.Method = "http", path
		ex.Answer = Answer{Kind: "value", Value: http.StatusText(status)}
	}
	return ex, nil
}

// jsonNumbers turns the json.Numbers of a decoded JSON-2 body into int64 and float64.
func jsonNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonNumbers(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonNumbers(e)
		}
		return out
	}
	return v
}
