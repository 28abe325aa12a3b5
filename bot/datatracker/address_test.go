package datatracker

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// addressCases are shared by the table test and the fuzz seed corpus.
var addressCases = []struct {
	name string
	in   string
	want []Address
}{
	// Real example strings from datatracker-api.md §5 (liaison 2106, 2162).
	{"real action holder", "Scott Mansfield <Scott.Mansfield@Ericsson.com>",
		[]Address{{"Scott Mansfield", "Scott.Mansfield@Ericsson.com"}}},
	{"real cc CRLF list", "The IESG <iesg@ietf.org>\r\nThe IETF Chair <chair@ietf.org>\r\n…",
		[]Address{{"The IESG", "iesg@ietf.org"}, {"The IETF Chair", "chair@ietf.org"}}},
	{"real response semicolons", "arnaud.taddei@broadcom.com; jiaxw9@chinaunicom.cn; …",
		[]Address{{"", "arnaud.taddei@broadcom.com"}, {"", "jiaxw9@chinaunicom.cn"}}},
	{"real technical bare", "arnaud.taddei@broadcom.com",
		[]Address{{"", "arnaud.taddei@broadcom.com"}}},
	{"real to comma list", "The IESG <iesg@ietf.org>, The IAB Chair <iab-chair@iab.org>",
		[]Address{{"The IESG", "iesg@ietf.org"}, {"The IAB Chair", "iab-chair@iab.org"}}},
	{"real from_contact bare", "tsbsg17@itu.int", []Address{{"", "tsbsg17@itu.int"}}},
	{"real from_contact mailbox", "Tao Wan <t.wan@cablelabs.com>", []Address{{"Tao Wan", "t.wan@cablelabs.com"}}},

	{"quoted name with comma", `"Doe, Jane" <jane@example.org>`, []Address{{"Doe, Jane", "jane@example.org"}}},
	{"quoted name with escaped quotes", `"Quoted \"Nick\" Name" <q@example.org>`,
		[]Address{{`Quoted "Nick" Name`, "q@example.org"}}},
	{"semicolon inside quotes", `"Team; Ops" <ops@example.org>; b@example.org`,
		[]Address{{"Team; Ops", "ops@example.org"}, {"", "b@example.org"}}},
	{"mixed quoted and plain", `Bob <bob@example.org>, "Carol, C." <carol@example.org>`,
		[]Address{{"Bob", "bob@example.org"}, {"Carol, C.", "carol@example.org"}}},
	{"duplicates case-insensitive", "a@example.org, A@Example.ORG; a@example.org",
		[]Address{{"", "a@example.org"}}},
	{"duplicate supplies the name", "a@example.org\nAlice <A@example.org>",
		[]Address{{"Alice", "a@example.org"}}},
	{"extra whitespace", "   Alice    Example   <  alice@example.org  >  ",
		[]Address{{"Alice Example", "alice@example.org"}}},
	{"tabs and empty entries", "\tz@example.org\t;\t;,, ;", []Address{{"", "z@example.org"}}},
	{"junk only", "The IESG, n/a, TBD, …", nil},
	{"empty", "", nil},
	{"LF list", "a@example.org\nb@example.org", []Address{{"", "a@example.org"}, {"", "b@example.org"}}},
	{"CRLF with blank lines", "a@example.org\r\n\r\n\r\nb@example.org",
		[]Address{{"", "a@example.org"}, {"", "b@example.org"}}},
	{"address then name in parens", "dave@example.org (Dave Example)", []Address{{"Dave Example", "dave@example.org"}}},
	{"name then address in parens", "Dave Example (dave@example.org)", []Address{{"Dave Example", "dave@example.org"}}},
	{"angle then comment", "<erin@example.org> (Erin)", []Address{{"Erin", "erin@example.org"}}},
	{"mailto", "Erin <mailto:erin@example.org>", []Address{{"Erin", "erin@example.org"}}},
	{"run together", "Frank <frank@example.org> Grace <grace@example.org>",
		[]Address{{"Frank", "frank@example.org"}, {"Grace", "grace@example.org"}}},
	{"space separated bare", "h1@example.org h2@example.org", []Address{{"", "h1@example.org"}, {"", "h2@example.org"}}},
	{"invalid addresses skipped", "foo@bar, @example.org, x@, a@@b.org, a@.org, a..b@example.org, ok@example.org",
		[]Address{{"", "ok@example.org"}}},
	{"RFC 2047 name", "=?UTF-8?Q?J=C3=BCrgen_Example?= <jurgen@example.org>",
		[]Address{{"Jürgen Example", "jurgen@example.org"}}},
	{"unicode name", "Åsa Exempel <asa@example.se>", []Address{{"Åsa Exempel", "asa@example.se"}}},
	{"unbalanced quote falls back", `"Unclosed <u@example.org>, v@example.org`,
		[]Address{{"Unclosed", "u@example.org"}, {"", "v@example.org"}}},
	{"unclosed angle", "Ann <ann@example.org", []Address{{"Ann", "ann@example.org"}}},
	{"name equal to address dropped", "w@example.org <w@example.org>", []Address{{"", "w@example.org"}}},
	{"single-quoted name", "'Zed Example' <zed@example.org>", []Address{{"Zed Example", "zed@example.org"}}},
	{"empty angle with bare after", "Nobody <>, real@example.org", []Address{{"", "real@example.org"}}},
	{"plus and subdomain", "List <ietf+liaison@lists.example.org>", []Address{{"List", "ietf+liaison@lists.example.org"}}},
}

