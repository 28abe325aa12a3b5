package bot

// SameEmail reports whether a and b are the same email address. Only ASCII
// letters are compared without regard to case: strings.EqualFold would also
// fold look-alikes such as the Kelvin sign U+212A into "k", so that
// "\u212aim@example.org" would pass for kim@example.org. An empty address
// is nobody's.
func SameEmail(a, b string) bool {
	if a == "" || len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if asciiLower(a[i]) != asciiLower(b[i]) {
			return false
		}
	}
	return true
}

// EmailKey is the address with its ASCII letters in lower case: two
// addresses have the same key exactly when SameEmail says they are the
// same. Use it for map keys.
func EmailKey(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = asciiLower(b[j])
			}
			return string(b)
		}
	}
	return s
}

func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
