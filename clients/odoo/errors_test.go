package odoo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const cannedKey = "k3y-0f-7h3-7e57-dont-leak-me"

func xmlFault(code string, msg string) string {
	return `<?xml version="1.0"?><methodResponse><fault><value><struct>` +
		`<member><name>faultCode</name><value>` + code + `</value></member>` +
		`<member><name>faultString</name><value><string>` + msg + `</string></value></member>` +
		`</struct></value></fault></methodResponse>`
}

const traceback = "Traceback (most recent call last):\n  File \"odoo/service/model.py\", line 156, in execute_kw\n"

func TestXMLRPCFaultClassification(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		status    int
		class     Class
		notFound  bool
		sentinel  error
		retryable bool
	}{
		{"access denied", xmlFault("<int>3</int>", "Access Denied"), 200, Access, false, ErrAccessDenied, false},
		{"access error", xmlFault("<int>4</int>", "You are not allowed to access 'Journal Entry' (account.move) records."), 200, Access, false, ErrAccessDenied, false},
		{"private method", xmlFault("<int>4</int>", "Private methods (such as _render_qweb_pdf) cannot be called remotely."), 200, Protocol, false, ErrProtocol, false},
		{"create with a named vals_list", xmlFault("<int>1</int>", traceback+"IndexError: tuple index out of range\n"), 200, Protocol, false, ErrProtocol, false},
		{"unexpected keyword", xmlFault("<int>1</int>", traceback+"TypeError: BaseModel.write() got an unexpected keyword argument 'values'\n"), 200, Protocol, false, ErrProtocol, false},
		{"unknown method", xmlFault("<int>1</int>", traceback+"AttributeError: The method 'frobnicate' does not exist on the model 'res.partner'\n"), 200, Protocol, false, ErrProtocol, false},
		{"user error", xmlFault("<int>2</int>", "You cannot delete an entry which has been posted once."), 200, Validation, false, ErrValidation, false},
		{"http only", xmlFault("<int>2</int>", "This method can only be accessed over HTTP"), 200, Validation, false, ErrValidation, false},
		{"missing record", xmlFault("<int>2</int>", "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)"), 200, Validation, true, ErrNotFound, false},
		{"value error traceback", xmlFault("<int>1</int>", traceback+"ValueError: Invalid field 'foo' on model 'res.partner'\n"), 200, Validation, false, ErrValidation, false},
		{"validation error traceback", xmlFault("<int>1</int>", traceback+"odoo.exceptions.ValidationError: The VAT number is not valid\n"), 200, Validation, false, ErrValidation, false},
		{"serialization failure", xmlFault("<int>1</int>", traceback+"psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update\n"), 200, Transient, false, ErrTransient, true},
		{"string fault code", xmlFault("<string>warning -- Warning</string>", "Partner needs a name"), 200, Validation, false, ErrValidation, false},
		{"string fault access", xmlFault("<string>AccessDenied</string>", ""), 200, Access, false, ErrAccessDenied, false},
		{"503", "Service Unavailable", 503, Transient, false, ErrTransient, true},
		{"502", "Bad Gateway", 502, Transient, false, ErrTransient, true},
		{"404 route", "Not Found", 404, Validation, true, ErrNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			tr := &xmlrpcTransport{base: srv.URL, http: srv.Client(), db: "demo", uid: 2, key: cannedKey}
			_, err := tr.Call(context.Background(), "res.partner", "read", []any{[]int64{1}}, nil)
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("got %T %v, want *Fault", err, err)
			}
			if got := f.Class(); got != tt.class {
				t.Errorf("Class: got %v, want %v (%v)", got, tt.class, f)
			}
			if got := errors.Is(err, ErrNotFound); got != tt.notFound {
				t.Errorf("errors.Is(ErrNotFound): got %v, want %v", got, tt.notFound)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v): got false, want true (%v)", tt.sentinel, err)
			}
			if got := f.Retryable(); got != tt.retryable {
				t.Errorf("Retryable: got %v, want %v", got, tt.retryable)
			}
			if f.Model != "res.partner" || f.Method != "read" {
				t.Errorf("Model.Method: got %s.%s, want res.partner.read", f.Model, f.Method)
			}
			if strings.Contains(err.Error(), "\n") && f.Code == 1 {
				t.Errorf("Error() carries the whole traceback: %q", err.Error())
			}
		})
	}
}

