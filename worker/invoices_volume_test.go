package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// volumeMove is an invoice, bill or credit note the volume test made in Odoo, with what Exact must show for it.
type volumeMove struct {
	id      int64
	kind    string // move_type
	partner int64  // the commercial partner
	ref     string // a bill's supplier reference: the Exact entry's YourRef
	payRef  string // the Belgian structured communication as its 12 digits, when it has one
	usd     bool
	lines   int // product lines
	reverse bool
	// direct: the sync is started for the move itself before any detector runs, so only the invoice sync can
	// bring its new partner to Exact.
	direct bool
}

// volumeSetup is a stack whose seeded partners are in Exact, with the invoice mappings, a reverse-charge purchase
// tax mapped to Exact's charged VAT code 7, and an invoice sync that starts three days ago (the demo's own
// invoices, older, stay out of it).
type volumeSetup struct {
	*stack
	reverseCharge int64
	customers     []int64 // the new ones first
	suppliers     []int64 // the new ones first
	fresh         []int64 // partners not in Exact when the invoices are posted
	// directCustomer and directSupplier are new partners whose moves are all direct (see volumeMove).
	directCustomer, directSupplier int64
}

func newVolumeSetup(t testing.TB) *volumeSetup {
	t.Helper()
	s := newStack(t)
	s.settle(nil) // the seeded partners reach Exact before any invoice
	s.mapInvoices()
	ctx := context.Background()
	seeded := s.odoo.Seeded()
	// Reverse charge (intra-EU services, verlegd): +100 % and −100 % tax lines that cancel, as Odoo's NL chart has it.
	rep := func(doc string) []any {
		return []any{
			[]any{0, 0, map[string]any{"document_type": doc, "repartition_type": "base"}},
			[]any{0, 0, map[string]any{"document_type": doc, "repartition_type": "tax", "factor_percent": 100.0, "account_id": seeded.Accounts["150200"]}},
			[]any{0, 0, map[string]any{"document_type": doc, "repartition_type": "tax", "factor_percent": -100.0, "account_id": seeded.Accounts["150100"]}},
		}
	}
	rc, err := s.odoo.Create("account.tax", map[string]any{"name": "21% verlegd (diensten EU)", "amount": 21.0, "amount_type": "percent",
		"type_tax_use": "purchase", "company_id": s.odoo.CompanyID(), "invoice_repartition_line_ids": rep("invoice"), "refund_repartition_line_ids": rep("refund")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.st.SaveMapping(ctx, s.conn.ID, store.Mapping{Kind: store.MapTax, OdooID: rc, OdooName: "21% verlegd", ExactCode: "7"}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -3)
	if err := s.st.SetInvoicesFrom(ctx, s.conn.ID, from); err != nil {
		t.Fatal(err)
	}
	if s.conn, err = s.st.Connection(ctx, s.conn.Name); err != nil {
		t.Fatal(err)
	}
	v := &volumeSetup{stack: s, reverseCharge: rc}
	nl, be := seeded.Countries["NL"], seeded.Countries["BE"]
	partner := func(vals map[string]any) int64 {
		id, err := s.odoo.Create("res.partner", vals)
		if err != nil {
			t.Fatal(err)
		}
		v.fresh = append(v.fresh, id)
		return id
	}
	both := partner(map[string]any{"name": "Nieuwe Klant en Leverancier BV", "is_company": true, "street": "Stationsplein 4", "zip": "3511 ED",
		"city": "Utrecht", "country_id": nl, "email": "info@beide.example", "customer_rank": 1, "supplier_rank": 1, "property_payment_term_id": seeded.Terms["30 Days"]})
	v.customers = []int64{
		partner(map[string]any{"name": "Nieuwe Klant Amsterdam BV", "is_company": true, "street": "Damrak 1", "zip": "1012 LG", "city": "Amsterdam",
			"country_id": nl, "email": "facturen@nieuw-ams.example", "customer_rank": 1, "property_payment_term_id": seeded.Terms["14 Days"]}),
		partner(map[string]any{"name": "Nouveau Client Liège SRL", "is_company": true, "street": "Place Saint-Lambert 2", "zip": "4000", "city": "Liège",
			"country_id": be, "email": "compta@nouveau.example", "customer_rank": 1}),
		both,
	}
	v.suppliers = []int64{
		partner(map[string]any{"name": "Nieuwe Leverancier Gent BV", "is_company": true, "street": "Korenmarkt 9", "zip": "9000", "city": "Gent",
			"country_id": be, "email": "boekhouding@lev-gent.example", "supplier_rank": 1}),
		partner(map[string]any{"name": "Nieuwe Groothandel Zwolle", "is_company": true, "street": "Melkmarkt 3", "zip": "8011 MC", "city": "Zwolle",
			"country_id": nl, "email": "debiteuren@zwolle.example", "supplier_rank": 1}),
		both,
	}
	v.directCustomer = partner(map[string]any{"name": "Eerste Factuur Klant BV", "is_company": true, "street": "Grote Markt 7", "zip": "2511 BG",
		"city": "Den Haag", "country_id": nl, "email": "ap@eerste-factuur.example", "customer_rank": 1})
	v.directSupplier = partner(map[string]any{"name": "Eerste Factuur Leverancier BVBA", "is_company": true, "street": "Meir 10", "zip": "2000",
		"city": "Antwerpen", "country_id": be, "email": "ar@eerste-lev.example", "supplier_rank": 1})
	for _, name := range []string{"Van der Berg Installatietechniek B.V.", "Bakkerij De Gouden Korst", "Brouwerij Het Anker NV",
		"Chocolaterie Léonidas-Démo SA", "Müller & Söhne GmbH", "Acme Corp", "Sanne Bakker"} {
		v.customers = append(v.customers, v.seededPartner(name))
	}
	for _, name := range []string{"Groothandel Jansen B.V.", "Drukkerij Vermeulen", "Schoonmaakbedrijf Smit"} {
		v.suppliers = append(v.suppliers, v.seededPartner(name))
	}
	return v
}

// seededPartner is a seeded partner's id; the setup synced it to Exact.
func (v *volumeSetup) seededPartner(name string) int64 {
	v.t.Helper()
	id, ok := v.odoo.Seeded().Partners[name]
	if !ok {
		v.t.Fatalf("no seeded partner %q", name)
	}
	if l, err := v.st.Link(context.Background(), v.conn.ID, activities.ModelPartner, id); err != nil || l.ExactID == "" {
		v.t.Fatalf("seeded partner %q is not in Exact before the invoices: %+v, %v", name, l, err)
	}
	return id
}

// structuredRef is a Belgian structured communication (+++ddd/dddd/ddddd+++: ten digits and their modulo 97, 97 for
// 0) for a number, and the 12 digits Exact gets.
func structuredRef(n int64) (shown, digits string) {
	base := n % 10_000_000_000
	check := base % 97
	if check == 0 {
		check = 97
	}
	digits = fmt.Sprintf("%010d%02d", base, check)
	return fmt.Sprintf("+++%s/%s/%s+++", digits[:3], digits[3:7], digits[7:]), digits
}

// createMoves makes n posted moves in Odoo, deterministically from seed: per ten, four customer invoices, four
// vendor bills and one credit note of each kind, the last six direct (two invoices and a credit note of
// directCustomer, two bills and a credit note of directSupplier); every seventh in USD (the INVUS journal for
// sales, currency_id for bills); lines with 21 %, 9 %, 0 % or no VAT, some discounted, a section on long moves;
// reverse charge on every third bill; 1 to 50 lines (the first move 1, the second 50); sales to Belgian partners
// and every fourth bill with a structured communication; every bill with its supplier's PDF, half of them as the
// bill's main attachment.
func (v *volumeSetup) createMoves(n int, seed uint64, prefix string) []volumeMove {
	v.t.Helper()
	seeded := v.odoo.Seeded()
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	tx := seeded.Taxes
	salesTaxes := []int64{tx["sale 21%"], tx["sale 21%"], tx["sale 9%"], tx["sale 0%"], 0}
	purchaseTaxes := []int64{tx["purchase 21%"], tx["purchase 21%"], tx["purchase 9%"], tx["purchase 0%"], 0}
	kinds := []string{odoo.MoveOutInvoice, odoo.MoveInInvoice, odoo.MoveOutInvoice, odoo.MoveOutRefund, odoo.MoveInInvoice,
		odoo.MoveOutInvoice, odoo.MoveInRefund, odoo.MoveInInvoice, odoo.MoveOutInvoice, odoo.MoveInInvoice}
	belgian := map[int64]bool{}
	for _, p := range append(slices.Clone(v.customers), v.suppliers...) {
		rec, err := v.odoo.Read("res.partner", p)
		if err != nil {
			v.t.Fatal(err)
		}
		if c, ok := rec["country_id"].([]any); ok && len(c) > 0 && toInt64(c[0]) == seeded.Countries["BE"] {
			belgian[p] = true
		}
	}
	quantities := []float64{1, 1, 2, 3, 0.5, 2.5, 12, 7.25}
	today := time.Now().UTC()
	directKinds := []string{odoo.MoveOutInvoice, odoo.MoveInInvoice, odoo.MoveOutRefund, odoo.MoveInRefund, odoo.MoveOutInvoice, odoo.MoveInInvoice}
	var out []volumeMove
	var sales, purchases int
	literalUsed := false
	for i := range n {
		mv := volumeMove{kind: kinds[i%len(kinds)], usd: i%7 == 3}
		if d := i - (n - len(directKinds)); d >= 0 {
			mv.kind, mv.direct = directKinds[d], true
		}
		bill := mv.kind == odoo.MoveInInvoice || mv.kind == odoo.MoveInRefund
		if bill {
			mv.partner = v.suppliers[purchases%len(v.suppliers)]
			purchases++
			kind := "F"
			if mv.kind == odoo.MoveInRefund {
				kind = "CN"
			}
			mv.ref = fmt.Sprintf("%s-%s-%04d", prefix, kind, i)
			mv.reverse = purchases%3 == 1
		} else {
			mv.partner = v.customers[sales%len(v.customers)]
			sales++
		}
		switch {
		case mv.direct && bill:
			mv.partner = v.directSupplier
		case mv.direct:
			mv.partner = v.directCustomer
		}
		switch i {
		case 0:
			mv.lines = 1
		case 1:
			mv.lines = 50
		default:
			mv.lines = 1 + rng.IntN(50)
		}
		taxes := salesTaxes
		if bill {
			taxes = purchaseTaxes
		}
		var cmds []any
		if mv.lines > 10 {
			cmds = append(cmds, []any{0, 0, map[string]any{"name": "Werkzaamheden / Travaux", "display_type": "line_section"}})
		}
		for j := range mv.lines {
			tax := taxes[rng.IntN(len(taxes))]
			if mv.reverse && j == 0 {
				tax = v.reverseCharge
			}
			var ids []any
			if tax != 0 {
				ids = []any{tax}
			}
			line := map[string]any{"name": fmt.Sprintf("Regel %d: onderhoud café-inrichting (%s)", j+1, prefix), "quantity": quantities[rng.IntN(len(quantities))],
				"price_unit": float64(1+rng.IntN(250_000)) / 100, "tax_ids": []any{[]any{6, 0, ids}}}
			if rng.IntN(8) == 0 {
				line["discount"] = []float64{10, 2.5}[rng.IntN(2)]
			}
			cmds = append(cmds, []any{0, 0, line})
		}
		vals := map[string]any{"move_type": mv.kind, "partner_id": mv.partner, "invoice_line_ids": cmds,
			"invoice_date": today.AddDate(0, 0, -(i % 3)).Format(time.DateOnly)}
		if bill {
			vals["ref"] = mv.ref
		}
		if mv.usd {
			vals["currency_id"] = seeded.Currencies["USD"]
			if !bill {
				vals["journal_id"] = seeded.Journals["INVUS"]
			}
		}
		if (!bill && belgian[mv.partner]) || (bill && purchases%4 == 0) {
			shown, digits := structuredRef(int64(4_700_000_000 + 7919*i))
			if !literalUsed && !bill {
				shown, digits, literalUsed = "+++090/9337/55493+++", "090933755493", true
			}
			vals["payment_reference"] = shown
			mv.payRef = digits
		}
		id, err := v.odoo.Create("account.move", vals)
		if err != nil {
			v.t.Fatalf("move %d (%s): %v", i, mv.kind, err)
		}
		mv.id = id
		if bill {
			att, err := v.odoo.Create("ir.attachment", map[string]any{"name": mv.ref + ".pdf", "mimetype": "application/pdf", "res_model": "account.move",
				"res_id": id, "datas": base64.StdEncoding.EncodeToString(odootest.PDF("Factuur " + mv.ref))})
			if err != nil {
				v.t.Fatal(err)
			}
			if i%2 == 0 { // the other half is found as the bill's first PDF
				if err := v.odoo.Write("account.move", []int64{id}, map[string]any{"message_main_attachment_id": att}); err != nil {
					v.t.Fatal(err)
				}
			}
		}
		if _, err := v.odoo.Call("account.move", "action_post", []any{[]any{id}}, nil); err != nil {
			v.t.Fatalf("post move %d (%s, %d lines): %v", i, mv.kind, mv.lines, err)
		}
		out = append(out, mv)
	}
	// The detector takes a second of changes once it is over.
	v.clock.Advance(2 * time.Second)
	return out
}

// syncAll starts the syncs of the direct moves (all at once, so several invoices of one new partner are in flight)
// and waits for them, then runs the detector once and waits for the sync of every other move and of every partner
// it started; it returns the syncs' results by move.
func (v *volumeSetup) syncAll(moves []volumeMove) map[int64]workflows.InvoiceResult {
	v.t.Helper()
	results := map[int64]workflows.InvoiceResult{}
	wait := func(mv volumeMove) {
		r, err := v.waitInvoice(mv.id)
		if err != nil {
			v.t.Errorf("sync of move %d (%s, %d lines): %v", mv.id, mv.kind, mv.lines, err)
			return
		}
		results[mv.id] = r
	}
	for _, mv := range moves {
		if mv.direct {
			if err := workflows.StartInvoiceSync(context.Background(), v.ts.Client, v.conn, mv.id); err != nil {
				v.t.Fatal(err)
			}
		}
	}
	for _, mv := range moves {
		if mv.direct {
			wait(mv)
		}
	}
	res := v.detect()
	detected := map[int64]bool{}
	for _, id := range res.MoveIDs {
		detected[id] = true
	}
	polled := 0
	for _, mv := range moves {
		switch {
		case mv.direct && detected[mv.id]:
			v.t.Errorf("move %d was synced before the detector ran, and the detector took it for a change", mv.id)
		case mv.direct:
		case !detected[mv.id]:
			v.t.Errorf("move %d was not detected", mv.id)
		default:
			polled++
			wait(mv)
		}
	}
	if len(res.MoveIDs) != polled {
		v.t.Errorf("detector started %d invoice syncs, want %d", len(res.MoveIDs), polled)
	}
	// Every partner's sync has ended too, those the invoices started included, before accounts are counted.
	partners := map[int64]bool{}
	for _, id := range append(res.PartnerIDs, v.fresh...) {
		if !partners[id] {
			partners[id] = true
			if _, err := v.wait(id); err != nil {
				v.t.Errorf("sync of partner %d: %v", id, err)
			}
		}
	}
	return results
}

// assertOnceEach checks Exact against Odoo: each move exactly one entry (by YourRef), of Odoo's total to the cent,
// of the right type, currency, relation and payment reference, with a document holding its PDF; no other entry,
// no orphan or double document or attachment; one account per partner.
func (v *volumeSetup) assertOnceEach(t *testing.T, moves []volumeMove, results map[int64]workflows.InvoiceResult, accountsBefore int) {
	t.Helper()
	ctx := context.Background()
	ids := make([]int64, len(moves))
	for i, mv := range moves {
		ids[i] = mv.id
	}
	batch, err := v.odooClient().MovesWithFields(ctx, ids, activities.FieldEntryID, activities.FieldDocumentID)
	if err != nil {
		t.Fatal(err)
	}
	odooMoves := map[int64]odoo.Move{}
	for _, m := range batch.Moves {
		odooMoves[m.ID] = m
	}
	byRef := v.entriesByRef()
	entries := 0
	for _, es := range byRef {
		entries += len(es)
	}
	if entries != len(moves) {
		t.Errorf("%d entries in Exact, want %d: one per move", entries, len(moves))
	}
	docs := map[string]map[string]any{}
	for _, d := range v.exact.Entities(v.div, "documents/Documents") {
		docs[d["ID"].(string)] = d
	}
	attsOf := map[string][]map[string]any{}
	for _, a := range v.exact.Entities(v.div, "documents/DocumentAttachments") {
		doc, _ := a["Document"].(string)
		attsOf[doc] = append(attsOf[doc], a)
		if docs[doc] == nil {
			t.Errorf("attachment %v %q belongs to no document (%q)", a["ID"], a["FileName"], doc)
		}
	}
	linesOf := map[any][]map[string]any{}
	for _, set := range []string{"salesentry/SalesEntryLines", "purchaseentry/PurchaseEntryLines"} {
		for _, l := range v.exact.Entities(v.div, set) {
			linesOf[l["EntryID"]] = append(linesOf[l["EntryID"]], l)
		}
	}
	usedDocs := map[string]string{} // document → the move whose entry holds it
	for _, mv := range moves {
		om, ok := odooMoves[mv.id]
		if !ok {
			t.Errorf("move %d: not in Odoo", mv.id)
			continue
		}
		ref := om.Name
		if mv.ref != "" {
			ref = mv.ref
		}
		es := byRef[ref]
		if len(es) != 1 {
			t.Errorf("%s (%s): %d Exact entries with YourRef %q, want 1", om.Name, mv.kind, len(es), ref)
			continue
		}
		e := es[0]
		want := om.AmountTotal
		if mv.kind == odoo.MoveOutRefund || mv.kind == odoo.MoveInRefund {
			want = want.Neg()
		}
		if got := decimalOf(t, e["AmountFC"]); !got.Equal(want) {
			t.Errorf("%s (%s, %d lines, %s, reverse charge %v): Exact total %s, Odoo's %s", om.Name, mv.kind, mv.lines, om.Currency.Name, mv.reverse, got, want)
		}
		if r := results[mv.id]; r.AmountFC != "" && !decimalOf(t, r.AmountFC).Equal(want) {
			t.Errorf("%s: the sync reports a total of %s, Odoo's is %s", om.Name, r.AmountFC, want)
		}
		lines := linesOf[e["EntryID"]]
		if len(lines) != mv.lines {
			t.Errorf("%s: %d Exact lines, want %d: one per product line", om.Name, len(lines), mv.lines)
		}
		charged := 0
		for _, l := range lines {
			if strings.TrimSpace(fmt.Sprint(l["VATCode"])) == "7" {
				charged++
			}
		}
		if mv.reverse != (charged > 0) {
			t.Errorf("%s: %d lines with the reverse-charge VAT code 7, want them %v", om.Name, charged, mv.reverse)
		}
		wantType := map[string]int64{odoo.MoveOutInvoice: 20, odoo.MoveOutRefund: 21, odoo.MoveInInvoice: 30, odoo.MoveInRefund: 31}[mv.kind]
		if e["Type"] != wantType {
			t.Errorf("%s: Exact type %v, want %d", om.Name, e["Type"], wantType)
		}
		wantCur := "EUR"
		if mv.usd {
			wantCur = "USD"
		}
		if om.Currency.Name != wantCur {
			t.Errorf("%s: Odoo currency %s, want %s (the test's setup)", om.Name, om.Currency.Name, wantCur)
		}
		if e["Currency"] != wantCur {
			t.Errorf("%s: Exact currency %v, want %s", om.Name, e["Currency"], wantCur)
		}
		if got, _ := e["PaymentReference"].(string); mv.payRef != "" && got != mv.payRef {
			t.Errorf("%s: Exact PaymentReference %q, want the structured communication's digits %q", om.Name, got, mv.payRef)
		}
		party := "Customer"
		if mv.ref != "" {
			party = "Supplier"
		}
		if link, err := v.st.Link(ctx, v.conn.ID, activities.ModelPartner, mv.partner); err != nil || e[party] != link.ExactID {
			t.Errorf("%s: Exact %s %v, want the partner's account %q (%v)", om.Name, party, e[party], link.ExactID, err)
		}
		d := odoo.NewDecoder(om.Record)
		if got := d.String(activities.FieldEntryID); got == "" || got != e["EntryID"] {
			t.Errorf("%s: x_exact_entry_id %q, want the entry %v", om.Name, got, e["EntryID"])
		}
		doc, _ := e["Document"].(string)
		if doc == "" {
			t.Errorf("%s: the entry has no document", om.Name)
			continue
		}
		if r, ok := results[mv.id]; ok && r.DocumentID != doc {
			t.Errorf("%s: the sync reports document %q, the entry holds %q", om.Name, r.DocumentID, doc)
		}
		if other, dup := usedDocs[doc]; dup {
			t.Errorf("%s and %s share document %s", other, om.Name, doc)
		}
		usedDocs[doc] = om.Name
		if dr := docs[doc]; dr == nil {
			t.Errorf("%s: the entry's document %s does not exist", om.Name, doc)
		} else if dr["FinancialTransactionEntryID"] != e["EntryID"] {
			t.Errorf("%s: document %s links to entry %v, want %v", om.Name, doc, dr["FinancialTransactionEntryID"], e["EntryID"])
		}
		if atts := attsOf[doc]; len(atts) != 1 {
			t.Errorf("%s: document %s has %d attachments, want 1", om.Name, doc, len(atts))
		} else if content, ok := v.exact.Attachment(v.div, atts[0]["ID"].(string)); !ok || !strings.HasPrefix(string(content), "%PDF-") {
			t.Errorf("%s: the attachment %v is not a PDF (%d bytes)", om.Name, atts[0]["FileName"], len(content))
		}
	}
	for id, d := range docs {
		if _, used := usedDocs[id]; !used {
			t.Errorf("orphan document in Exact: %v %q (entry %v, %d attachments)", id, d["Subject"], d["FinancialTransactionEntryID"], len(attsOf[id]))
		}
	}

	partners := slices.Clone(v.fresh)
	for _, mv := range moves {
		if !slices.Contains(partners, mv.partner) {
			partners = append(partners, mv.partner)
		}
	}
	v.assertOneAccountEach(partners)
	if got, want := len(v.exact.Entities(v.div, "crm/Accounts")), accountsBefore+len(v.fresh); got != want {
		t.Errorf("%d Exact accounts, want %d: the %d before the invoices and one per new partner", got, want, accountsBefore)
	}
}

// The "done when": 100 posted invoices, bills and credit notes of both kinds (EUR and USD; 0, 9 and 21 % VAT
// and reverse charge; structured communications; 1 to 50 lines; partners in Exact and new ones with several
// invoices in flight) reach Exact once each, with their PDF and Odoo's total to the cent, and the new partners one
// account each; also with 10 % of Exact's write answers lost after the commit, and with 5 % of its requests
// answered 503. The fault variants run 40 moves each: the clean run has the volume, they have the faults.
func TestHundredInvoicesReachExactOnceEach(t *testing.T) {
	for _, tt := range []struct {
		name   string
		moves  int
		faults exacttest.Faults
	}{
		{"clean", 100, exacttest.Faults{}},
		{"10% of write answers lost", 40, exacttest.Faults{DropWriteResponses: 0.10, Seed: 101}},
		{"5% of requests 503", 40, exacttest.Faults{Status5xx: 0.05, Seed: 103}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := newVolumeSetup(t)
			accountsBefore := len(v.exact.Entities(v.div, "crm/Accounts"))
			moves := v.createMoves(tt.moves, uint64(tt.faults.Seed)+1, fmt.Sprintf("V%d", tt.faults.Seed))
			kinds := map[string]int{}
			usd, reverse, structured, maxLines, minLines := 0, 0, 0, 0, 50
			for _, mv := range moves {
				kinds[mv.kind]++
				if mv.usd {
					usd++
				}
				if mv.reverse {
					reverse++
				}
				if mv.payRef != "" {
					structured++
				}
				maxLines, minLines = max(maxLines, mv.lines), min(minLines, mv.lines)
			}
			if len(kinds) != 4 || usd == 0 || reverse == 0 || structured == 0 || maxLines != 50 || minLines != 1 {
				t.Fatalf("the moves lack variety: %v, %d USD, %d reverse charge, %d structured, %d…%d lines", kinds, usd, reverse, structured, minLines, maxLines)
			}
			v.exact.ResetCalls()
			v.exact.SetFaults(tt.faults)
			results := v.syncAll(moves)
			v.exact.SetFaults(exacttest.Faults{})
			faulted := v.exact.Calls()
			if dropped := faulted.ByStatus[0]; tt.faults.DropWriteResponses > 0 && dropped == 0 {
				t.Errorf("no write answer was lost (%v): the variant tested nothing", faulted.ByStatus)
			}
			if failed := faulted.ByStatus[503]; tt.faults.Status5xx > 0 && failed == 0 {
				t.Errorf("no request was answered 503 (%v): the variant tested nothing", faulted.ByStatus)
			}
			t.Logf("%d moves synced with %d Exact calls, answers by status %v", len(moves), faulted.Total, faulted.ByStatus)
			for id, r := range results {
				if r.State != workflows.StateSynced || r.EntryNumber == "" || r.DocumentID == "" {
					t.Errorf("move %d: %+v; want synced with an entry and a document", id, r)
				}
			}
			v.assertOnceEach(t, moves, results, accountsBefore)

			// The write-backs are the connector's own: the next poll starts nothing and costs Exact nothing.
			v.exact.ResetCalls()
			if again := v.detect(); len(again.MoveIDs) != 0 {
				t.Errorf("second detection started %d invoice syncs (%v), want 0", len(again.MoveIDs), again.MoveIDs)
			}
			if c := v.exact.Calls(); c.Total != 0 {
				t.Errorf("second detection cost %d Exact calls (%v), want 0", c.Total, c.ByEndpoint)
			}
		})
	}
}
