package bot

import (
	"errors"
	"testing"
)

func TestParseAddressList_RealShapes(t *testing.T) {
	a := func(name, addr string) Address { return Address{Name: name, Addr: addr} }
	tests := []struct {
		in   string
		want AddressList
	}{
		{"Jane Doe <jane@example.org>", AddressList{a("Jane Doe", "jane@example.org")}},
		{"jane@example.org", AddressList{a("", "jane@example.org")}},
		{"Jane Doe <jane@example.org>, bob@example.org", AddressList{a("Jane Doe", "jane@example.org"), a("", "bob@example.org")}},
		// The Datatracker's Cc help: one on each line.
		{"Scott Mansfield <scott.mansfield@ericsson.com>\nDeborah Brungard <db3546@att.com>\r\n",
			AddressList{a("Scott Mansfield", "scott.mansfield@ericsson.com"), a("Deborah Brungard", "db3546@att.com")}},
		{"Georg Mayer <georg.mayer.huawei@gmx.com>; 3GPP SA2 Chair <3GPPLiaison@etsi.org>",
			AddressList{a("Georg Mayer", "georg.mayer.huawei@gmx.com"), a("3GPP SA2 Chair", "3GPPLiaison@etsi.org")}},
		// Roles and lists without an address are kept.
		{"The IETF Chair <chair@ietf.org>, IESG, The IAB Chair",
			AddressList{a("The IETF Chair", "chair@ietf.org"), a("IESG", ""), a("The IAB Chair", "")}},
		{"The IETF Chair", AddressList{a("The IETF Chair", "")}},
		// Old records: bare names, and names followed by a bare address.
		{"Hui-Lan Lu", AddressList{a("Hui-Lan Lu", "")}},
		{"Jane Doe jane@example.org", AddressList{a("Jane Doe", "jane@example.org")}},
		// Spaces only between addresses.
		{"jane@example.org bob@example.org  carol@example.net",
			AddressList{a("", "jane@example.org"), a("", "bob@example.org"), a("", "carol@example.net")}},
		{"Jane Doe <jane@example.org> Bob Roe <bob@example.org>",
			AddressList{a("Jane Doe", "jane@example.org"), a("Bob Roe", "bob@example.org")}},
		// Quoted names may hold the separators.
		{`"Doe, Jane" <jane@example.org>, "Roe; Bob (ITU-T SG15)" <bob@example.org>`,
			AddressList{a("Doe, Jane", "jane@example.org"), a("Roe; Bob (ITU-T SG15)", "bob@example.org")}},
		{"bob@example.org (Bob Roe)", AddressList{a("Bob Roe", "bob@example.org")}},
		// Unicode names, as written and as encoded words.
		{"Jürgen Schönwälder <j.schoenwaelder@jacobs-university.de>, 王伟 <wang.wei@example.cn>",
			AddressList{a("Jürgen Schönwälder", "j.schoenwaelder@jacobs-university.de"), a("王伟", "wang.wei@example.cn")}},
		{"=?UTF-8?Q?J=C3=BCrgen?= <j@example.org>", AddressList{a("Jürgen", "j@example.org")}},
		{"mailto:liaisons@ietf.org", AddressList{a("", "liaisons@ietf.org")}},
		{" , ;\n", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got, err := ParseAddressList(tt.in)
		if err != nil {
			t.Errorf("ParseAddressList(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseAddressList(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
		back, err := ParseAddressList(got.String())
		if err != nil || !back.Equal(got) {
			t.Errorf("round trip of %q: String() = %q reads back as %#v, %v", tt.in, got.String(), back, err)
		}
	}
}

func TestParseAddressList_RefusesBrokenAddresses(t *testing.T) {
	for _, in := range []string{
		"Jane <jane@>",
		"jane@example.org, bob@",
		"Jane <jane@example.org",
		`"Jane <jane@example.org>`,
		"Jane <not an address>",
		"a@b@c.org",
	} {
		_, err := ParseAddressList(in)
		var ae *AddressError
		if !errors.As(err, &ae) {
			t.Errorf("ParseAddressList(%q) = %v, want an *AddressError", in, err)
		}
	}
}

func TestAddressList_MailboxesNeverNameOnly(t *testing.T) {
	l := MustParseAddressList("IESG, Jane Doe <jane@example.org>, The IETF Chair, bob@example.org")
	got := l.Mailboxes()
	if len(got) != 2 || got[0].Addr != "jane@example.org" || got[1].Addr != "bob@example.org" {
		t.Fatalf("Mailboxes() = %#v", got)
	}
	if addrs := l.Addrs(); len(addrs) != 2 || addrs[0] != "jane@example.org" {
		t.Fatalf("Addrs() = %v", addrs)
	}
	if s := l.String(); s != "IESG, Jane Doe <jane@example.org>, The IETF Chair, bob@example.org" {
		t.Fatalf("String() = %q", s)
	}
}

func TestAddress_StringQuotesSeparators(t *testing.T) {
	for _, tt := range []struct {
		a    Address
		want string
	}{
		{Address{"Doe, Jane", "jane@example.org"}, `"Doe, Jane" <jane@example.org>`},
		{Address{`The "liaison" desk`, ""}, `"The \"liaison\" desk"`},
		{Address{"", "jane@example.org"}, "jane@example.org"},
		{Address{"IESG", ""}, "IESG"},
	} {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.a, got, tt.want)
		}
		back := MustParseAddressList(tt.a.String())
		if len(back) != 1 || back[0] != tt.a {
			t.Errorf("%q reads back as %#v", tt.a.String(), back)
		}
	}
}

// FuzzParseAddressList: whatever is read prints back to the same list.
func FuzzParseAddressList(f *testing.F) {
	for _, s := range []string{"Jane Doe <jane@example.org>, IESG", `"Doe, Jane" <j@x.org>; b@y.org (Bob)`, "a@b.org c@d.org", "王伟 <w@example.cn>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseAddressList(s)
		if err != nil {
			return
		}
		back, err := ParseAddressList(l.String())
		if err != nil || !back.Equal(l) {
			t.Fatalf("%q: %#v prints as %q, reads back as %#v, %v", s, l, l.String(), back, err)
		}
	})
}
