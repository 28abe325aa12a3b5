package bot

import (
	"strings"
	"unicode"
)

// OrgRef is what a name of another organization's body resolves to: the
// directory's organization, and the body's name as the statement keeps it.
type OrgRef struct {
	// Org is the directory's organization: the body itself when the
	// directory lists it, else the nearest parent it lists (ITU-T for
	// "ITU-T-SG-5"). Nil when nothing matched or the name is ambiguous.
	Org *Organization
	// Group is the body's name for the statement: the organization's
	// acronym when the directory lists the body, else the sub-body's name
	// ("ITU-T SG5", "ITU-T SG15 Question 6").
	Group string
	// SubBody is true when the body is not in the directory and Org is
	// its parent.
	SubBody bool
	// Guess is true when the name matched only by the matcher's tolerance
	// of typos and prefixes ("3gp").
	Guess bool
	// Candidates are the organizations an unclear name could be, best
	// first, when Org is nil.
	Candidates []Candidate
}

// ResolveOrg is the one resolver for names of other organizations' bodies,
// as the Datatracker writes them (3GPP-TSG-SA-WG3, 3gpp-tsgct-ct4,
// ITU-T-SG-15, IEEE-802-1, BROADBAND-FORUM) and as people write them
// (ITU-T SG15 Question 6, ITU-T Study Group 15 (Q14/15), 3GPP TSG SA):
//
//  1. an acronym, name or alias of the directory, ignoring case, spaces and
//     punctuation;
//  2. the same after the usual rewrites: "Study Group" is SG, "Focus
//     Group" FG, "Question" Q, 3GPP's "TSG" is dropped ("TSGCT" is CT,
//     "SA WG3" and "TSGSA-SA3" are SA3);
//  3. the longest leading part of the name that the directory lists: the
//     rest names a sub-body it does not (ITU-T SG5 is ITU-T's, Question 6
//     of SG15 is SG15's), and the statement keeps the sub-body's name;
//  4. otherwise the matcher's typo-tolerant guess, or its candidates.
func (d *Directory) ResolveOrg(name string) OrgRef {
	name = strings.Join(strings.Fields(StripInvisible(name)), " ")
	if name == "" {
		return OrgRef{}
	}
	m := d.Matcher()
	exact := func(key string) *Organization {
		if orgs := m.exact[key]; len(orgs) == 1 {
			return orgs[0]
		}
		return nil
	}
	if o := exact(NormalizeKey(name)); o != nil {
		return OrgRef{Org: o, Group: o.Acronym}
	}
	toks := bodyTokens(name)
	if o := exact(strings.Join(toks, "")); o != nil {
		return OrgRef{Org: o, Group: o.Acronym}
	}
	for k := len(toks) - 1; k >= 1; k-- {
		if o := exact(strings.Join(toks[:k], "")); o != nil {
			return OrgRef{Org: o, Group: subBodyName(name, o, toks[k:]), SubBody: true}
		}
	}
	r := m.Match(name)
	if r.Org != nil {
		return OrgRef{Org: r.Org, Group: r.Org.Acronym, Guess: !r.Exact}
	}
	return OrgRef{Candidates: r.Candidates}
}

// bodyTokens splits a body's name into lower-case words with the rewrites
// of ResolveOrg applied.
func bodyTokens(s string) []string {
	var raw []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		raw = append(raw, NormalizeKey(f))
	}
	var out []string
	for i := 0; i < len(raw); i++ {
		t := raw[i]
		next := ""
		if i+1 < len(raw) {
			next = raw[i+1]
		}
		switch {
		case t == "study" && next == "group":
			t, i = "sg", i+1
		case t == "focus" && next == "group":
			t, i = "fg", i+1
		case t == "working" && next == "group":
			t, i = "wg", i+1
		case t == "question":
			t = "q"
		case t == "tsg":
			continue
		case strings.HasPrefix(t, "tsg") && len(t) > 3:
			t = t[3:]
		}
		// "SA WG3" is SA3; "CT CT4" is CT4.
		if n := len(out); n > 0 {
			prev := out[n-1]
			if prev == "sa" || prev == "ct" || prev == "ran" || prev == "t" {
				switch {
				case strings.HasPrefix(t, "wg") && len(t) > 2 && isDigits(t[2:]):
					out[n-1] = prev + t[2:]
					continue
				case strings.HasPrefix(t, prev) && len(t) > len(prev) && isDigits(t[len(prev):]):
					out[n-1] = t
					continue
				}
			}
		}
		out = append(out, t)
	}
	return out
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// subBodyName is the name a statement keeps for a sub-body of o the
// directory does not list: as written when a person wrote it with spaces,
// else (a Datatracker acronym such as ITU-T-SG-5) o's acronym and the
// rest in capitals ("ITU-T SG5", "ITU-T FG-IMT-2020").
func subBodyName(written string, o *Organization, rest []string) string {
	if strings.Contains(written, " ") {
		return written
	}
	var parts []string
	for i := 0; i < len(rest); i++ {
		t := strings.ToUpper(rest[i])
		if (t == "SG" || t == "FG" || t == "WG" || t == "Q") && i+1 < len(rest) && isDigits(rest[i+1]) {
			t += rest[i+1]
			i++
		}
		parts = append(parts, t)
	}
	return o.Acronym + " " + strings.Join(parts, "-")
}
