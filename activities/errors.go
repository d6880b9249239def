package activities

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// Error types of the ApplicationErrors activities return. The first five are non-retryable: a retry cannot
// fix them (and blind retries of data errors make Exact block the app after 10 errors per endpoint per hour).
const (
	ErrTypeData         = "DataError"       // the record or a mapping must be fixed by a person
	ErrTypeAuth         = "AuthError"       // access refused: rights, division access, Odoo login
	ErrTypeReconsent    = "ReconsentNeeded" // the Exact refresh-token chain is dead: connect Exact again
	ErrTypeConfig       = "ConfigError"     // the connection is incomplete
	ErrTypePaused       = "ConnectionPaused"
	ErrTypeConnector    = "ConnectorError" // Odoo refused the shape of the connector's own call: a bug to report
	ErrTypeRateLimited  = "RateLimited"    // retryable, after the budget's reset instant
	ErrTypeTransient    = "Transient"      // retryable
	rateLimitSlack      = 2 * time.Second
	maxRateLimitBackoff = MaxBudgetWait
)

// ErrTypeTokenEndpoint: Exact's token endpoint gave an answer exactsync does not understand. Retried after the Exact
// token source's pause; non-retryable once the source gave up, so it is not listed in NonRetryable.
const ErrTypeTokenEndpoint = "TokenEndpointError"

// MaxBudgetWait is the longest a call waits for Exact's budget: the daily window resets at most a day and an hour
// after a refused call (Amsterdam midnight across a daylight-saving change). Activity presets that call Exact must
// outlive it, so waiting for the reset never fails a sync.
const MaxBudgetWait = 25 * time.Hour

// NonRetryable lists the error types Temporal must not retry.
var NonRetryable = []string{ErrTypeData, ErrTypeAuth, ErrTypeReconsent, ErrTypeConfig, ErrTypePaused, ErrTypeConnector}

// Problem is a data error explained to the person who must fix it, in English and Dutch.
type Problem struct {
	Code   string // stable key, e.g. "partner.no_name"
	EN, NL string // what is wrong
	FixEN  string // how to fix it
	FixNL  string
}

// Error renders the problem for the Temporal Web UI: reason and hint in both languages.
func (p *Problem) Error() string {
	return fmt.Sprintf("%s Fix: %s | NL: %s Oplossing: %s", p.EN, p.FixEN, p.NL, p.FixNL)
}

// dataError wraps a problem as a non-retryable ApplicationError carrying the Problem as details.
func dataError(p *Problem, cause error) error {
	return temporal.NewNonRetryableApplicationError(p.Error(), ErrTypeData, cause, *p)
}

