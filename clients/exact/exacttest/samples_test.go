package exacttest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// samplesDir is ../shared/exact-samples beside the repository (as laid out for developers and CI), found from
// the module root; the tests fail, never skip, when it is missing.
func samplesDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	samples := filepath.Join(dir, "..", "shared", "exact-samples")
	if _, err := os.Stat(samples); err != nil {
		t.Fatalf("the real Exact wire samples are missing: %v (they live in shared/exact-samples beside the repository)", err)
	}
	return samples
}

var dateRe = regexp.MustCompile(`^/Date\(\d+\)/$`)

func readSample(t *testing.T, name string) any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(samplesDir(t), name))
	if err != nil {
		t.Fatalf("sample %s: %v", name, err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func sampleBody(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		if r, ok := m["response"].(map[string]any); ok {
			return r
		}
		return m
	}
	return nil
}

func keysOf(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if dateRe.MatchString(x) {
			return "date"
		}
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		if _, ok := x["__deferred"]; ok {
			return "deferred"
		}
		return "object"
	}
	return "?"
}

// compareRecord checks __metadata, every sample property's presence and the
// JSON kinds of properties that are non-null on both sides.
func compareRecord(t *testing.T, sample, ours map[string]any, exactKeys bool) {
	t.Helper()
	sm, _ := sample["__metadata"].(map[string]any)
	om, _ := ours["__metadata"].(map[string]any)
	if om == nil || keysOf(om) != keysOf(sm) {
		t.Errorf("__metadata: got %v, want keys %s", om, keysOf(sm))
	} else {
		if got, want := om["type"], sm["type"]; got != want {
			t.Errorf("__metadata.type: got %v, want %v", got, want)
		}
		if u, _ := om["uri"].(string); !strings.HasPrefix(u, "http") || !strings.Contains(u, "(") {
			t.Errorf("__metadata.uri: got %q", u)
		}
	}
	for k, sv := range sample {
		ov, ok := ours[k]
		if !ok {
			t.Errorf("property %s missing", k)
			continue
		}
		if sv == nil || ov == nil {
			continue
		}
		if a, b := jsonKind(sv), jsonKind(ov); a != b {
			t.Errorf("property %s: got %s (%v), want %s (%v)", k, b, ov, a, sv)
		}
	}
	if exactKeys {
		for k := range ours {
			if _, ok := sample[k]; !ok {
				t.Errorf("extra property %s", k)
			}
		}
	}
}

