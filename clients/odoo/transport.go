package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/kolo/xmlrpc"
)

// Transport carries one Odoo method call. Calls follow one convention that
// both wire protocols can express: args is empty (model methods such as
// search_read, create, fields_get) or holds exactly one []int64 of record ids
// (record methods such as read, write, action_post); every other parameter is
// named in kwargs, including "context". Each transport renders that convention
// the way its server accepts it: XML-RPC passes create's vals_list and
// write's vals positionally (see positionalOnly), JSON-2 names everything.
type Transport interface {
	// Name is "xmlrpc" or "json2".
	Name() string
	// Call runs model.method and returns the decoded result: nil, bool, int64
	// or float64, string, []any, map[string]any.
	Call(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error)
}

// Transport names accepted by Config.Transport.
const (
	TransportAuto   = "auto"
	TransportXMLRPC = "xmlrpc"
	TransportJSON2  = "json2"
)

const maxErrorBody = 64 << 10

// answerKey carries an *answer through a call's context, for callers that
// need more of the server's answer than its value.
type answerKey struct{}

// answer is what a transport learnt from the HTTP answer besides the value.
type answer struct {
	mu   sync.Mutex
	Date time.Time // the server's clock (the Date header) at the first answer, zero when absent
}

// noteAnswer fills the caller's *answer, if the context carries one. Of several calls made with one context,
// the first answer's clock is kept: it is the one closest to the first read.
func noteAnswer(ctx context.Context, resp *http.Response) {
	if a, ok := ctx.Value(answerKey{}).(*answer); ok {
		if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
			a.mu.Lock()
			if a.Date.IsZero() {
				a.Date = t.UTC()
			}
			a.mu.Unlock()
		}
	}
}

// ServerClock notes the server's clock of the calls made with the context WithServerClock returned.
type ServerClock struct{ ans answer }

// WithServerClock returns a context whose calls note Odoo's clock (the first answer's Date header) in the
// returned ServerClock.
func WithServerClock(ctx context.Context) (context.Context, *ServerClock) {
	sc := &ServerClock{}
	return context.WithValue(ctx, answerKey{}, &sc.ans), sc
}

// Answered is Odoo's clock at the first answer, whole seconds; zero when no answer had a Date header.
func (s *ServerClock) Answered() time.Time {
	s.ans.mu.Lock()
	defer s.ans.mu.Unlock()
	return s.ans.Date
}

// Over tells whether the whole second of writeDate was over, by Odoo's clock with the change feeds' margin of
// one second, when Odoo answered the first call: a write after that read carries a later write_date, so a read
// that returned writeDate saw the record's final state of that second. Without a Date header it says no.
func (s *ServerClock) Over(writeDate time.Time) bool {
	at := s.Answered()
	return !at.IsZero() && writeDate.Before(openSecond(at))
}

// xmlrpcTransport speaks /xmlrpc/2/common and /xmlrpc/2/object. It uses
// kolo/xmlrpc for the encoding and decoding only, and net/http with the
// caller's context for the exchange, so cancellation and deadlines work.
type xmlrpcTransport struct {
	base      string
	http      *http.Client
	userAgent string
	db        string
	uid       int64
	key       string
}

func (t *xmlrpcTransport) Name() string { return TransportXMLRPC }

