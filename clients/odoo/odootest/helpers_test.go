package odootest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	netrpc "net/rpc"
	"regexp"
	"strconv"
	"testing"

	"github.com/kolo/xmlrpc"
)

// rpc is a tiny XML-RPC caller over github.com/kolo/xmlrpc, the way an Odoo client talks.
type rpc struct {
	t      testing.TB
	s      *Server
	common *xmlrpc.Client
	object *xmlrpc.Client
}

func newRPC(t testing.TB, s *Server) *rpc {
	t.Helper()
	c, err := xmlrpc.NewClient(s.URL()+"/xmlrpc/2/common", nil)
	if err != nil {
		t.Fatalf("common client: %v", err)
	}
	o, err := xmlrpc.NewClient(s.URL()+"/xmlrpc/2/object", nil)
	if err != nil {
		t.Fatalf("object client: %v", err)
	}
	t.Cleanup(func() { c.Close(); o.Close() })
	return &rpc{t: t, s: s, common: c, object: o}
}

// call runs execute_kw with the server's admin credentials.
func (r *rpc) call(model, method string, args []any, kwargs map[string]any) (any, error) {
	r.t.Helper()
	if args == nil {
		args = []any{}
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	var out any
	err := r.object.Call("execute_kw", []any{r.s.Database(), r.s.UID(), r.s.APIKey(), model, method, args, kwargs}, &out)
	return out, err
}

// must is call that fails the test on error.
func (r *rpc) must(model, method string, args []any, kwargs map[string]any) any {
	r.t.Helper()
	out, err := r.call(model, method, args, kwargs)
	if err != nil {
		r.t.Fatalf("%s.%s: %v", model, method, err)
	}
	return out
}

func (r *rpc) searchRead(model string, domain []any, fields []any, kw map[string]any) []map[string]any {
	r.t.Helper()
	if kw == nil {
		kw = map[string]any{}
	}
	kw["fields"] = fields
	out := r.must(model, "search_read", []any{domain}, kw)
	var rows []map[string]any
	for _, x := range out.([]any) {
		rows = append(rows, x.(map[string]any))
	}
	return rows
}

func (r *rpc) readOne(model string, id int64, fields ...any) map[string]any {
	r.t.Helper()
	out := r.must(model, "read", []any{[]any{id}}, map[string]any{"fields": fields})
	rows := out.([]any)
	if len(rows) != 1 {
		r.t.Fatalf("read %s %d: got %d rows, want 1", model, id, len(rows))
	}
	return rows[0].(map[string]any)
}

var faultRe = regexp.MustCompile(`(?s)^Fault\((-?\d+)\): (.*)$`)

// faultOf extracts the XML-RPC fault; kolo/xmlrpc reports it through net/rpc as a ServerError.
func faultOf(t testing.TB, err error) xmlrpc.FaultError {
	t.Helper()
	var f xmlrpc.FaultError
	if errors.As(err, &f) {
		return f
	}
	var se netrpc.ServerError
	if errors.As(err, &se) {
		if m := faultRe.FindStringSubmatch(string(se)); m != nil {
			code, _ := strconv.Atoi(m[1])
			return xmlrpc.FaultError{Code: code, String: m[2]}
		}
	}
	t.Fatalf("got error %v (%T), want an XML-RPC fault", err, err)
	return f
}

// postJSON2 calls a JSON-2 endpoint and returns the status and the decoded body.
func postJSON2(t *testing.T, s *Server, path, key string, body any) (int, any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, s.URL()+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "bearer "+key)
	req.Header.Set("X-Odoo-Database", s.Database())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v any
	_ = json.Unmarshal(raw, &v)
	return resp.StatusCode, v
}
