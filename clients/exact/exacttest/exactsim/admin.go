package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact/exacttest"
)

// adminUsage lists the subcommands that act as the accountant on a running simulator.
const adminUsage = `Commands on a running simulator (the accountant's side of Exact; -url defaults to $EXACT_BASE_URL, else http://127.0.0.1:8090):

  exactsim pay -entry-number 26700001 [-amount 121.00] [-date 2026-03-01] [-journal 70] [-division N]
      a bank statement paying an entry (sales: received, purchase: paid); no -amount pays all that is open
  exactsim credit -invoice-number 26700001 -credit-number 26700002 [-division N]
      match a credit note (or a payment left unmatched: its bank entry number) with an invoice
  exactsim unmatch -entry-number 26700001 [-journal 70] [-division N]
      undo every match of an entry (its payments and credit notes become open again)
  exactsim process -entry-number 26700001 [-journal 70] [-division N]
      mark an entry processed: Exact refuses every change to it from then on
  exactsim close-period -year 2026 -period 2 [-open] [-division N]
      close (or with -open reopen) a financial period

Entries are also named by -entry-id (and -invoice-id, -credit-id) with their EntryID. Division 0 is the
simulator's default division.`

// runAdmin runs one admin subcommand against the simulator at -url.
func runAdmin(ctx context.Context, cmd string, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("exactsim "+cmd, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { fmt.Fprintln(out, adminUsage) }
	base := getenv("EXACT_BASE_URL")
	if base == "" {
		base = "http://127.0.0.1:8090"
	}
	url := fs.String("url", base, "base URL of the running simulator")
	division := fs.Int("division", 0, "division (0: the simulator's default)")
	var entry *entryRefFlags
	var path string
	var body func() (any, error)
	var done func(res map[string]any) string
	switch cmd {
	case "pay":
		entry = entryFlags(fs, "entry")
		amount := fs.String("amount", "", "amount paid in the entry's currency, with its sign (empty: all that is open)")
		date := fs.String("date", "", "statement date YYYY-MM-DD (empty: the simulator's today)")
		path = "/sim/bank-statement"
		body = func() (any, error) {
			ref, err := entry.ref()
			if err != nil {
				return nil, err
			}
			line := exacttest.AdminLine{EntryRef: ref}
			if *amount != "" {
				a, err := decimal.NewFromString(strings.ReplaceAll(*amount, ",", "."))
				if err != nil {
					return nil, fmt.Errorf("bad -amount %q", *amount)
				}
				line.Amount = a
			}
			if *date != "" {
				if _, err := time.Parse(time.DateOnly, *date); err != nil {
					return nil, fmt.Errorf("bad -date %q: want YYYY-MM-DD", *date)
				}
			}
			return exacttest.AdminBankStatement{Division: *division, Date: *date, Lines: []exacttest.AdminLine{line}}, nil
		}
		done = func(res map[string]any) string {
			var b strings.Builder
			fmt.Fprintf(&b, "bank entry %s booked", number(res["entry_number"]))
			lines, _ := res["lines"].([]any)
			for _, l := range lines {
				m, _ := l.(map[string]any)
				fmt.Fprintf(&b, "\n  paid %v on entry %v (bank line %v, its payment term %v)", m["amount"], m["entry_id"], m["id"], m["payment_term"])
			}
			return b.String()
		}
	case "credit":
		inv, cred := entryFlags(fs, "invoice"), entryFlags(fs, "credit")
		path = "/sim/match-credit-note"
		body = func() (any, error) {
			i, err := inv.ref()
			if err != nil {
				return nil, err
			}
			c, err := cred.ref()
			if err != nil {
				return nil, err
			}
			return exacttest.AdminMatch{Division: *division, Invoice: i, Credit: c}, nil
		}
		done = func(res map[string]any) string { return fmt.Sprintf("matched %v", res["amount"]) }
	case "unmatch", "process":
		entry = entryFlags(fs, "entry")
		path = map[string]string{"unmatch": "/sim/undo-match", "process": "/sim/process-entry"}[cmd]
		body = func() (any, error) {
			ref, err := entry.ref()
			return exacttest.AdminEntry{Division: *division, EntryRef: ref}, err
		}
		done = func(map[string]any) string {
			if cmd == "unmatch" {
				return "every match of the entry undone: its open amount is open again"
			}
			return "entry processed: Exact refuses changes to it now"
		}
	case "close-period":
		year := fs.Int("year", 0, "financial year")
		period := fs.Int("period", 0, "financial period (month)")
		reopen := fs.Bool("open", false, "reopen the period instead")
		path = "/sim/close-period"
		body = func() (any, error) {
			if *year == 0 || *period == 0 {
				return nil, errors.New("-year and -period are required")
			}
			return exacttest.AdminPeriod{Division: *division, Year: *year, Period: *period, Closed: !*reopen}, nil
		}
		done = func(map[string]any) string {
			if *reopen {
				return fmt.Sprintf("period %d/%d open", *year, *period)
			}
			return fmt.Sprintf("period %d/%d closed", *year, *period)
		}
	default:
		return fmt.Errorf("unknown command %q\n\n%s", cmd, adminUsage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	b, err := body()
	if err != nil {
		return err
	}
	res, err := postAdmin(ctx, strings.TrimRight(*url, "/")+path, b)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, done(res))
	return nil
}

// number prints a JSON number without exponent.
func number(v any) string {
	f, _ := v.(float64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// entryRefFlags are the -X-number, -X-id and -journal flags naming an entry.
type entryRefFlags struct {
	prefix  string
	number  *int64
	id      *string
	journal *string
}

func entryFlags(fs *flag.FlagSet, prefix string) *entryRefFlags {
	f := &entryRefFlags{prefix: prefix}
	f.number = fs.Int64(prefix+"-number", 0, "EntryNumber of the "+prefix)
	f.id = fs.String(prefix+"-id", "", "EntryID of the "+prefix)
	if prefix == "entry" {
		f.journal = fs.String("journal", "", "journal code, when the number is in more than one journal")
	}
	return f
}

func (f *entryRefFlags) ref() (exacttest.EntryRef, error) {
	if *f.number == 0 && *f.id == "" {
		return exacttest.EntryRef{}, fmt.Errorf("name the %s with -%s-number or -%s-id", f.prefix, f.prefix, f.prefix)
	}
	r := exacttest.EntryRef{EntryNumber: *f.number, EntryID: *f.id}
	if f.journal != nil {
		r.Journal = *f.journal
	}
	return r, nil
}

func postAdmin(ctx context.Context, url string, body any) (map[string]any, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("is the simulator running at -url? %w", err)
	}
	defer resp.Body.Close()
	var res map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, fmt.Errorf("%s answered %s, not JSON: %w", url, resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := res["error"].(string)
		return nil, fmt.Errorf("the simulator refused: %s", msg)
	}
	return res, nil
}
