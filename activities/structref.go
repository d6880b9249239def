package activities

import "strings"

// belgianStructuredRef reads a Belgian structured communication (gestructureerde mededeling, OGM/VCS): 12
// digits whose last two are the first ten modulo 97 (97 when that is 0), written +++123/4567/89002+++,
// ***123/4567/89002***, 123/4567/89002 or as the bare 12 digits.
//
// structured reports whether s has that shape, or is wrapped in +++ or *** (someone meant one); digits are then
// its 12 digits, and valid whether the check digits are right. Anything else is not structured: a Dutch
// betalingskenmerk (16 digits), an RF creditor reference, free text.
func belgianStructuredRef(s string) (digits string, structured, valid bool) {
	s = strings.TrimSpace(s)
	body, wrapped := s, false
	for _, mark := range []string{"+++", "***"} {
		if strings.HasPrefix(s, mark) {
			body, wrapped = strings.TrimSuffix(strings.TrimPrefix(s, mark), mark), true
			if len(body) == len(s)-len(mark) { // opened without closing
				return "", true, false
			}
			break
		}
	}
	body = strings.TrimSpace(body)
	var b strings.Builder
	slashes := []int{}
	for i, r := range body {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '/':
			slashes = append(slashes, i)
		case r == ' ' && wrapped: // "+++ 123/4567/89002 +++" as some invoices print it
		default:
			return "", wrapped, false
		}
	}
	digits = b.String()
	shaped := len(digits) == 12
	if len(slashes) > 0 { // grouped 3/4/5
		shaped = shaped && len(slashes) == 2 && digitCount(body[:slashes[0]]) == 3 &&
			digitCount(body[slashes[0]:slashes[1]]) == 4
	}
	if !shaped {
		return "", wrapped, false
	}
	return digits, true, mod97Check(digits)
}

// digitCount counts the ASCII digits in s.
func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// mod97Check reports whether the 12 digits end with the first ten modulo 97 (97 for 0).
func mod97Check(digits string) bool {
	var rest uint64
	for _, r := range digits[:10] {
		rest = (rest*10 + uint64(r-'0')) % 97
	}
	if rest == 0 {
		rest = 97
	}
	return uint64(digits[10]-'0')*10+uint64(digits[11]-'0') == rest
}