func (t *xmlrpcTransport) Call(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
	if args == nil {
		args = []any{}
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	args, kwargs = positional(method, args, kwargs)
	return t.do(ctx, "/xmlrpc/2/object", model, method, "execute_kw",
		t.db, t.uid, t.key, model, method, args, kwargs)
}

// positionalOnly names the parameters that go positionally over XML-RPC:
// api.model_create_multi's create takes args[0], so a named vals_list answers
// fault 1 IndexError and rolls back; write's parameter is vals in the ORM but
// modules rename it in their overrides (base_vat's res.partner.write(self,
// values) up to 18), so a named vals is a TypeError wherever such a module is
// installed, as on every Dutch or Belgian Odoo.
var positionalOnly = map[string]string{"create": "vals_list", "write": "vals"}

// positional moves a method's positional-only parameter out of kwargs into
// args (after the record ids, when there are any).
func positional(method string, args []any, kwargs map[string]any) ([]any, map[string]any) {
	name, ok := positionalOnly[method]
	if !ok {
		return args, kwargs
	}
	v, ok := kwargs[name]
	if !ok {
		return args, kwargs
	}
	kw := make(map[string]any, len(kwargs)-1)
	for k, x := range kwargs {
		if k != name {
			kw[k] = x
		}
	}
	return append(append([]any{}, args...), v), kw
}

// noneMarshalled is the end of the fault Odoo's XML-RPC layer answers when a
// method returned None: the method ran and its transaction was committed
// before the answer failed to marshal (observed on 17, 18 and 19).
const noneMarshalled = "cannot marshal None unless allow_none is enabled"

// version calls common.version().
func (t *xmlrpcTransport) version(ctx context.Context) (any, error) {
	return t.do(ctx, "/xmlrpc/2/common", "common", "version", "version")
}

// authenticate calls common.authenticate(db, login, key, {}); false means
// wrong credentials.
func (t *xmlrpcTransport) authenticate(ctx context.Context, login string) (any, error) {
	return t.do(ctx, "/xmlrpc/2/common", "common", "authenticate", "authenticate",
		t.db, login, t.key, map[string]any{})
}

func (t *xmlrpcTransport) do(ctx context.Context, path, model, method, rpcMethod string, params ...any) (any, error) {
	body, err := xmlrpc.EncodeMethodCall(rpcMethod, params...)
	if err != nil {
		return nil, fmt.Errorf("odoo: %s.%s: encode request: %w", model, method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("odoo: %s.%s: %w", model, method, err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	if t.userAgent != "" {
		req.Header.Set("User-Agent", t.userAgent)
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, transportError(ctx, model, method, err, t.key)
	}
	defer resp.Body.Close()
	noteAnswer(ctx, resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil, newHTTPFault(model, method, resp.StatusCode, "", http.StatusText(resp.StatusCode))
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, transportError(ctx, model, method, err, t.key)
	}
	return decodeXMLRPCResponse(data, model, method, t.key)
}

// decodeXMLRPCResponse turns a methodResponse into a value or a *Fault.
func decodeXMLRPCResponse(data []byte, model, method, secret string) (any, error) {
	head := data
	if len(head) > 512 {
		head = head[:512]
	}
	if bytes.Contains(head, []byte("<fault>")) {
		var m map[string]any
		if err := xmlrpc.Response(data).Unmarshal(&m); err != nil {
			return nil, fmt.Errorf("odoo: %s.%s: decode fault: %w", model, method, err)
		}
		text, _ := m["faultString"].(string)
		if strings.HasSuffix(strings.TrimSpace(text), noneMarshalled) {
			// The method returned None after committing: success with nothing to say,
			// as JSON-2 answers null for the same call.
			return nil, nil
		}
		text = redact(text, secret)
		switch code := m["faultCode"].(type) {
		case int64:
			return nil, newXMLRPCFault(model, method, int(code), "", text)
		case string:
			return nil, newXMLRPCFault(model, method, 0, redact(code, secret), text)
		default:
			return nil, newXMLRPCFault(model, method, 0, "", text)
		}
	}
	if bytes.Contains(data, []byte("<nil/>")) {
		// Python's allow_none marshalling; Odoo means "nothing", i.e. false.
		data = bytes.ReplaceAll(data, []byte("<nil/>"), []byte("<boolean>0</boolean>"))
	}
	var v any
	if err := xmlrpc.Response(data).Unmarshal(&v); err != nil {
		return nil, fmt.Errorf("odoo: %s.%s: decode response: %w", model, method, err)
	}
	return v, nil
}

// json2Transport speaks Odoo 19's JSON-2 API.
type json2Transport struct {
	base      string
	http      *http.Client
	userAgent string
	db        string
	key       string
}

func (t *json2Transport) Name() string { return TransportJSON2 }

func (t *json2Transport) Call(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
	body := make(map[string]any, len(kwargs)+1)
	for k, v := range kwargs {
		body[k] = v
	}
	switch len(args) {
	case 0:
	case 1:
		ids, ok := args[0].([]int64)
		if !ok {
			return nil, fmt.Errorf("odoo: %s.%s: JSON-2 takes named arguments only; positional argument must be record ids, got %T", model, method, args[0])
		}
		body["ids"] = ids
	default:
		return nil, fmt.Errorf("odoo: %s.%s: JSON-2 takes named arguments only, got %d positional arguments", model, method, len(args))
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("odoo: %s.%s: encode request: %w", model, method, err)
	}
	u := t.base + "/json/2/" + url.PathEscape(model) + "/" + url.PathEscape(method)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("odoo: %s.%s: %w", model, method, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "bearer "+t.key)
	if t.db != "" {
		req.Header.Set("X-Odoo-Database", t.db)
	}
	if t.userAgent != "" {
		req.Header.Set("User-Agent", t.userAgent)
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, transportError(ctx, model, method, err, t.key)
	}
	defer resp.Body.Close()
	noteAnswer(ctx, resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		var e struct {
			Name    string `json:"name"`
			Message string `json:"message"`
		}
		if json.Unmarshal(data, &e) != nil || (e.Name == "" && e.Message == "") {
			e.Message = http.StatusText(resp.StatusCode)
		}
		return nil, newHTTPFault(model, method, resp.StatusCode, redact(e.Name, t.key), redact(e.Message, t.key))
	}
	var v any
	dec := json.NewDecoder(resp.Body)
	if err := dec.Decode(&v); err != nil {
		if ctx.Err() != nil {
			return nil, transportError(ctx, model, method, err, t.key)
		}
		return nil, fmt.Errorf("odoo: %s.%s: decode response: %w", model, method, err)
	}
	return v, nil
}

// transportError wraps a failed exchange: the context's error when it ended,
// a Transient *Fault otherwise. The secret is removed from the text.
func transportError(ctx context.Context, model, method string, err error, secret string) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("odoo: %s.%s: %w", model, method, ctxErr)
	}
	if secret != "" && strings.Contains(err.Error(), secret) {
		err = fmt.Errorf("%s", redact(err.Error(), secret))
	}
	return newNetworkFault(model, method, err)
}
