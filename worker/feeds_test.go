package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/workflows"
)

// Real Odoo 17 showed the detector re-syncing every partner every minute: write_date has whole seconds, so
// "write_date > S" matched second S again, and the connector's own write-back of the Exact ID bumped write_date.
// Once the first sync is done and Odoo is quiet, a poll costs one Odoo call per feed and starts nothing.
func TestQuietOdooCostsOneCallPerFeedAndStartsNothing(t *testing.T) {
	s := newStack(t)
	ids := s.createPartners("Stil", 6)
	s.settle(ids)
	s.clock.Advance(3 * time.Second) // every second written so far is over by Odoo's clock
	first := s.detect()
	if len(first.PartnerIDs) != 0 {
		t.Errorf("after the first sync the detector started %v again (own write-backs: %d)", first.PartnerIDs, first.Own)
	}
	s.odoo.ResetCalls()
	exactWrites := s.writes("crm/Accounts")
	quiet := s.detect()
	if len(quiet.PartnerIDs) != 0 || quiet.Pages != 1 {
		t.Errorf("quiet poll: started %v in %d pages, want nothing in 1 page", quiet.PartnerIDs, quiet.Pages)
	}
	calls := s.odoo.Calls()
	if calls.Total != 2 || calls.ByMethod["res.partner.search_read"] != 1 || calls.ByMethod["res.partner.bank.search_read"] != 1 {
		t.Errorf("quiet poll cost %d Odoo calls %v, want one search_read per feed (partners, bank accounts)", calls.Total, calls.ByMethod)
	}
	if got := s.writes("crm/Accounts"); got != exactWrites {
		t.Errorf("quiet poll wrote %d times to Exact", got-exactWrites)
	}

	// One edit is one sync, found by the next poll once its second is over; the write-back it causes is not.
	if err := s.odoo.Write("res.partner", ids[1:2], map[string]any{"phone": "+31 30 123 4567"}); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(3 * time.Second)
	edit := s.detect()
	if len(edit.PartnerIDs) != 1 || edit.PartnerIDs[0] != ids[1] {
		t.Fatalf("after one edit the detector started %v, want only partner %d", edit.PartnerIDs, ids[1])
	}
	if _, err := s.wait(ids[1]); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(3 * time.Second)
	if again := s.detect(); len(again.PartnerIDs) != 0 {
		t.Errorf("the poll after the edit's sync started %v again", again.PartnerIDs)
	}
}

// A bank account added to a synced partner touches neither the partner's write_date nor its webhook; the
// detector's bank-account feed must find it, and the sync must send it to Exact.
func TestBankAccountAddedLaterIsSent(t *testing.T) {
	s := newStack(t)
	ids := s.createPartners("Bank", 3) // partner 1 (odd) has no bank account
	s.settle(ids)
	s.clock.Advance(3 * time.Second)
	s.detect()
	before := len(s.exact.Entities(s.div, "crm/BankAccounts"))
	if _, err := s.odoo.Create("res.partner.bank", map[string]any{"acc_number": iban(int(ids[1])*10 + 7),
		"partner_id": ids[1], "acc_holder_name": "Bank 01 BV"}); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(3 * time.Second)
	res := s.detect()
	if len(res.PartnerIDs) != 1 || res.PartnerIDs[0] != ids[1] {
		t.Fatalf("after adding a bank account the detector started %v, want partner %d", res.PartnerIDs, ids[1])
	}
	if _, err := s.wait(ids[1]); err != nil {
		t.Fatal(err)
	}
	if got := len(s.exact.Entities(s.div, "crm/BankAccounts")); got != before+1 {
		t.Errorf("Exact bank accounts: %d, want %d", got, before+1)
	}
	s.assertOneAccountEach(ids)
	link, err := s.st.Link(t.Context(), s.conn.ID, activities.ModelPartner, ids[1])
	if err != nil || link.ExactID == "" {
		t.Errorf("partner %d: link %+v, %v", ids[1], link, err)
	}
}

// `starter sync contacts --from-start` next to a running schedule: the sweep syncs every partner whatever the
// scheduled detector does meanwhile, and leaves the schedule's cursor where it was.
func TestSweepFromStartBesideTheSchedule(t *testing.T) {
	s := newStack(t)
	ids := s.createPartners("Veeg", 8)
	s.settle(ids)
	s.clock.Advance(3 * time.Second)
	s.detect()
	ctx := context.Background()
	before, err := s.st.Cursor(ctx, s.conn.ID, activities.PartnerCursor)
	if err != nil || before == "" {
		t.Fatalf("stored cursor %q, %v", before, err)
	}
	sweep, err := s.ts.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "sweep-test", TaskQueue: workflows.TaskQueue},
		workflows.DetectContacts, workflows.DetectInput{Connection: s.conn.Name, ConnectionID: s.conn.ID, FromStart: true})
	if err != nil {
		t.Fatal(err)
	}
	scheduled := s.detect() // the schedule's run, at the same time
	var res workflows.DetectResult
	if err := sweep.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if !slices.Contains(res.PartnerIDs, id) {
			t.Errorf("the sweep did not sync partner %d (scheduled run started %v)", id, scheduled.PartnerIDs)
		}
		if _, err := s.wait(id); err != nil {
			t.Errorf("partner %d: %v", id, err)
		}
	}
	if after, err := s.st.Cursor(ctx, s.conn.ID, activities.PartnerCursor); err != nil || after != before {
		t.Errorf("the schedule's cursor moved from %q to %q (%v)", before, after, err)
	}
	s.assertOneAccountEach(ids)
}

// scrape reads the worker's /metrics.
func scrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d, %v", resp.StatusCode, err)
	}
	return string(body)
}

// The worker's /metrics has the connector's own metrics next to the SDK's (named once temporal_, not twice):
// Exact calls by division, endpoint and status, the budget left, syncs by kind and state, the last detection.
func TestMetricsOfTheSync(t *testing.T) {
	s := newStack(t)
	ids := s.createPartners("Meet", 3)
	s.settle(ids)
	body := scrape(t, s.httpAddr)
	div := strconv.Itoa(s.div)
	for _, want := range []string{
		`exactsync_exact_requests_total\{division="` + div + `",endpoint="crm/Accounts",status="201"\} [1-9]`,
		`exactsync_exact_requests_total\{division="` + div + `",endpoint="crm/BankAccounts",status="201"\} [1-9]`,
		`exactsync_exact_budget_remaining\{division="` + div + `",window="minute"\} \d`,
		`exactsync_exact_budget_remaining\{division="` + div + `",window="day"\} \d`,
		`exactsync_detect_last_success_seconds\{[^}]*connection="demo"[^}]*\} \d`,
		`temporal_request`,
	} {
		if !regexp.MustCompile(`(?m)^` + want).MatchString(body) {
			t.Errorf("/metrics lacks %s\n%s", want, grepLines(body, "exactsync_"))
		}
	}
	synced := regexp.MustCompile(`(?m)^exactsync_syncs_total\{[^}]*kind="contact"[^}]*state="synced"[^}]*\} (\d+)`).FindStringSubmatch(body)
	if synced == nil || synced[1] == "0" {
		t.Errorf("/metrics has no synced contact syncs:\n%s", grepLines(body, "exactsync_syncs_total"))
	}
	if strings.Contains(body, "temporal_temporal_") {
		t.Error("/metrics names SDK metrics temporal_temporal_…")
	}
}

func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
