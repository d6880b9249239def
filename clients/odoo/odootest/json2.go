package odootest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeJSON2Error(w http.ResponseWriter, e *Error, status int) {
	if status == 0 {
		status = e.HTTPStatus()
	}
	writeJSON(w, status, map[string]any{
		"name":      e.Name,
		"message":   e.Message,
		"arguments": []any{e.Message},
		"context":   map[string]any{},
		"debug":     e.traceback(),
	})
}

// serveJSON2 serves POST /json/2/<model>/<method> (Odoo 19+).
func (s *Server) serveJSON2(w http.ResponseWriter, r *http.Request) {
	if s.opts.Version < 19 {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n")
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/json/2/"), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		writeJSON2Error(w, &Error{Name: excNotFound, Message: "404 Not Found: The requested URL was not found on the server."}, http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		writeJSON2Error(w, &Error{Name: "werkzeug.exceptions.MethodNotAllowed", Message: "405 Method Not Allowed: The method is not allowed for the requested URL."}, http.StatusMethodNotAllowed)
		return
	}
	modelName, method := parts[0], parts[1]
	auth := r.Header.Get("Authorization")
	scheme, key, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(key) == "" || strings.TrimSpace(key) != s.opts.APIKey {
		writeJSON2Error(w, &Error{Name: excUnauthorized, Message: "401 Unauthorized: Invalid apikey"}, http.StatusUnauthorized)
		return
	}
	if db := r.Header.Get("X-Odoo-Database"); db != "" && db != s.opts.Database {
		writeJSON2Error(w, &Error{Name: excNotFound, Message: fmt.Sprintf("404 Not Found: database %q not found", db)}, http.StatusNotFound)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeJSON2Error(w, &Error{Name: "werkzeug.exceptions.UnsupportedMediaType", Message: "415 Unsupported Media Type: expected application/json"}, http.StatusUnsupportedMediaType)
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeJSON2Error(w, &Error{Name: "werkzeug.exceptions.BadRequest", Message: "400 Bad Request"}, http.StatusBadRequest)
		return
	}
	body := map[string]any{}
	if len(bytes.TrimSpace(raw)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			writeJSON2Error(w, &Error{Name: "werkzeug.exceptions.BadRequest", Message: "400 Bad Request: invalid JSON"}, http.StatusBadRequest)
			return
		}
		m, ok := fromJSON(v).(map[string]any)
		if !ok {
			writeJSON2Error(w, &Error{Name: excUnprocessable, Message: "the body must be a JSON object of named arguments"}, http.StatusUnprocessableEntity)
			return
		}
		body = m
	}
	var ids []int64
	if v, ok := body["ids"]; ok {
		list, ok := v.([]any)
		if !ok {
			writeJSON2Error(w, &Error{Name: excUnprocessable, Message: "ids must be a list of integers"}, http.StatusUnprocessableEntity)
			return
		}
		for _, x := range list {
			id, ok := x.(int64)
			if !ok {
				writeJSON2Error(w, &Error{Name: excUnprocessable, Message: "ids must be a list of integers"}, http.StatusUnprocessableEntity)
				return
			}
			ids = append(ids, id)
		}
		delete(body, "ids")
	}

	s.mu.Lock()
	s.count(modelName + "." + method)
	m, merr := s.getModel(modelName)
	if merr != nil {
		s.mu.Unlock()
		writeJSON2Error(w, &Error{Name: excNotFound, Message: fmt.Sprintf("404 Not Found: the model %q does not exist", modelName)}, http.StatusNotFound)
		return
	}
	if _, ok := m.methods[method]; !ok {
		if _, ok := genericMethods[method]; !ok || strings.HasPrefix(method, "_") {
			s.mu.Unlock()
			writeJSON2Error(w, &Error{Name: excNotFound, Message: fmt.Sprintf("404 Not Found: the method %q does not exist on the model %q", method, modelName)}, http.StatusNotFound)
			return
		}
	}
	if ids == nil {
		ids = []int64{}
	}
	res, e, err := s.executeLocked(s.uid, modelName, method, nil, body, ids, true)
	if afterCall != nil {
		afterCall(s)
	}
	var hooks []webhook
	if err == nil {
		hooks = s.collectWebhooks(e)
	}
	s.mu.Unlock()
	s.fireAutomations(hooks)
	if err != nil {
		oe, ok := err.(*Error)
		if !ok {
			oe = &Error{Name: "builtins.Exception", Message: err.Error()}
		}
		writeJSON2Error(w, oe, 0)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// fromJSON converts decoded JSON (with json.Number) into the simulator's value forms.
func fromJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fromJSON(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fromJSON(e)
		}
		return out
	}
	return v
}
