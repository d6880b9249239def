package conformance

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestCompareReportsDifferences: every kind of difference the replay must catch gives a diff that
// names the step, the call and what differs; differences of data only (counts, values, false
// fields) give none.
func TestCompareReportsDifferences(t *testing.T) {
	rec := func(answer string) *Recording {
		t.Helper()
		var s Step
		data := `{"step": "post", "exchanges": [{"transport": "xmlrpc", "service": "object", "model": "account.move",
			"method": "read", "args": [["<id>"]], "kwargs": {"fields": ["name", "state"]}, "status": 200, "answer": ` + answer + `}]}`
		if err := decodeStep([]byte(data), &s); err != nil {
			t.Fatal(err)
		}
		return &Recording{Steps: []Step{s}}
	}
	want := rec(`{"kind": "value", "value": [{"id": "<id>", "name": "<move-name>", "state": "posted", "amount": 1.5, "date": "<date>"}]}`)
	cases := []struct {
		name   string
		answer string
		want   string // substring of the one diff; "" for none
	}{
		{"same shape, other data and count", `{"kind": "value", "value": [{"id": "<id>", "name": "/", "state": "draft", "amount": 7.25, "date": false}, {"id": "<id>", "name": "x", "state": "cancel", "amount": 0.0, "date": "<date>"}]}`, ""},
		{"empty list", `{"kind": "value", "value": []}`, ""},
		{"fault instead of value", `{"kind": "fault", "value": null, "fault": {"code": 2, "message": "nope"}}`, `step 1 "post", call 1 account.move.read: real Odoo answered value`},
		{"missing key", `{"kind": "value", "value": [{"id": "<id>", "name": "/", "amount": 1.5, "date": "<date>"}]}`, "keys [state] missing from the replay"},
		{"extra key", `{"kind": "value", "value": [{"id": "<id>", "name": "/", "state": "draft", "amount": 1.5, "date": "<date>", "x": 1}]}`, "replay has keys [x]"},
		{"int for float", `{"kind": "value", "value": [{"id": "<id>", "name": "/", "state": "draft", "amount": 2, "date": "<date>"}]}`, "answer[].amount: recorded float, replayed int"},
		{"datetime for date", `{"kind": "value", "value": [{"id": "<id>", "name": "/", "state": "draft", "amount": 1.5, "date": "<datetime>"}]}`, "answer[].date: recorded date, replayed datetime"},
		{"empty string for false", `{"kind": "value", "value": [{"id": "<id>", "name": "", "state": "draft", "amount": 1.5, "date": "<date>"}]}`, "answer[].name: recorded string, replayed empty string"},
		{"mapping for list", `{"kind": "value", "value": {"id": "<id>"}}`, "answer: recorded list, replayed map"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diffs := Compare(want, rec(tc.answer))
			if tc.want == "" {
				if len(diffs) != 0 {
					t.Errorf("diffs = %q, want none", diffs)
				}
				return
			}
			if len(diffs) != 1 || !strings.Contains(diffs[0], tc.want) {
				t.Errorf("diffs = %q, want one containing %q", diffs, tc.want)
			}
		})
	}

	faulty := rec(`{"kind": "fault", "value": null, "fault": {"code": 2, "message": "The entry <move-name> (id <id>) must be in draft."}}`)
	for _, tc := range []struct{ answer, want string }{
		{`{"kind": "fault", "value": null, "fault": {"code": 2, "message": "The entry <move-name> (id <id>) is already posted."}}`, `the simulator fault 2 "The entry <move-name> (id <id>) is already posted."`},
		{`{"kind": "fault", "value": null, "fault": {"code": 1, "exception": "UserError", "message": "The entry <move-name> (id <id>) must be in draft."}}`, `the simulator fault 1 UserError`},
		{`{"kind": "value", "value": false}`, `the simulator value false`},
	} {
		if diffs := Compare(faulty, rec(tc.answer)); len(diffs) != 1 || !strings.Contains(diffs[0], tc.want) {
			t.Errorf("fault compared with %s: diffs = %q, want one containing %q", tc.answer, diffs, tc.want)
		}
	}
	if diffs := Compare(faulty, faulty); len(diffs) != 0 {
		t.Errorf("a recording compared with itself: %q", diffs)
	}
}

// TestNormalizer masks what differs between runs and servers, and keeps the shape.
func TestNormalizer(t *testing.T) {
	n := &Normalizer{Secrets: []string{"s3cret"}, Database: "odoo17", Login: "admin", Run: "ab12cd34"}
	got := n.value(map[string]any{
		"id": int64(7), "partner_id": []any{int64(3), "Conformance BV ab12cd34"}, "tax_ids": []any{[]any{int64(6), int64(0), []any{int64(4)}}},
		"name": "INV/2026/00012", "ref": "BILL/2026/12/0001", "date": "2026-12-01", "write_date": "2026-12-01 23:14:05",
		"datas": "JVBERi0=", "url": "/web/content/42?download=true", "x_conformance_ab12cd34": "db odoo17 s3cret",
		"amount": float64(100), "sequence": int64(10), "db": "odoo17",
	}, "")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	b := bytes.TrimSpace(buf.Bytes())
	want := `{"amount":100.0,"datas":"<base64>","date":"<date>","db":"<db>","id":"<id>","name":"<move-name>","partner_id":["<id>","Conformance BV <run>"],"ref":"<move-name>","sequence":10,"tax_ids":[[6,0,["<id>"]]],"url":"/web/content/<id>?download=true","write_date":"<datetime>","x_conformance_<run>":"db odoo17 <api-key>"}`
	if string(b) != want {
		t.Errorf("normalised\n got %s\nwant %s", b, want)
	}
	f := n.fault(int64(1), "Traceback (most recent call last):\n  File \"/x.py\", line 3, in y\nIndexError: tuple index out of range\n")
	if f.Exception != "IndexError" || f.Message != "tuple index out of range" {
		t.Errorf("fault 1 = %+v", f)
	}
	f = n.fault(int64(2), "Record does not exist or has been deleted.\n(Record: res.partner(999999999,), User: 2)")
	if f.Message != "Record does not exist or has been deleted.\n(Record: res.partner(<ids>), User: <uid>)" {
		t.Errorf("fault 2 message = %q", f.Message)
	}
}