func TestSamplesShape(t *testing.T) {
	s := NewServer(t, func(o *Options) { o.MinutelyLimit = 10000 })
	c := newClient(t, s)
	acc := c.create("crm/Accounts", map[string]any{"Name": "Test Customer Dryrun", "Status": "C", "Email": "test@example.com",
		"Phone": "+33123456789", "City": "Paris", "Country": "FR"})
	// 80 GL accounts in all, as the recorded two-page listing has.
	for i := len(s.Entities(s.DefaultDivision(), "financial/GLAccounts")); i < 80; i++ {
		c.create("financial/GLAccounts", map[string]any{"Code": fmt.Sprintf("%d", 210000+i), "Description": "Rekening", "Type": 32})
	}

	t.Run("account by key", func(t *testing.T) {
		ours := c.get("crm/Accounts(guid'" + acc["ID"].(string) + "')").json(t)
		for _, name := range []string{"get-account-by-key.nango-recording.json", "single-entity-account.dotnet-sdk-fixture.json"} {
			sample := sampleBody(readSample(t, name))
			if keysOf(ours) != keysOf(sample) {
				t.Fatalf("%s envelope: got %s, want %s", name, keysOf(ours), keysOf(sample))
			}
			compareRecord(t, sample["d"].(map[string]any), ours["d"].(map[string]any), name == "get-account-by-key.nango-recording.json")
		}
	})
	t.Run("post account without prefer", func(t *testing.T) {
		sample := sampleBody(readSample(t, "post-account-without-prefer-header.nango-recording.json"))["d"].(map[string]any)
		r := c.do("POST", "crm/Accounts", map[string]any{"Name": "Test Customer Dryrun 2", "Status": "C", "IsSales": true, "IsPurchase": false,
			"Email": "test@example.com", "Phone": "+33123456789", "City": "Paris", "Country": "FR"})
		ours := r.json(t)["d"].(map[string]any)
		compareRecord(t, sample, ours, true)
		for k, sv := range sample {
			if (sv == nil) != (ours[k] == nil) {
				t.Errorf("%s: got %v, want %v", k, ours[k], sv)
			}
		}
	})
	t.Run("current me", func(t *testing.T) {
		sample := sampleBody(readSample(t, "get-current-me.nango-recording.json"))
		ours := c.get("/api/v1/current/Me").json(t)
		sd, od := sample["d"].(map[string]any), ours["d"].(map[string]any)
		if keysOf(od) != keysOf(sd) {
			t.Fatalf("d keys: got %s, want %s", keysOf(od), keysOf(sd))
		}
		srec := sd["results"].([]any)[0].(map[string]any)
		orec := od["results"].([]any)[0].(map[string]any)
		for _, k := range []string{"CurrentDivision", "UserID", "Legislation", "ServerTime", "ServerUtcOffset", "DivisionCustomerCode", "FullName"} {
			if a, b := jsonKind(srec[k]), jsonKind(orec[k]); a != b {
				t.Errorf("%s: got %s, want %s", k, b, a)
			}
		}
		if got, want := orec["__metadata"].(map[string]any)["type"], srec["__metadata"].(map[string]any)["type"]; got != want {
			t.Errorf("type: got %v, want %v", got, want)
		}
	})
	t.Run("bare array with top 50", func(t *testing.T) {
		sample := sampleBody(readSample(t, "list-bare-array-when-top-le-60.nango-recording.json"))
		ours := c.get("vat/VATCodes?$orderby=Modified%20asc&$skip=0&$top=50").json(t)
		sa, ok1 := sample["d"].([]any)
		oa, ok2 := ours["d"].([]any)
		if !ok1 || !ok2 || len(oa) == 0 {
			t.Fatalf("want bare arrays: sample %T ours %T", sample["d"], ours["d"])
		}
		srec, orec := sa[0].(map[string]any), oa[0].(map[string]any)
		for _, k := range []string{"ID", "Code", "Created", "Modified", "Percentage", "VATTransactionType", "Type", "Division", "VATPercentages"} {
			if a, b := jsonKind(srec[k]), jsonKind(orec[k]); a != b {
				t.Errorf("%s: got %s, want %s", k, b, a)
			}
		}
		if c := orec["Code"].(string); len(c) != 3 {
			t.Errorf("VAT code %q not padded to 3", c)
		}
	})
	t.Run("paged GL accounts", func(t *testing.T) {
		for _, tc := range []struct {
			sample string
			path   string
			nextRe string
		}{
			{"list-paged-glaccounts.dotnet-sdk-fixture.json", "financial/GLAccounts", `/financial/GLAccounts\?\$skiptoken=guid'[0-9a-f-]{36}'$`},
			{"list-paged-glaccounts-with-top.nango-recording.json", "financial/GLAccounts?$select=ID,Code,Description,Modified&$skip=0&$top=100",
				`/financial/GLAccounts\?\$select=ID,Code,Description,Modified&\$top=40&\$skiptoken=guid'[0-9a-f-]{36}'$`},
		} {
			t.Run(tc.sample, func(t *testing.T) {
				sample := sampleBody(readSample(t, tc.sample))
				ours := c.get(tc.path).json(t)
				sd, od := sample["d"].(map[string]any), ours["d"].(map[string]any)
				if keysOf(od) != keysOf(sd) {
					t.Fatalf("d keys: got %s, want %s", keysOf(od), keysOf(sd))
				}
				if next := od["__next"].(string); !regexp.MustCompile(tc.nextRe).MatchString(next) {
					t.Errorf("__next: got %q, want match %s", next, tc.nextRe)
				}
				compareRecord(t, sd["results"].([]any)[0].(map[string]any), od["results"].([]any)[0].(map[string]any), strings.Contains(tc.path, "$select"))
			})
		}
	})
	t.Run("composite skiptoken", func(t *testing.T) {
		pages := readSample(t, "list-two-pages-composite-skiptoken.nango-recording.json").([]any)
		p1 := sampleBody(pages[0])["d"].(map[string]any)
		ours := c.get("financial/GLAccounts?$orderby=Modified%20asc&$select=ID,Code,Description,Modified&$top=100").json(t)["d"].(map[string]any)
		if keysOf(ours) != keysOf(p1) {
			t.Fatalf("d keys: got %s, want %s", keysOf(ours), keysOf(p1))
		}
		next := ours["__next"].(string)
		re := regexp.MustCompile(`\?\$orderby=Modified%20asc&\$select=ID,Code,Description,Modified&\$top=40&\$skiptoken=datetime'\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d(\.\d+)?',guid'[0-9a-f-]{36}'$`)
		if !re.MatchString(next) {
			t.Errorf("__next: got %q, want Exact's shape like %q", next, p1["__next"])
		}
		compareRecord(t, p1["results"].([]any)[0].(map[string]any), ours["results"].([]any)[0].(map[string]any), true)
		p2 := sampleBody(pages[1])["d"].(map[string]any)
		u, _ := url.Parse(next)
		ours2 := c.get(next).json(t)["d"].(map[string]any)
		if keysOf(ours2) != keysOf(p2) {
			t.Errorf("page 2 keys: got %s, want %s (tok %s)", keysOf(ours2), keysOf(p2), u.Query().Get("$skiptoken"))
		}
		if n := len(ours2["results"].([]any)); n != 20 {
			t.Errorf("page 2: got %d rows, want 20 (80 GL accounts)", n)
		}
	})
	t.Run("posts", func(t *testing.T) {
		doc := sampleBody(readSample(t, "post-document.nango-recording.json"))["d"].(map[string]any)
		ours := c.create("documents/Documents", map[string]any{"Subject": "Test attachment", "DocumentDate": "2026-06-25", "Account": acc["ID"], "Type": 10})
		compareRecord(t, doc, ours, false)
		att := sampleBody(readSample(t, "post-documentattachment.nango-recording.json"))["d"].(map[string]any)
		oatt := c.create("documents/DocumentAttachments", map[string]any{"Document": ours["ID"], "Attachment": "dGVzdA==", "FileName": "test.txt"})
		compareRecord(t, att, oatt, true)
		pe := sampleBody(readSample(t, "post-purchaseentry.nango-recording.json"))["d"].(map[string]any)
		supplier := c.create("crm/Accounts", map[string]any{"Name": "Exact Software France", "IsSupplier": true})["ID"]
		ope := c.create("purchaseentry/PurchaseEntries", map[string]any{"Journal": "60", "Supplier": supplier, "EntryDate": "2026-05-30",
			"Description": "Test purchase invoice", "Document": ours["ID"],
			"PurchaseEntryLines": []any{map[string]any{"GLAccount": seedID(t, s, "financial/GLAccounts", "7000"), "AmountDC": 100, "VATCode": "4"}}})
		delete(pe, "CustomField")
		compareRecord(t, pe, ope, false)
	})
}
