package odoo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/kolo/xmlrpc"
)

// lineRows builds n account.move.line rows as search_read returns them.
func lineRows(n int) []any {
	rows := make([]any, n)
	for i := range n {
		rows[i] = map[string]any{
			"id": int64(i + 1), "move_id": []any{int64(i/200 + 1), fmt.Sprintf("INV/2026/%05d", i/200+1)},
			"sequence": int64(10 + i%200), "name": fmt.Sprintf("Artikel %d — ø", i), "display_type": "product",
			"product_id": false, "quantity": float64(1 + i%7), "price_unit": 3.35 + float64(i%13)*1.1, "discount": 0.0,
			"tax_ids": []any{int64(1)}, "price_subtotal": 12.34, "price_total": 14.93, "debit": 0.0, "credit": 12.34,
			"balance": -12.34, "account_id": []any{int64(40), "8000 Omzet"}, "analytic_distribution": false,
			"date_maturity": false, "reconciled": false, "matching_number": false,
		}
	}
	return rows
}

func xmlrpcResponse(tb testing.TB, v any) []byte {
	tb.Helper()
	call, err := xmlrpc.EncodeMethodCall("x", v)
	if err != nil {
		tb.Fatal(err)
	}
	i := bytes.Index(call, []byte("<params>"))
	return append(append([]byte(`<?xml version="1.0"?><methodResponse>`), call[i:len(call)-len("</methodCall>")]...), "</methodResponse>"...)
}

// BenchmarkDecodeMoveLines decodes one page's lines (200 moves × 50 lines)
// from the wire bytes of each transport into typed MoveLines.
func BenchmarkDecodeMoveLines(b *testing.B) {
	rows := lineRows(200 * 50)
	xmlBody := xmlrpcResponse(b, rows)
	jsonBody, err := json.Marshal(rows)
	if err != nil {
		b.Fatal(err)
	}
	decodeAll := func(b *testing.B, v any) {
		recs, err := records(v, "account.move.line", "search_read")
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if _, err := decodeMoveLine(r, 2); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("xmlrpc", func(b *testing.B) {
		b.SetBytes(int64(len(xmlBody)))
		b.ReportAllocs()
		for b.Loop() {
			v, err := decodeXMLRPCResponse(xmlBody, "account.move.line", "search_read", "")
			if err != nil {
				b.Fatal(err)
			}
			decodeAll(b, v)
		}
	})
	b.Run("json2", func(b *testing.B) {
		b.SetBytes(int64(len(jsonBody)))
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(jsonBody, &v); err != nil {
				b.Fatal(err)
			}
			decodeAll(b, v)
		}
	})
}

// The XML-RPC decoding of a record round-trips what the benchmark feeds it.
func TestDecodeXMLRPCLines(t *testing.T) {
	body := xmlrpcResponse(t, lineRows(3))
	v, err := decodeXMLRPCResponse(body, "account.move.line", "search_read", "")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := records(v, "account.move.line", "search_read")
	if err != nil || len(recs) != 3 {
		t.Fatalf("records: got %d %v, want 3", len(recs), err)
	}
	l, err := decodeMoveLine(recs[2], 2)
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != 3 || l.Name != "Artikel 2 — ø" || l.Move.ID != 1 || l.Account.Name != "8000 Omzet" || l.Quantity.String() != "3" ||
		l.PriceSubtotal.String() != "12.34" || l.Balance.String() != "-12.34" || len(l.TaxIDs) != 1 || l.MatchingNumber != "" {
		t.Errorf("line: got %+v", l)
	}
}
