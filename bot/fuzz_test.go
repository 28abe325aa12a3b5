package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseInline(f *testing.F) {
	for _, s := range []string{
		`to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="Reply on YANG models" body="..."`,
		"to: ITU-T SG15\nfrom: ccamp\ntitle: On OTN\nbody: First line\nsecond line\npurpose: info",
		`title="unterminated`, `=value`, `key=`, `titel=oops`, `"quoted bare" words`, `body="a\"b\nc"`,
		"from:\n:\n\x00=\xff", `cc=a@example.org cc=b@example.org`, "broadband forum",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ParseInline(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseInline(%q): error code %q", s, ErrorCode(err))
			}
			return
		}
		for k := range in.Values {
			if FormFieldByKey(k) == nil {
				t.Fatalf("ParseInline(%q) set unknown field %q", s, k)
			}
		}
		// Whatever it parsed, validation answers without panicking.
		v := map[string]string{}
		for k, x := range in.Values {
			v[k] = x
		}
		InferDirection(v, in.From, in.To, &Directory{Orgs: fixtureOrgs()})
		ValidateForm(v, FormEnv{Today: Date{2026, 11, 26}, Dir: &Directory{Orgs: fixtureOrgs()}})
	})
}

func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{`a "b c" d`, `k="v w"`, `don't stop`, `“curly quotes”`, `"\n\t\\"`, `'`, `"`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words := SplitWords(s)
		for _, w := range words {
			if w == "" && !strings.ContainsAny(s, `"'“”`) {
				t.Fatalf("SplitWords(%q) returned an empty word without quotes", s)
			}
		}
		if utf8.ValidString(s) {
			for _, w := range words {
				if !utf8.ValidString(w) {
					t.Fatalf("SplitWords(%q) made invalid UTF-8 %q", s, w)
				}
			}
		}
	})
}

func FuzzMatch(f *testing.F) {
	m := NewMatcher(fixtureOrgs())
	for _, s := range []string{"3gpp", "ITU T", "cablelab", "", "\xff", strings.Repeat("a", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := m.Match(s)
		if r.Org != nil && len(r.Candidates) > 0 {
			t.Fatalf("Match(%q): both a match and candidates", s)
		}
	})
}