// Classify turns any error from Odoo, Exact or PostgreSQL into the ApplicationError Temporal acts on: data,
// auth and dead-token errors stop; rate limits wait for the reset; everything else retries with backoff.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return err
	}
	var paused *pausedError
	if errors.As(err, &paused) {
		return temporal.NewNonRetryableApplicationError(err.Error()+". Fix: run `starter connect exact` again, then `starter resume` | "+
			"NL: de koppeling is gepauzeerd. Oplossing: voer `starter connect exact` opnieuw uit", ErrTypePaused, err)
	}
	if errors.Is(err, store.ErrNotFound) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeConfig, err)
	}
	var p *Problem
	if errors.As(err, &p) {
		return dataError(p, err)
	}
	var rl *exact.RateLimitError
	if errors.As(err, &rl) {
		delay := min(rl.RetryAfter(time.Now())+rateLimitSlack, maxRateLimitBackoff)
		return temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("Exact's API budget for this division is used up (%s window); waiting until %s", rl.Window, rl.Reset.Format(time.RFC3339)),
			ErrTypeRateLimited, temporal.ApplicationErrorOptions{Cause: err, NextRetryDelay: delay})
	}
	if errors.Is(err, exact.ErrInvalidClient) {
		// Typed ReconsentNeeded so that the workflows pause the connection: after the credentials are fixed,
		// `starter connect exact` resumes it.
		return temporal.NewNonRetryableApplicationError(
			"Exact refuses the app's client ID or secret (invalid_client): the app's client ID or secret is refused: "+
				"fix EXACT_CLIENT_ID/EXACT_CLIENT_SECRET and `starter connect exact` | "+
				"NL: Exact weigert de client-ID of het client-secret van de app (invalid_client). Oplossing: corrigeer "+
				"EXACT_CLIENT_ID/EXACT_CLIENT_SECRET en voer `starter connect exact` uit",
			ErrTypeReconsent, err)
	}
	if te := (*exact.TokenError)(nil); errors.As(err, &te) && !te.Recognised() {
		if te.GaveUp() {
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"Exact's token endpoint gave %d answers in a row that exactsync does not understand (%T: %v). Fix: check the Exact site "+
					"and the app in Exact's App Center, then `starter retry` | NL: het token-endpoint van Exact gaf %d keer achter elkaar "+
					"een antwoord dat exactsync niet begrijpt. Oplossing: controleer de Exact-site en de app in het App Center en voer "+
					"daarna `starter retry` uit", te.Failures, te, err, te.Failures),
				ErrTypeTokenEndpoint, err)
		}
		delay := time.Minute // not counted by a token source: no pause known
		if !te.RetryAt.IsZero() {
			delay = max(time.Until(te.RetryAt), 0) + rateLimitSlack
		}
		return temporal.NewApplicationErrorWithOptions(fmt.Sprintf(
			"Exact's token endpoint gave an answer exactsync does not understand (%T: %v); trying again after %s",
			te, err, te.RetryAt.Format(time.RFC3339)),
			ErrTypeTokenEndpoint, temporal.ApplicationErrorOptions{Cause: err, NextRetryDelay: delay})
	}
	if errors.Is(err, exact.ErrReconsentNeeded) {
		return temporal.NewNonRetryableApplicationError(
			"Exact no longer accepts this connection's tokens. Fix: run `starter connect exact` again to give consent | "+
				"NL: Exact accepteert de tokens van deze koppeling niet meer. Oplossing: voer `starter connect exact` opnieuw uit",
			ErrTypeReconsent, err)
	}
	var ee *exact.Error
	if errors.As(err, &ee) {
		switch ee.Class() {
		case exact.ClassValidation:
			return dataError(&Problem{Code: "exact.validation",
				EN: fmt.Sprintf("Exact refused the data: %q.", ee.Message), NL: fmt.Sprintf("Exact weigert de gegevens: %q.", ee.Message),
				FixEN: "correct the record in Odoo (or the mapping) so Exact accepts it, then retry",
				FixNL: "corrigeer het record in Odoo (of de koppeltabel) zodat Exact het accepteert en probeer opnieuw"}, err)
		case exact.ClassForbidden, exact.ClassAuthorization:
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("Exact refused access (%d %s): %s. Fix: check the user's rights and the division granted to the app | "+
					"NL: Exact weigert toegang. Oplossing: controleer de rechten en de administratie die de app mag gebruiken", ee.StatusCode, ee.Reason, ee.Message),
				ErrTypeAuth, err)
		case exact.ClassNotFound:
			return dataError(&Problem{Code: "exact.not_found",
				EN: fmt.Sprintf("Exact no longer has the record (%s).", ee.Message), NL: fmt.Sprintf("Exact heeft het record niet meer (%s).", ee.Message),
				FixEN: "check whether it was deleted in Exact; retry to create or link it again",
				FixNL: "controleer of het in Exact is verwijderd; probeer opnieuw om het opnieuw aan te maken of te koppelen"}, err)
		}
		return temporal.NewApplicationErrorWithCause(err.Error(), ErrTypeTransient, err)
	}
	var of *odoo.Fault
	if errors.As(err, &of) {
		switch of.Class() {
		case odoo.Access:
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("Odoo refused access: %s. Fix: check the API key, the user's rights and the company | "+
					"NL: Odoo weigert toegang. Oplossing: controleer de API-sleutel, de rechten en het bedrijf", of.Message),
				ErrTypeAuth, err)
		case odoo.Protocol:
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("Odoo refused exactsync's own call %s.%s (%s). This is not caused by your data, and retrying will not help: "+
					"it is a bug in exactsync. Fix: report it with this workflow's ID and the Odoo version, update exactsync, then `starter retry` | "+
					"NL: Odoo weigert de aanroep van exactsync zelf. Dit komt niet door uw gegevens en opnieuw proberen helpt niet: het is een fout in exactsync. "+
					"Oplossing: meld het met de workflow-ID en de Odoo-versie, werk exactsync bij en voer daarna `starter retry` uit",
					of.Model, of.Method, of.Message),
				ErrTypeConnector, err)
		case odoo.Validation:
			return dataError(&Problem{Code: "odoo.validation",
				EN: fmt.Sprintf("Odoo refused the request: %q.", of.Message), NL: fmt.Sprintf("Odoo weigert het verzoek: %q.", of.Message),
				FixEN: "correct the record in Odoo, then retry", FixNL: "corrigeer het record in Odoo en probeer opnieuw"}, err)
		}
		return temporal.NewApplicationErrorWithCause(err.Error(), ErrTypeTransient, err)
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return temporal.NewApplicationErrorWithCause(err.Error(), ErrTypeTransient, err)
	}
	return err
}

// ErrorType returns the ApplicationError type of err ("" when it has none); workflows show it as ErrorClass.
func ErrorType(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Type()
	}
	return ""
}
