package bot

import (
	"fmt"
	"strings"
	"testing"
)

func fixtureOrgs() []*Organization {
	mk := func(acr, name string, aliases ...string) *Organization {
		return &Organization{Acronym: acr, Name: name, Aliases: aliases}
	}
	return []*Organization{
		mk("3GPP", "3rd Generation Partnership Project", "Third Generation Partnership Project"),
		mk("3GPP2", "3rd Generation Partnership Project 2"),
		mk("3GPP-TSGSA", "3GPP TSG SA"),
		mk("BBF", "Broadband Forum", "DSL Forum", "broadband-forum"),
		mk("CableLabs", "Cable Television Laboratories"),
		mk("ITU-T", "ITU Telecommunication Standardization Sector", "International Telecommunication Union"),
		mk("ITU-R", "ITU Radiocommunication Sector"),
		mk("ITU-T SG15", "ITU-T Study Group 15", "itu-t-sg-15"),
		mk("IEEE 802", "IEEE 802 LAN/MAN Standards Committee"),
		mk("IEEE 802.1", "IEEE 802.1 Working Group", "ieee-802-1"),
		mk("IEEE 802.3", "IEEE 802.3 Ethernet Working Group"),
		mk("IEEE 802.11", "IEEE 802.11 Wireless LAN Working Group"),
		mk("W3C", "World Wide Web Consortium"),
		mk("Unicode", "Unicode Consortium"),
		mk("ISO/IEC JTC 1", "Joint Technical Committee 1 of ISO and IEC", "JTC1"),
		mk("Ecma TC39", "Ecma International Technical Committee 39", "TC39", "ECMAScript"),
		mk("ICANN Board", "ICANN Board of Directors"),
		mk("ICANN NomCom", "ICANN Nominating Committee"),
		mk("ICANN RSSAC", "ICANN Root Server System Advisory Committee"),
		mk("M3AAWG", "Messaging, Malware and Mobile Anti-Abuse Working Group", "MAAWG"),
		mk("ETSI", "European Telecommunications Standards Institute"),
		mk("MEF", "MEF Forum", "Metro Ethernet Forum"),
		mk("OMA", "Open Mobile Alliance"),
	}
}