func TestJSON2ErrorClassification(t *testing.T) {
	body := func(name, msg string) string {
		return fmt.Sprintf(`{"name": %q, "message": %q, "arguments": [%q], "context": {}, "debug": "Traceback..."}`, name, msg, msg)
	}
	tests := []struct {
		name     string
		status   int
		body     string
		class    Class
		sentinel error
		notFound bool
	}{
		{"401", 401, body("werkzeug.exceptions.Unauthorized", "Invalid apikey"), Access, ErrAccessDenied, false},
		{"403", 403, body("odoo.exceptions.AccessError", "You are not allowed to modify this document"), Access, ErrAccessDenied, false},
		{"404 method", 404, body("werkzeug.exceptions.NotFound", "The method does not exist"), Validation, ErrNotFound, true},
		{"404 record", 404, body("odoo.exceptions.MissingError", "Record does not exist or has been deleted."), Validation, ErrNotFound, true},
		{"422", 422, body("odoo.exceptions.ValidationError", "The VAT number is not valid"), Validation, ErrValidation, false},
		{"500 value error", 500, body("builtins.ValueError", "Invalid field 'foo' on model 'res.partner'"), Validation, ErrValidation, false},
		{"500 unknown", 500, body("psycopg2.OperationalError", "server closed the connection unexpectedly"), Transient, ErrTransient, false},
		{"500 html", 500, "<html>Internal Server Error</html>", Transient, ErrTransient, false},
		{"503", 503, "busy", Transient, ErrTransient, false},
		{"429", 429, "", Transient, ErrTransient, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			tr := &json2Transport{base: srv.URL, http: srv.Client(), db: "demo", key: cannedKey}
			_, err := tr.Call(context.Background(), "res.partner", "write", []any{[]int64{1}}, map[string]any{"vals": map[string]any{"vat": "x"}})
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("got %T %v, want *Fault", err, err)
			}
			if got := f.Class(); got != tt.class {
				t.Errorf("Class: got %v, want %v (%v)", got, tt.class, f)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v): got false, want true (%v)", tt.sentinel, err)
			}
			if got := errors.Is(err, ErrNotFound); got != tt.notFound {
				t.Errorf("errors.Is(ErrNotFound): got %v, want %v", got, tt.notFound)
			}
			if f.HTTPStatus != tt.status {
				t.Errorf("HTTPStatus: got %d, want %d", f.HTTPStatus, tt.status)
			}
		})
	}
}

// A server that echoes the request body (as a badly written proxy or a debug
// traceback might) must not get the key into the error.
func TestErrorsNeverCarryTheKey(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.HasPrefix(r.URL.Path, "/json/2/") {
			w.WriteHeader(500)
			fmt.Fprintf(w, `{"name": "builtins.RuntimeError", "message": %q}`, string(b)+" "+r.Header.Get("Authorization"))
			return
		}
		io.WriteString(w, xmlFault("<int>1</int>", traceback+"RuntimeError: "+strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(string(b))))
	}))
	defer echo.Close()
	transports := []Transport{
		&xmlrpcTransport{base: echo.URL, http: echo.Client(), db: "demo", uid: 2, key: cannedKey},
		&json2Transport{base: echo.URL, http: echo.Client(), db: "demo", key: cannedKey},
	}
	for _, tr := range transports {
		t.Run(tr.Name(), func(t *testing.T) {
			_, err := tr.Call(context.Background(), "res.partner", "read", []any{[]int64{1}}, nil)
			if err == nil {
				t.Fatal("got nil error, want a fault")
			}
			if strings.Contains(err.Error(), cannedKey) {
				t.Errorf("error carries the API key: %v", err)
			}
		})
	}
}

func TestNetworkErrorIsTransient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close() // nothing listens any more
	for _, tr := range []Transport{
		&xmlrpcTransport{base: url, http: http.DefaultClient, db: "demo", uid: 2, key: cannedKey},
		&json2Transport{base: url, http: http.DefaultClient, db: "demo", key: cannedKey},
	} {
		t.Run(tr.Name(), func(t *testing.T) {
			_, err := tr.Call(context.Background(), "res.partner", "search_read", nil, map[string]any{"domain": []any{}})
			var f *Fault
			if !errors.As(err, &f) || f.Class() != Transient || !errors.Is(err, ErrTransient) {
				t.Errorf("got %v, want a Transient *Fault", err)
			}
		})
	}
}

// The XML-RPC transport honours the caller's context although kolo/xmlrpc has none.
func TestContextCancellation(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // lets the server notice the client going away
		close(started)
		<-r.Context().Done()
	}))
	defer srv.Close()
	for _, tr := range []Transport{
		&xmlrpcTransport{base: srv.URL, http: srv.Client(), db: "demo", uid: 2, key: cannedKey},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-started
			cancel()
		}()
		_, err := tr.Call(ctx, "res.partner", "search_read", nil, nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", tr.Name(), err)
		}
	}
}

func TestJSON2RejectsPositionalArguments(t *testing.T) {
	tr := &json2Transport{base: "http://127.0.0.1:1", http: http.DefaultClient, db: "demo", key: cannedKey}
	_, err := tr.Call(context.Background(), "res.partner", "create", []any{map[string]any{"name": "x"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "named arguments") {
		t.Errorf("got %v, want a named-arguments error", err)
	}
}

// JSON-2 requests carry the bearer key, the database and the ids as named arguments.
func TestJSON2Request(t *testing.T) {
	var gotAuth, gotDB, gotPath, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotDB, gotPath = r.Header.Get("Authorization"), r.Header.Get("X-Odoo-Database"), r.URL.Path
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		io.WriteString(w, `[{"id": 1, "name": "Azure Interior"}]`)
	}))
	defer srv.Close()
	tr := &json2Transport{base: srv.URL, http: srv.Client(), db: "demo", key: cannedKey}
	res, err := tr.Call(context.Background(), "res.partner", "read", []any{[]int64{1}}, map[string]any{"fields": []any{"name"}})
	if err != nil {
		t.Fatal(err)
	}
	if gotAuth != "bearer "+cannedKey || gotDB != "demo" || gotPath != "/json/2/res.partner/read" {
		t.Errorf("request: got auth-ok=%v db=%q path=%q", gotAuth == "bearer "+cannedKey, gotDB, gotPath)
	}
	if want := `{"fields":["name"],"ids":[1]}`; gotBody != want {
		t.Errorf("body: got %s, want %s", gotBody, want)
	}
	recs, err := records(res, "res.partner", "read")
	if err != nil || len(recs) != 1 || recs[0].ID() != 1 {
		t.Errorf("records: got %v %v, want one record with id 1", recs, err)
	}
}
