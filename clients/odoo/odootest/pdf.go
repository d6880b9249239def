package odootest

import (
	"bytes"
	"fmt"
	"strings"
)

// renderInvoicePDF writes a small, valid PDF 1.4 document (one page, Helvetica) with the
// invoice number, partner, dates, lines and totals as text.
func (s *Server) renderInvoicePDF(e *env, mv *record) []byte {
	cur := s.displayName(e, s.models["res.currency"], asInt(mv.Vals["currency_id"]))
	title := map[string]string{"out_invoice": "Invoice", "out_refund": "Credit Note", "in_invoice": "Vendor Bill", "in_refund": "Vendor Credit Note"}[asString(mv.Vals["move_type"])]
	if title == "" {
		title = "Journal Entry"
	}
	lines := []string{
		title + " " + asString(mv.Vals["name"]),
		s.displayName(e, s.models["res.company"], asInt(mv.Vals["company_id"])),
		"Customer: " + s.displayName(e, s.models["res.partner"], asInt(mv.Vals["partner_id"])),
		"Invoice Date: " + asString(mv.Vals["invoice_date"]) + "   Due Date: " + asString(mv.Vals["invoice_date_due"]),
		"",
	}
	for _, l := range s.moveLines(mv.ID) {
		switch asString(l.Vals["display_type"]) {
		case "product":
			lines = append(lines, fmt.Sprintf("%s  %g x %.2f = %.2f", asString(l.Vals["name"]), asFloat(l.Vals["quantity"]), asFloat(l.Vals["price_unit"]), asFloat(l.Vals["price_subtotal"])))
		case "line_section", "line_note":
			lines = append(lines, asString(l.Vals["name"]))
		}
	}
	lines = append(lines, "",
		fmt.Sprintf("Untaxed Amount: %.2f %s", asFloat(mv.Vals["amount_untaxed"]), cur),
		fmt.Sprintf("Taxes: %.2f %s", asFloat(mv.Vals["amount_tax"]), cur),
		fmt.Sprintf("Total: %.2f %s", asFloat(mv.Vals["amount_total"]), cur),
	)
	if ref := asString(mv.Vals["payment_reference"]); ref != "" {
		lines = append(lines, "Payment Communication: "+ref)
	}
	return buildPDF(lines)
}

// pdfText escapes a string for a PDF literal string in WinAnsiEncoding.
func pdfText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 32 && r < 127:
			b.WriteRune(r)
		case r == '€':
			b.WriteString("\\200")
		case r >= 160 && r <= 255:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

func buildPDF(lines []string) []byte {
	var content bytes.Buffer
	content.WriteString("BT\n/F1 11 Tf\n14 TL\n50 790 Td\n")
	for i, l := range lines {
		if i == 0 {
			content.WriteString("/F1 16 Tf\n")
		}
		fmt.Fprintf(&content, "(%s) Tj T*\n", pdfText(l))
		if i == 0 {
			content.WriteString("/F1 11 Tf\n")
		}
	}
	content.WriteString("ET\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Producer (odootest) /Title (Invoice) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// PDF is a small valid PDF showing the given lines, as a supplier's document a test attaches to a bill.
func PDF(lines ...string) []byte { return buildPDF(lines) }
