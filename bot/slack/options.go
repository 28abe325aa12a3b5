package slack

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

// maxOptionsBytes keeps an options answer well under Socket Mode's 20 KB
// acknowledgement limit.
const maxOptionsBytes = 16 * 1024

// orgOptions are the organizations offered for what the user typed: the
// directory matcher's answer first, then the organizations whose acronym,
// name or alias starts with the query, then those that contain it. An
// empty query lists every organization by acronym.
func orgOptions(d *bot.Directory, query string) []*slack.OptionBlockObject {
	q := bot.NormalizeKey(query)
	var first []*slack.OptionBlockObject
	// A sub-body as written (ITU-T-SG-5, ITU-T SG15 Question 6): offered
	// under its own name, through the organization that handles it.
	if r := d.ResolveOrg(query); r.Org != nil && r.SubBody && len(r.Group) <= maxOptionValue {
		first = append(first, option(r.Group, r.Group+" (through "+r.Org.Acronym+")"))
	}
	var picked []*bot.Organization
	seen := map[*bot.Organization]bool{}
	pick := func(o *bot.Organization) {
		if o != nil && !seen[o] && o.Acronym != "" && len(o.Acronym) <= maxOptionValue {
			seen[o] = true
			picked = append(picked, o)
		}
	}
	orgs := append([]*bot.Organization(nil), d.Orgs...)
	sort.SliceStable(orgs, func(i, j int) bool { return strings.ToLower(orgs[i].Acronym) < strings.ToLower(orgs[j].Acronym) })
	if q != "" {
		m := d.Matcher().Match(query)
		pick(m.Org)
		for _, c := range m.Candidates {
			pick(c.Org)
		}
		for _, pass := range []func(string) bool{
			func(k string) bool { return strings.HasPrefix(k, q) },
			func(k string) bool { return strings.Contains(k, q) },
		} {
			for _, o := range orgs {
				if matchesAny(o, pass) {
					pick(o)
				}
			}
		}
	} else {
		for _, o := range orgs {
			pick(o)
		}
	}
	out := append([]*slack.OptionBlockObject{}, first...)
	size := 0
	for _, o := range picked {
		if len(out) == maxOptions {
			break
		}
		opt := option(o.Acronym, o.Label())
		b, _ := json.Marshal(opt)
		if size+len(b)+1 > maxOptionsBytes {
			break
		}
		size += len(b) + 1
		out = append(out, opt)
	}
	return out
}

// matchesAny applies a test to the organization's normalised keys.
func matchesAny(o *bot.Organization, test func(string) bool) bool {
	if test(bot.NormalizeKey(o.Acronym)) || test(bot.NormalizeKey(o.Name)) {
		return true
	}
	for _, a := range o.Aliases {
		if test(bot.NormalizeKey(a)) {
			return true
		}
	}
	return false
}

// groupOptions are the IETF groups offered for what the user typed: the
// group the query names (an acronym, a full name, "X WG"), then those
// whose acronym or name starts with it, then those that contain it; a
// concluded group is marked so. Before the first directory sync, the
// query itself when it has an acronym's shape, and IETF, IAB, IESG.
func groupOptions(gs *bot.IETFGroups, query string) []*slack.OptionBlockObject {
	q := bot.NormalizeKey(query)
	out := []*slack.OptionBlockObject{}
	seen := map[string]bool{}
	add := func(g bot.IETFGroup) {
		k := strings.ToLower(g.Acronym)
		if seen[k] || len(out) == maxOptions || len(g.Display()) > maxOptionValue {
			return
		}
		seen[k] = true
		label := g.Display()
		if g.Name != "" && !strings.EqualFold(g.Name, g.Acronym) {
			label += " — " + g.Name
		}
		if g.Concluded() {
			label += " (concluded)"
		}
		out = append(out, option(g.Display(), label))
	}
	if g, ok := gs.Resolve(query); ok && q != "" {
		add(g)
	}
	list := []bot.IETFGroup{{Acronym: "ietf", Type: "ietf"}, {Acronym: "iab", Type: "iab"}, {Acronym: "iesg", Type: "iesg"}}
	if gs != nil {
		list = append(list, gs.List...)
	}
	for _, pass := range []func(string) bool{
		func(k string) bool { return q == "" || strings.HasPrefix(k, q) },
		func(k string) bool { return strings.Contains(k, q) },
	} {
		for _, g := range list {
			if pass(bot.NormalizeKey(g.Acronym)) || pass(bot.NormalizeKey(g.Name)) {
				add(g)
			}
		}
	}
	return out
}
