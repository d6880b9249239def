package odootest

import (
	"math/big"
	"strconv"
	"strings"
)

// withIBANCheckDigits returns iban with its two check digits recomputed (ISO 13616 mod 97), keeping the
// spacing, so the demo's bank accounts are real-looking IBANs that Exact accepts.
func withIBANCheckDigits(iban string) string {
	compact := strings.ReplaceAll(iban, " ", "")
	if len(compact) < 5 {
		return iban
	}
	var digits strings.Builder
	for _, r := range compact[4:] + compact[:2] + "00" {
		switch {
		case r >= 'A' && r <= 'Z':
			digits.WriteString(strconv.Itoa(int(r-'A') + 10))
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		default:
			return iban
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok {
		return iban
	}
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	cd := strconv.FormatInt(check, 10)
	if check < 10 {
		cd = "0" + cd
	}
	return iban[:2] + cd + iban[4:]
}
