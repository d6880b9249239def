package activities

import (
	"fmt"
	"math/big"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// Exact's limits on crm/Accounts text fields, in characters. Only Code (18) is documented (EXACT-API.md C.4,
// "18-char right-aligned string"); neither EXACT-API.md nor the samples give any other field length, so the
// rest are guesses, taken on the strict side, to be confirmed on a real tenant. Refusing here costs the user
// one fix in Odoo; letting Exact refuse costs one of the 10 errors per endpoint per hour after which Exact
// blocks the app.
const (
	maxCode         = 18 // [DOC] EXACT-API.md C.4
	maxName         = 50 // [?] every limit below is a guess
	maxAddressLine  = 100
	maxPostcode     = 20
	maxCity         = 50
	maxPhone        = 30
	maxEmail        = 100
	maxWebsite      = 100
	maxVATNumber    = 20
	maxChamber      = 20
	maxBankHolder   = 50
	maxShownInError = 40 // characters of a value quoted in a problem
)

// issue is one thing wrong with a partner, in English and Dutch.
type issue struct {
	code         string
	en, nl       string
	fixEN, fixNL string
}

// partnerProblem joins a partner's issues into one Problem, so the user fixes them all in one go.
func partnerProblem(p odoo.Partner, name string, issues []issue) *Problem {
	if len(issues) == 0 {
		return nil
	}
	code := issues[0].code
	if len(issues) > 1 {
		code = "partner.invalid_fields"
	}
	var en, nl, fixEN, fixNL []string
	for _, is := range issues {
		en, nl = append(en, is.en), append(nl, is.nl)
		fixEN, fixNL = append(fixEN, is.fixEN), append(fixNL, is.fixNL)
	}
	return &Problem{Code: code,
		EN:    fmt.Sprintf("Odoo partner %d %q cannot go to Exact: %s.", p.ID, shown(name), strings.Join(en, "; ")),
		NL:    fmt.Sprintf("Odoo-relatie %d %q kan niet naar Exact: %s.", p.ID, shown(name), strings.Join(nl, "; ")),
		FixEN: "in Odoo, " + strings.Join(fixEN, "; "),
		FixNL: "in Odoo: " + strings.Join(fixNL, "; ")}
}

// shown cuts a value for a message.
func shown(s string) string {
	if utf8.RuneCountInString(s) <= maxShownInError {
		return s
	}
	r := []rune(s)
	return string(r[:maxShownInError]) + "…"
}

// cleanPartner cleans what can be cleaned (control characters, surrounding spaces, VAT and IBAN spacing) and
// returns the partner as it may go to Exact, or the issues a person must fix in Odoo.
func cleanPartner(p odoo.Partner) (odoo.Partner, []issue) {
	c := p
	for _, f := range []*string{&c.Name, &c.Street, &c.Street2, &c.Zip, &c.City, &c.CountryCode, &c.VAT, &c.CompanyRegistry,
		&c.Email, &c.Phone, &c.Mobile, &c.Website, &c.Lang, &c.Ref} {
		*f = store.CleanText(*f)
	}
	c.CountryCode = strings.ToUpper(c.CountryCode)
	var issues []issue
	add := func(is *issue) {
		if is != nil {
			issues = append(issues, *is)
		}
	}
	add(tooLong("name", "naam", c.Name, maxName))
	add(tooLong("street", "straat", c.Street, maxAddressLine))
	add(tooLong("second street line", "tweede adresregel", c.Street2, maxAddressLine))
	add(tooLong("postcode", "postcode", c.Zip, maxPostcode))
	add(tooLong("city", "plaats", c.City, maxCity))
	phone := c.Phone
	if phone == "" {
		phone = c.Mobile
	}
	add(tooLong("phone number", "telefoonnummer", phone, maxPhone))
	if c.IsCompany && c.CountryCode == "" {
		add(&issue{code: "partner.no_country",
			en: "the company has no country", nl: "het bedrijf heeft geen land",
			fixEN: "set the company's country", fixNL: "vul het land van het bedrijf in"})
	}
	var is *issue
	c.VAT, is = checkVAT(c.VAT, c.CountryCode)
	add(is)
	c.CompanyRegistry, is = checkChamber(c.CompanyRegistry, c.CountryCode)
	add(is)
	c.Email, is = checkEmail(c.Email)
	add(is)
	add(checkWebsite(c.Website))

	c.BankAccounts = make([]odoo.BankAccount, 0, len(p.BankAccounts))
	for _, b := range p.BankAccounts {
		b.AccNumber = store.CleanText(b.AccNumber)
		b.SanitizedAccNumber = store.CleanText(b.SanitizedAccNumber)
		b.BIC = strings.ToUpper(strings.ReplaceAll(store.CleanText(b.BIC), " ", ""))
		b.Holder = store.CleanText(b.Holder)
		number := normalizeIBAN(firstNonEmpty(b.SanitizedAccNumber, b.AccNumber))
		b.SanitizedAccNumber, b.AccNumber = number, number
		if number != "" && looksLikeIBAN(number) && !validIBAN(number) {
			add(&issue{code: "partner.bank.invalid_iban",
				en:    fmt.Sprintf("the IBAN %q of bank account %d fails its check digits", shown(number), b.ID),
				nl:    fmt.Sprintf("het IBAN %q van bankrekening %d klopt niet (controlegetal)", shown(number), b.ID),
				fixEN: fmt.Sprintf("correct the IBAN %q (or remove that bank account)", shown(number)),
				fixNL: fmt.Sprintf("corrigeer het IBAN %q (of verwijder die bankrekening)", shown(number))})
		}
		if b.BIC != "" && !validBIC(b.BIC) {
			add(&issue{code: "partner.bank.invalid_bic",
				en:    fmt.Sprintf("the BIC %q of bank account %s is not 8 or 11 letters and digits", shown(b.BIC), shown(number)),
				nl:    fmt.Sprintf("de BIC %q van bankrekening %s bestaat niet uit 8 of 11 letters en cijfers", shown(b.BIC), shown(number)),
				fixEN: fmt.Sprintf("correct the BIC of bank %q", shown(number)), fixNL: fmt.Sprintf("corrigeer de BIC van bank %q", shown(number))})
		}
		add(tooLong(fmt.Sprintf("account holder of bank account %s", shown(number)),
			fmt.Sprintf("rekeninghouder van bankrekening %s", shown(number)), b.Holder, maxBankHolder))
		c.BankAccounts = append(c.BankAccounts, b)
	}
	return c, issues
}

// tooLong reports a value longer than Exact's field holds.
func tooLong(en, nl, v string, limit int) *issue {
	n := utf8.RuneCountInString(v)
	if n <= limit {
		return nil
	}
	return &issue{code: "partner.too_long",
		en:    fmt.Sprintf("the %s %q has %d characters, Exact holds %d", en, shown(v), n, limit),
		nl:    fmt.Sprintf("%s %q heeft %d tekens, Exact bewaart er %d", dutchThe(nl), shown(v), n, limit),
		fixEN: fmt.Sprintf("shorten the %s to %d characters", en, limit),
		fixNL: fmt.Sprintf("kort %s in tot %d tekens", dutchThe(nl), limit)}
}

// dutchThe puts the right article before a Dutch field name.
func dutchThe(nl string) string {
	for _, het := range []string{"telefoonnummer"} {
		if nl == het {
			return "het " + nl
		}
	}
	return "de " + nl
}

// vatFormats are the VAT number formats of the EU member states (as VIES checks them, after the country
// prefix), plus the United Kingdom, Northern Ireland, Switzerland and Norway. Other prefixes are not checked.
var vatFormats = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^U[0-9]{8}$`),
	"BE": regexp.MustCompile(`^[01][0-9]{9}$`),
	"BG": regexp.MustCompile(`^[0-9]{9,10}$`),
	"CY": regexp.MustCompile(`^[0-9]{8}[A-Z]$`),
	"CZ": regexp.MustCompile(`^[0-9]{8,10}$`),
	"DE": regexp.MustCompile(`^[0-9]{9}$`),
	"DK": regexp.MustCompile(`^[0-9]{8}$`),
	"EE": regexp.MustCompile(`^[0-9]{9}$`),
	"EL": regexp.MustCompile(`^[0-9]{9}$`),
	"GR": regexp.MustCompile(`^[0-9]{9}$`),
	"ES": regexp.MustCompile(`^[0-9A-Z][0-9]{7}[0-9A-Z]$`),
	"FI": regexp.MustCompile(`^[0-9]{8}$`),
	"FR": regexp.MustCompile(`^[0-9A-HJ-NP-Z]{2}[0-9]{9}$`),
	"HR": regexp.MustCompile(`^[0-9]{11}$`),
	"HU": regexp.MustCompile(`^[0-9]{8}$`),
	"IE": regexp.MustCompile(`^([0-9]{7}[A-W][A-I]?|[0-9][A-Z+*][0-9]{5}[A-W])$`),
	"IT": regexp.MustCompile(`^[0-9]{11}$`),
	"LT": regexp.MustCompile(`^([0-9]{9}|[0-9]{12})$`),
	"LU": regexp.MustCompile(`^[0-9]{8}$`),
	"LV": regexp.MustCompile(`^[0-9]{11}$`),
	"MT": regexp.MustCompile(`^[0-9]{8}$`),
	"NL": regexp.MustCompile(`^[0-9]{9}B[0-9]{2}$`),
	"PL": regexp.MustCompile(`^[0-9]{10}$`),
	"PT": regexp.MustCompile(`^[0-9]{9}$`),
	"RO": regexp.MustCompile(`^[0-9]{2,10}$`),
	"SE": regexp.MustCompile(`^[0-9]{10}01$`),
	"SI": regexp.MustCompile(`^[0-9]{8}$`),
	"SK": regexp.MustCompile(`^[0-9]{10}$`),
	"XI": regexp.MustCompile(`^([0-9]{9}|[0-9]{12}|GD[0-4][0-9]{2}|HA[5-9][0-9]{2})$`),
	"GB": regexp.MustCompile(`^([0-9]{9}|[0-9]{12}|GD[0-4][0-9]{2}|HA[5-9][0-9]{2})$`),
	"CH": regexp.MustCompile(`^E[0-9]{9}(MWST|TVA|IVA)?$`),
	"NO": regexp.MustCompile(`^[0-9]{9}(MVA)?$`),
}

var alnum = regexp.MustCompile(`^[A-Z0-9]+$`)

// checkVAT normalises a VAT number (spaces, dots, dashes, case) and checks its format. A number without a
// country prefix gets the partner's, when that makes a valid number.
func checkVAT(raw, country string) (string, *issue) {
	v := store.NormalizeVAT(raw)
	if v == "" {
		return "", nil
	}
	if len(v) >= 2 && !isLetter(v[0]) && vatFormats[country] != nil && vatFormats[country].MatchString(v) {
		v = country + v
	}
	bad := func(why, waarom string) (string, *issue) {
		return v, &issue{code: "partner.invalid_vat",
			en:    fmt.Sprintf("the VAT number %q %s", shown(raw), why),
			nl:    fmt.Sprintf("het btw-nummer %q %s", shown(raw), waarom),
			fixEN: "correct the VAT number (country code and number, e.g. NL123456789B01)",
			fixNL: "corrigeer het btw-nummer (landcode en nummer, bijv. NL123456789B01)"}
	}
	if !alnum.MatchString(v) || len(v) < 4 || !isLetter(v[0]) || !isLetter(v[1]) {
		return bad("is not a country code followed by letters and digits", "is geen landcode gevolgd door letters en cijfers")
	}
	if len(v) > maxVATNumber {
		return bad(fmt.Sprintf("is longer than the %d characters Exact holds", maxVATNumber),
			fmt.Sprintf("is langer dan de %d tekens die Exact bewaart", maxVATNumber))
	}
	prefix, number := v[:2], v[2:]
	format := vatFormats[prefix]
	if format == nil {
		return v, nil
	}
	if !format.MatchString(number) {
		return bad(fmt.Sprintf("is not in the format of %s VAT numbers", prefix), fmt.Sprintf("heeft niet de vorm van een %s-btw-nummer", prefix))
	}
	if prefix == "BE" && !validBelgianVAT(number) {
		return bad("fails its check digits", "klopt niet (controlegetal)")
	}
	return v, nil
}

// validBelgianVAT checks a Belgian enterprise number: the last two digits are 97 minus the first eight mod 97.
func validBelgianVAT(number string) bool {
	if len(number) != 10 {
		return false
	}
	base, err1 := strconv.Atoi(number[:8])
	check, err2 := strconv.Atoi(number[8:])
	return err1 == nil && err2 == nil && 97-base%97 == check
}

func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' }

// checkChamber checks a Chamber of Commerce number: a Dutch KvK number is 8 digits (spaces and dots are
// dropped); other registries only have to fit Exact's field.
func checkChamber(raw, country string) (string, *issue) {
	if raw == "" {
		return "", nil
	}
	if country == "NL" {
		kvk := strings.NewReplacer(" ", "", ".", "").Replace(raw)
		if len(kvk) == 8 && strings.Trim(kvk, "0123456789") == "" {
			return kvk, nil
		}
		return raw, &issue{code: "partner.invalid_kvk",
			en: fmt.Sprintf("the KvK (Chamber of Commerce) number %q is not 8 digits", shown(raw)),
			nl: fmt.Sprintf("het KvK-nummer %q bestaat niet uit 8 cijfers", shown(raw)),
			// Odoo calls the field "Company ID" (company_registry).
			fixEN: "put the 8-digit KvK number in the Company ID field (company_registry)",
			fixNL: "zet het KvK-nummer van 8 cijfers in het veld Bedrijfs-ID (company_registry)"}
	}
	if n := utf8.RuneCountInString(raw); n > maxChamber {
		return raw, &issue{code: "partner.invalid_kvk",
			en:    fmt.Sprintf("the company registry number %q has %d characters, Exact holds %d", shown(raw), n, maxChamber),
			nl:    fmt.Sprintf("het handelsregisternummer %q heeft %d tekens, Exact bewaart er %d", shown(raw), n, maxChamber),
			fixEN: "keep only the registry number in the Company ID field (company_registry)",
			fixNL: "laat alleen het registernummer in het veld Bedrijfs-ID (company_registry) staan"}
	}
	return raw, nil
}

// checkEmail accepts one address; "Name <address>" is cleaned to the address.
func checkEmail(raw string) (string, *issue) {
	if raw == "" {
		return "", nil
	}
	bad := &issue{code: "partner.invalid_email",
		en:    fmt.Sprintf("the e-mail address %q is not one valid address", shown(raw)),
		nl:    fmt.Sprintf("het e-mailadres %q is niet één geldig adres", shown(raw)),
		fixEN: "correct the e-mail address (one address; put others on the company's contacts)",
		fixNL: "corrigeer het e-mailadres (één adres; zet andere bij de contactpersonen van het bedrijf)"}
	a, err := mail.ParseAddress(raw)
	if err != nil {
		return raw, bad
	}
	local, domain, ok := strings.Cut(a.Address, "@")
	if !ok || local == "" || !strings.Contains(strings.Trim(domain, "."), ".") || strings.ContainsAny(a.Address, " \"[]") {
		return raw, bad
	}
	if n := utf8.RuneCountInString(a.Address); n > maxEmail {
		return raw, &issue{code: "partner.too_long",
			en:    fmt.Sprintf("the e-mail address %q has %d characters, Exact holds %d", shown(raw), n, maxEmail),
			nl:    fmt.Sprintf("het e-mailadres %q heeft %d tekens, Exact bewaart er %d", shown(raw), n, maxEmail),
			fixEN: "use a shorter e-mail address", fixNL: "gebruik een korter e-mailadres"}
	}
	return a.Address, nil
}

// checkWebsite accepts an http(s) address, with or without the scheme ("www.example.nl"); any other scheme
// (javascript:, data:, file:, mailto:) is refused.
func checkWebsite(raw string) *issue {
	if raw == "" {
		return nil
	}
	bad := &issue{code: "partner.invalid_website",
		en:    fmt.Sprintf("the website %q is not an http(s) address", shown(raw)),
		nl:    fmt.Sprintf("de website %q is geen http(s)-adres", shown(raw)),
		fixEN: "enter the website as https://www.example.nl", fixNL: "vul de website in als https://www.voorbeeld.nl"}
	full := raw
	if !strings.Contains(raw, "://") {
		if scheme, _, ok := strings.Cut(raw, ":"); ok && !strings.Contains(scheme, ".") {
			return bad // javascript:…, mailto:…, data:… (a host with a port has a dot before the colon)
		}
		full = "http://" + raw
	}
	u, err := url.Parse(full)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Hostname(), ".") ||
		strings.ContainsAny(raw, " <>\"'") {
		return bad
	}
	if n := utf8.RuneCountInString(raw); n > maxWebsite {
		return &issue{code: "partner.too_long",
			en:    fmt.Sprintf("the website %q has %d characters, Exact holds %d", shown(raw), n, maxWebsite),
			nl:    fmt.Sprintf("de website %q heeft %d tekens, Exact bewaart er %d", shown(raw), n, maxWebsite),
			fixEN: "enter the website's home page only", fixNL: "vul alleen de beginpagina van de website in"}
	}
	return nil
}

// normalizeIBAN drops spaces and upper-cases, as Exact stores a bank account number.
func normalizeIBAN(s string) string {
	return strings.ToUpper(strings.ReplaceAll(s, " ", ""))
}

// looksLikeIBAN tells an IBAN (two letters, two check digits, at least 15 characters) from a domestic number,
// as Exact does.
func looksLikeIBAN(s string) bool {
	return len(s) >= 15 && isLetter(s[0]) && isLetter(s[1]) && s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9'
}

// validIBAN checks an IBAN's ISO 13616 mod-97 check digits (and that it is at most 34 letters and digits).
func validIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 || !alnum.MatchString(s) {
		return false
	}
	var digits strings.Builder
	for _, r := range s[4:] + s[:4] {
		if r >= 'A' && r <= 'Z' {
			fmt.Fprint(&digits, int(r-'A')+10)
		} else {
			digits.WriteRune(r)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

var bicFormat = regexp.MustCompile(`^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$`)

// validBIC checks a BIC's shape: bank (4 letters), country (2 letters), location (2), optional branch (3).
func validBIC(s string) bool { return bicFormat.MatchString(s) }
