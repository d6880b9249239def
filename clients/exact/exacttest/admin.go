package exacttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The admin endpoints do what an accountant does in Exact's web UI, for a person (exactsim pay …) and for tests
// that drive the simulator over HTTP. They live under /sim/, outside Exact's /api, need no token and are not
// counted as Exact calls. Each takes a JSON object and answers JSON (errors: {"error": "…"} with 400, or 404 for
// an unknown path). Division 0 or absent is the simulator's default division. An entry is named by
// "entry_id" (its EntryID) or "entry_number" (+ "journal" when the number is ambiguous).
//
//	POST /sim/bank-statement    {"division":0,"date":"2026-03-01","lines":[{"entry_number":26700001,"amount":"121.00"}]}
//	                            → {"entry_id":…,"entry_number":26200001,"lines":[{"id":…,"entry_id":…,"amount":"121","payment_term":…}]}
//	                            (amount absent or 0: everything still open; date absent: today)
//	POST /sim/match-credit-note {"invoice":{"entry_number":26700001},"credit":{"entry_number":26700002}} → {"amount":"48.4"}
//	POST /sim/undo-match        {"entry_number":26700001} → {}
//	POST /sim/process-entry     {"entry_number":26700001} → {}
//	POST /sim/close-period      {"year":2026,"period":2,"closed":true} → {}

// EntryRef names an entry in an admin request.
type EntryRef struct {
	EntryID     string `json:"entry_id,omitempty"`
	EntryNumber int64  `json:"entry_number,omitempty"`
	Journal     string `json:"journal,omitempty"`
}

// AdminLine is a line of an admin bank statement; Amount is a decimal string or number in the entry's currency.
type AdminLine struct {
	EntryRef
	Amount decimal.Decimal `json:"amount"`
}

// AdminBankStatement is the body of POST /sim/bank-statement.
type AdminBankStatement struct {
	Division int         `json:"division,omitempty"`
	Date     string      `json:"date,omitempty"` // YYYY-MM-DD
	Lines    []AdminLine `json:"lines"`
}

// AdminMatch is the body of POST /sim/match-credit-note.
type AdminMatch struct {
	Division int      `json:"division,omitempty"`
	Invoice  EntryRef `json:"invoice"`
	Credit   EntryRef `json:"credit"`
}

// AdminEntry is the body of POST /sim/undo-match and /sim/process-entry.
type AdminEntry struct {
	Division int `json:"division,omitempty"`
	EntryRef
}

// AdminPeriod is the body of POST /sim/close-period.
type AdminPeriod struct {
	Division int  `json:"division,omitempty"`
	Year     int  `json:"year"`
	Period   int  `json:"period"`
	Closed   bool `json:"closed"`
}

// AdminStatementResult is the answer of POST /sim/bank-statement.
type AdminStatementResult struct {
	EntryID     string                `json:"entry_id"`
	EntryNumber int64                 `json:"entry_number"`
	Lines       []AdminStatementLines `json:"lines"`
}

// AdminStatementLines is a booked line in AdminStatementResult.
type AdminStatementLines struct {
	ID          string          `json:"id"`
	EntryID     string          `json:"entry_id"`
	Amount      decimal.Decimal `json:"amount"`
	PaymentTerm string          `json:"payment_term"`
}

func adminJSON(status int, v any) *response {
	b, _ := json.Marshal(v)
	return newResponse().json(status, b)
}

func adminError(err error) *response {
	return adminJSON(http.StatusBadRequest, map[string]string{"error": err.Error()})
}

func (s *Server) handleAdmin(r *http.Request) *response {
	if r.Method != http.MethodPost {
		return adminJSON(http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(http.MaxBytesReader(nil, r.Body, 1<<20)); err != nil {
		return adminError(err)
	}
	decode := func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(body.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return fmt.Errorf("bad JSON body: %w", err)
		}
		return nil
	}
	switch strings.TrimPrefix(r.URL.Path, "/sim/") {
	case "bank-statement":
		var in AdminBankStatement
		if err := decode(&in); err != nil {
			return adminError(err)
		}
		res, err := s.adminBankStatement(in)
		if err != nil {
			return adminError(err)
		}
		return adminJSON(http.StatusOK, res)
	case "match-credit-note":
		var in AdminMatch
		if err := decode(&in); err != nil {
			return adminError(err)
		}
		div := s.adminDivision(in.Division)
		inv, err := s.resolve(div, in.Invoice)
		if err != nil {
			return adminError(err)
		}
		cred, err := s.resolve(div, in.Credit)
		if err != nil {
			return adminError(err)
		}
		amount, err := s.MatchCreditNote(div, inv, cred)
		if err != nil {
			return adminError(err)
		}
		return adminJSON(http.StatusOK, map[string]any{"amount": amount})
	case "undo-match", "process-entry":
		var in AdminEntry
		if err := decode(&in); err != nil {
			return adminError(err)
		}
		div := s.adminDivision(in.Division)
		id, err := s.resolve(div, in.EntryRef)
		if err != nil {
			return adminError(err)
		}
		if strings.HasSuffix(r.URL.Path, "undo-match") {
			err = s.UndoMatch(div, id)
		} else {
			err = s.ProcessEntry(div, id)
		}
		if err != nil {
			return adminError(err)
		}
		return adminJSON(http.StatusOK, map[string]any{})
	case "close-period":
		var in AdminPeriod
		if err := decode(&in); err != nil {
			return adminError(err)
		}
		if err := s.ClosePeriod(s.adminDivision(in.Division), in.Year, in.Period, in.Closed); err != nil {
			return adminError(err)
		}
		return adminJSON(http.StatusOK, map[string]any{})
	}
	return adminJSON(http.StatusNotFound, map[string]string{"error": "unknown admin endpoint " + r.URL.Path})
}

func (s *Server) adminDivision(div int) int {
	if div == 0 {
		return s.opts.Division
	}
	return div
}

func (s *Server) resolve(division int, ref EntryRef) (string, error) {
	switch {
	case ref.EntryID != "":
		return ref.EntryID, nil
	case ref.EntryNumber != 0:
		return s.EntryIDByNumber(division, ref.EntryNumber, ref.Journal)
	}
	return "", fmt.Errorf("name the entry by entry_id or entry_number")
}

func (s *Server) adminBankStatement(in AdminBankStatement) (AdminStatementResult, error) {
	div := s.adminDivision(in.Division)
	s.mu.Lock()
	date := s.today()
	s.mu.Unlock()
	if in.Date != "" {
		t, err := time.Parse(time.DateOnly, in.Date)
		if err != nil {
			return AdminStatementResult{}, fmt.Errorf("bad date %q: want YYYY-MM-DD", in.Date)
		}
		date = t
	}
	var matches []Match
	for _, l := range in.Lines {
		id, err := s.resolve(div, l.EntryRef)
		if err != nil {
			return AdminStatementResult{}, err
		}
		matches = append(matches, Match{EntryID: id, AmountFC: l.Amount})
	}
	st, err := s.ProcessBankStatement(div, date, matches)
	if err != nil {
		return AdminStatementResult{}, err
	}
	res := AdminStatementResult{EntryID: st.EntryID, EntryNumber: st.EntryNumber, Lines: []AdminStatementLines{}}
	for _, l := range st.Lines {
		res.Lines = append(res.Lines, AdminStatementLines{ID: l.ID, EntryID: l.EntryID, Amount: l.AmountFC, PaymentTerm: l.PaymentTerm})
	}
	return res, nil
}
