package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// searchCorpus is real-looking text: Datatracker group names, addresses,
// document names, Unicode names with diacritics, numbers.
var searchCorpus = []struct{ title, body, ids string }{
	{"Reply on YANG models for optical transport", "ITU-T SG15 thanks the IETF CCAMP working group for draft-ietf-ccamp-otn-yang.", "COM15-LS123"},
	{"LS on network slicing", "3GPP SA5 asks about IETF network slices (RFC 9543); contact José Núñez <jose.nunez@example.org>.", "S5-241234"},
	{"Liaison to ETSI ISG NFV on YANG", "Zoë Øyen and François Müller review the NETCONF/RESTCONF work.", ""},
	{"Time-sensitive networking", "IEEE 802.1 TSN and DetNet: deterministic networking over Wi-Fi 7.", "liaison-ieee8021-2026-04"},
	{"Über die Zusammenarbeit", "Straße, Grüße: ÄÖÜ äöü — naïve café résumé.", "DIN-42"},
	{"国际电信联盟 liaison", "第15研究组 关于 光传输网 YANG 模型", "ITU-T-中文-7"},
	{"Response to IAB on MoQ", "The W3C WebTransport WG and the IETF moq WG coordinate; see https://datatracker.ietf.org/wg/moq/.", "W3C-2026-001"},
}

var searchQueries = []string{
	"yang", "YANG models", "sg15", "sg-15", "SG15", "ccamp", "draft-ietf-ccamp-otn-yang", "draft-ietf",
	"jose.nunez@example.org", "jose", "nunez", "Núñez", "NUNEZ", "example.org", "9543", "rfc 9543",
	"zoe", "Zoë", "oyen", "francois", "muller", "müller", "netconf/restconf", "restconf",
	"tsn", "802.1", "wi-fi", "detnet deterministic", "strasse", "straße", "grüße", "grusse", "cafe", "résumé", "naive",
	"国际电信联盟", "yang 模型", "moq", "webtransport", "datatracker.ietf.org", "w3c-2026", "S5-2412", "liaison",
	"nothing-like-this", "über", "uber", "ä",
}

func TestSearch_SameOnBothStores(t *testing.T) {
	if onPostgres() {
		t.Skip("runs in the SQLite run, against both stores at once")
	}
	lite := MustOpenDB(t)
	pg := mustOpenReplicas(t, 1)[0]
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for _, db := range []*DB{lite, pg} {
		d := MustSeed(t, db)
		org := d.OrgByAcronym("3GPP")
		for i, c := range searchCorpus {
			s := newTestStatement(i+1, org)
			s.Title, s.Body, s.Identifiers = c.title, c.body, c.ids
			mustCreate(t, db, s, now)
		}
	}
	ctx := context.Background()
	found := 0
	for _, q := range searchQueries {
		titles := func(db *DB) []string {
			ss, _, err := db.SearchStatements(ctx, q, 1, 50)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			var out []string
			for _, s := range ss {
				out = append(out, s.Title)
			}
			slices.Sort(out)
			return out
		}
		a, b := titles(lite), titles(pg)
		if !slices.Equal(a, b) {
			t.Errorf("search %q:\n  SQLite     %q\n  PostgreSQL %q", q, a, b)
		}
		if len(a) > 0 {
			found++
		}
		// The list's word filter (the board's search) agrees as well.
		la, _, err := lite.ListStatements(ctx, bot.ListQuery{Filter: bot.ListAll, Words: q, PageSize: 50})
		if err != nil {
			t.Fatal(err)
		}
		lb, _, err := pg.ListStatements(ctx, bot.ListQuery{Filter: bot.ListAll, Words: q, PageSize: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(la) != len(lb) {
			t.Errorf("list words=%q: SQLite %d, PostgreSQL %d", q, len(la), len(lb))
		}
	}
	t.Logf("%d of %d searches found statements, the same on both stores", found, len(searchQueries))
	if found < len(searchQueries)-5 {
		t.Errorf("only %d of %d searches found anything: the corpus does not test much", found, len(searchQueries))
	}
}
