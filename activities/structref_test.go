package activities

import "testing"

func TestStructuredRef(t *testing.T) {
	for _, tc := range []struct {
		in                string
		digits            string
		structured, valid bool
	}{
		{"+++123/4567/89002+++", "123456789002", true, true},
		{"***123/4567/89002***", "123456789002", true, true},
		{"  +++ 123/4567/89002 +++ ", "123456789002", true, true},
		{"123/4567/89002", "123456789002", true, true},
		{"123456789002", "123456789002", true, true},
		{"+++090/9337/55493+++", "090933755493", true, true},
		{"+++970/0000/00097+++", "970000000097", true, true}, // 9700000000 mod 97 = 0: check digits 97
		{"+++000/0000/00101+++", "000000000101", true, true},
		{"+++123/4567/89003+++", "123456789003", true, false}, // wrong check digits
		{"123456789003", "123456789003", true, false},
		{"+++970/0000/00000+++", "970000000000", true, false}, // 0 is written 97
		{"+++123/4567/8900+++", "", true, false},              // 11 digits
		{"+++123/4567/89002", "", true, false},                // not closed
		{"+++123/4567/89002***", "", true, false},             // mixed markers
		{"+++abc/defg/hijkl+++", "", true, false},
		{"12/34567/89002", "", false, false}, // grouped wrongly: not the Belgian shape
		{"1234567890021", "", false, false},  // 13 digits
		{"1234 5678 9012 3456", "", false, false},
		{"7000123456789012", "", false, false}, // Dutch betalingskenmerk
		{"RF18539007547034", "", false, false},
		{"INV/2026/00005", "", false, false},
		{"", "", false, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			digits, structured, valid := belgianStructuredRef(tc.in)
			if digits != tc.digits || structured != tc.structured || valid != tc.valid {
				t.Errorf("belgianStructuredRef(%q) = %q, %v, %v; want %q, %v, %v",
					tc.in, digits, structured, valid, tc.digits, tc.structured, tc.valid)
			}
		})
	}
}