func TestParseAddresses(t *testing.T) {
	for _, tt := range addressCases {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseAddresses(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseAddresses(%q)\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseAddress(t *testing.T) {
	a, ok := ParseAddress("Tao Wan <t.wan@cablelabs.com>, other@example.org")
	if !ok || a != (Address{"Tao Wan", "t.wan@cablelabs.com"}) {
		t.Errorf("ParseAddress = %v, %v", a, ok)
	}
	if a, ok := ParseAddress("nobody"); ok || !a.IsZero() {
		t.Errorf("ParseAddress(nobody) = %v, %v", a, ok)
	}
}

func TestAddress_String(t *testing.T) {
	tests := []struct {
		a    Address
		want string
	}{
		{Address{"Tao Wan", "t.wan@cablelabs.com"}, "Tao Wan <t.wan@cablelabs.com>"},
		{Address{"", "tsbsg17@itu.int"}, "tsbsg17@itu.int"},
		{Address{"Doe, Jane", "jane@example.org"}, `"Doe, Jane" <jane@example.org>`},
		{Address{`Say "hi"`, "h@example.org"}, `"Say \"hi\"" <h@example.org>`},
		{Address{}, ""},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.a, got, tt.want)
		}
		if tt.a.Email != "" { // String output parses back
			if back, ok := ParseAddress(tt.a.String()); !ok || back != tt.a {
				t.Errorf("round trip of %#v = %#v", tt.a, back)
			}
		}
	}
}

func FuzzParseAddresses(f *testing.F) {
	for _, tt := range addressCases {
		f.Add(tt.in)
	}
	f.Add("\"\\")
	f.Add("<<<>>>,,;;\"\"")
	f.Add("a@b.c (d (e) f) <g@h.i>")
	f.Fuzz(func(t *testing.T, s string) {
		got := ParseAddresses(s)
		seen := map[string]bool{}
		for _, a := range got {
			if !validEmail(a.Email) {
				t.Fatalf("ParseAddresses(%q) returned invalid address %q", s, a.Email)
			}
			key := strings.ToLower(a.Email)
			if seen[key] {
				t.Fatalf("ParseAddresses(%q) returned %q twice", s, a.Email)
			}
			seen[key] = true
			if a.Name != strings.TrimSpace(a.Name) || (utf8.ValidString(s) && !utf8.ValidString(a.Name)) {
				t.Fatalf("ParseAddresses(%q) returned untidy name %q", s, a.Name)
			}
		}
		if again := ParseAddresses(s); !reflect.DeepEqual(got, again) {
			t.Fatalf("ParseAddresses(%q) not deterministic", s)
		}
	})
}