func TestMatcher_Queries(t *testing.T) {
	m := NewMatcher(fixtureOrgs())
	type want struct {
		org        string   // the single organization meant ("" for none)
		exact      bool     // matched exactly
		candidates []string // when ambiguous: these must all be offered
	}
	cases := []struct {
		q    string
		want want
	}{
		// acronyms, any case and punctuation
		{"3gpp", want{org: "3GPP", exact: true}},
		{"3GPP", want{org: "3GPP", exact: true}},
		{" 3 G P P ", want{org: "3GPP", exact: true}},
		{"3gpp2", want{org: "3GPP2", exact: true}},
		{"ITU-T", want{org: "ITU-T", exact: true}},
		{"itu-t", want{org: "ITU-T", exact: true}},
		{"ITU T", want{org: "ITU-T", exact: true}},
		{"itut", want{org: "ITU-T", exact: true}},
		{"ITU_T", want{org: "ITU-T", exact: true}},
		{"itu-r", want{org: "ITU-R", exact: true}},
		{"IEEE802.1", want{org: "IEEE 802.1", exact: true}},
		{"ieee 802.1", want{org: "IEEE 802.1", exact: true}},
		{"ieee-802-1", want{org: "IEEE 802.1", exact: true}},
		{"IEEE 802", want{org: "IEEE 802", exact: true}},
		{"ieee802.11", want{org: "IEEE 802.11", exact: true}},
		{"BBF", want{org: "BBF", exact: true}},
		{"bbf", want{org: "BBF", exact: true}},
		{"w3c", want{org: "W3C", exact: true}},
		{"W3C", want{org: "W3C", exact: true}},
		// full names and aliases
		{"broadband forum", want{org: "BBF", exact: true}},
		{"Broadband-Forum", want{org: "BBF", exact: true}},
		{"DSL Forum", want{org: "BBF", exact: true}},
		{"world wide web consortium", want{org: "W3C", exact: true}},
		{"International Telecommunication Union", want{org: "ITU-T", exact: true}},
		{"Third Generation Partnership Project", want{org: "3GPP", exact: true}},
		{"jtc1", want{org: "ISO/IEC JTC 1", exact: true}},
		{"JTC 1", want{org: "ISO/IEC JTC 1", exact: true}},
		{"tc39", want{org: "Ecma TC39", exact: true}},
		{"maawg", want{org: "M3AAWG", exact: true}},
		{"Metro Ethernet Forum", want{org: "MEF", exact: true}},
		{"unicode consortium", want{org: "Unicode", exact: true}},
		// small typos and prefixes
		{"3gp", want{org: "3GPP"}},
		{"cablelab", want{org: "CableLabs"}},
		{"cabelabs", want{org: "CableLabs"}},
		{"cablelbas", want{org: "CableLabs"}},
		{"w3", want{org: "W3C"}},
		{"unicod", want{org: "Unicode"}},
		{"brodband forum", want{org: "BBF"}},
		{"m3awg", want{org: "M3AAWG"}},
		{"etsii", want{org: "ETSI"}},
		{"Unicode Consortum", want{org: "Unicode"}},
		{"ecmascript", want{org: "Ecma TC39", exact: true}},
		// ambiguous
		{"itu", want{candidates: []string{"ITU-T", "ITU-R"}}},
		{"icann", want{candidates: []string{"ICANN Board", "ICANN NomCom", "ICANN RSSAC"}}},
		{"ieee 802.", want{org: "IEEE 802", exact: true}},
		{"ieee80", want{org: "IEEE 802"}},
		// nothing
		{"ietf", want{}},
		{"zzzz", want{}},
		{"acme standards body", want{}},
		{"", want{}},
		{"!!!", want{}},
		{"'; DROP TABLE organizations; --", want{}},
		{strings.Repeat("x", 10000), want{}},
		{"\x00\x01\x02", want{}},
		{"\xff\xfe3gpp", want{org: "3GPP", exact: true}},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		name := tc.q
		if len(name) > 30 {
			name = name[:30]
		}
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			res := m.Match(tc.q)
			got := ""
			if res.Org != nil {
				got = res.Org.Acronym
			}
			if got != tc.want.org {
				var c []string
				for _, x := range res.Candidates {
					c = append(c, fmt.Sprintf("%s(%.1f)", x.Org.Acronym, x.Score))
				}
				t.Fatalf("Match(%q) = %q, candidates %v; want %q", tc.q, got, c, tc.want.org)
			}
			if res.Org != nil && res.Exact != tc.want.exact {
				t.Errorf("Exact = %v, want %v", res.Exact, tc.want.exact)
			}
			if res.Org != nil && len(res.Candidates) > 0 {
				t.Errorf("a clear match also lists candidates: %v", res.Candidates)
			}
			for _, w := range tc.want.candidates {
				found := false
				for _, c := range res.Candidates {
					if c.Org.Acronym == w {
						found = true
					}
				}
				if !found {
					t.Errorf("candidates %v lack %q", res.Candidates, w)
				}
			}
			if tc.want.org == "" && len(tc.want.candidates) == 0 && len(res.Candidates) > 0 {
				t.Errorf("expected no match, got candidates %v", res.Candidates)
			}
			if len(res.Candidates) > maxCandidates {
				t.Errorf("%d candidates, want at most %d", len(res.Candidates), maxCandidates)
			}
		})
	}
}

func TestNormalizeKey(t *testing.T) {
	for in, want := range map[string]string{
		"ITU-T":         "itut",
		"IEEE 802.1":    "ieee8021",
		"Fältström":     "fältström",
		"  3GPP\t":      "3gpp",
		"ISO/IEC JTC 1": "isoiecjtc1",
		"":              "",
	} {
		if got := NormalizeKey(in); got != want {
			t.Errorf("NormalizeKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBoundedDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		max  int
		want int
	}{
		{"cablelabs", "cablelabs", 2, 0},
		{"cablelab", "cablelabs", 2, 1},
		{"cabelabs", "cablelabs", 2, 1},  // transposition
		{"cablelbas", "cablelabs", 2, 1}, // transposition
		{"3gp", "3gpp", 1, 1},
		{"abc", "xyz", 1, 2}, // max+1 when over
		{"a", "abcdef", 2, 3},
		{"", "ab", 2, 2},
	} {
		if got := boundedDistance(tc.a, tc.b, tc.max); got != tc.want {
			t.Errorf("boundedDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
		}
	}
}
