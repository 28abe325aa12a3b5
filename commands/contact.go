package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func contactCommand() *Definition {
	return &Definition{
		Name:    "contact",
		Aliases: []string{"find", "who"},
		Usage:   "contact <organization>",
		Summary: "whom to contact about a liaison with an organization, in both directions",
		Help: "Names the IETF liaison manager(s), the organization's own contact point, what to do when " +
			"sending to it and when receiving from it, and where each fact comes from. Acronyms, names, " +
			"aliases and small typos all work.",
		Examples: []string{"contact 3gpp", "who ITU-T", "find broadband forum"},
		Run:      runContact,
		Quick:    always,
	}
}

func runContact(ctx context.Context, c *Call) (*bot.Response, error) {
	q := strings.TrimSpace(c.Args)
	if q == "" {
		return nil, c.usageError("Which organization?")
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	r := d.ResolveOrg(q)
	switch {
	case r.Org != nil && r.SubBody:
		m := ContactMessage(d, r.Org, c.now(), echo(q), false)
		note := bot.Context{Text: bot.Words(fmt.Sprintf("%s is not in the directory: it is handled through %s's liaison, below.", echo(r.Group), r.Org.Acronym))}
		m.Blocks = append([]bot.Block{m.Blocks[0], note}, m.Blocks[1:]...)
		return reply(m), nil
	case r.Org != nil && !r.Guess:
		// The same for everyone who names the organization by a rule
		// (its acronym, name, alias, or a Datatracker spelling): kept.
		o, now := r.Org, c.now()
		key := "contact\x00" + strconv.FormatInt(o.ID, 10) + "\x00" + o.Acronym
		return reply(c.r.answers.answer(d, key, now, func() (bot.Message, time.Time) {
			return ContactMessage(d, o, now, "", false), agesHold(now, contactProvenances(d, o)...)
		})), nil
	case r.Org != nil:
		return reply(ContactMessage(d, r.Org, c.now(), echo(q), true)), nil
	case len(r.Candidates) > 0:
		return reply(didYouMean(q, r.Candidates, "contact")), nil
	}
	return reply(noSuchOrg(d, q, c.now())), nil
}

// echo shortens user text for quoting it back.
func echo(s string) string { return bot.Echo(s) }

// ContactMessage answers "whom do I contact about org?". query is what the
// user typed and fuzzy says the match was not exact.
func ContactMessage(d *bot.Directory, o *bot.Organization, now time.Time, query string, fuzzy bool) bot.Message {
	var blocks []bot.Block
	blocks = append(blocks, bot.Header{Text: o.Label()})
	if fuzzy {
		blocks = append(blocks, bot.Context{Text: bot.Words(fmt.Sprintf("Closest match to “%s”.", query))})
	}
	covering := d.ManagingOrg(o)
	var fields []bot.Field
	fields = append(fields, bot.Field{Label: "Relationship", Value: relationshipText(o)})
	mgrs := peopleText(o.Managers, d, "not on record")
	if len(o.Managers) == 0 && covering != nil {
		mgrs = append(peopleText(covering.Managers, d, ""), bot.Plain(" (as the manager for "+covering.Acronym+")"))
	}
	fields = append(fields, bot.Field{Label: "IETF liaison manager", Value: mgrs})
	fields = append(fields, bot.Field{Label: o.Acronym + "'s liaison contact", Value: peopleText(o.Contacts, d, "not on record")})
	if o.Parent != "" {
		fields = append(fields, bot.Field{Label: "Part of", Value: bot.Words(o.Parent)})
	}
	blocks = append(blocks, bot.Fields{Fields: fields})

	out := bot.Routing(bot.RouteQuery{Org: o, Direction: bot.Outgoing, Covering: covering}, d.Coordinators)
	in := bot.Routing(bot.RouteQuery{Org: o, Direction: bot.Incoming, Covering: covering}, d.Coordinators)
	blocks = append(blocks,
		bot.Paragraph{Text: append(bot.Line(bot.Bold("Sending to "+o.Acronym+" (outgoing): ")), routeText(out, d)...)},
		bot.Paragraph{Text: append(bot.Line(bot.Bold("Receiving from "+o.Acronym+" (incoming): ")), routeText(in, d)...)},
		bot.Paragraph{Text: bot.Line(bot.Bold("First statement to the IETF? "),
			bot.Plain("Talk to the IAB liaison coordinators first: "), bot.Mail(coordEmail(d)), bot.Plain("."))},
	)
	if len(o.Notes) > 0 {
		var items []bot.Text
		for _, n := range o.Notes {
			items = append(items, bot.Words(n))
		}
		blocks = append(blocks, bot.List{Items: items})
	}
	if o.URL != "" {
		blocks = append(blocks, bot.Paragraph{Text: bot.Line(bot.Plain("More: "), bot.Link(o.URL, o.URL))})
	}
	blocks = append(blocks, bot.Context{Text: provenanceText(o, covering, now)})
	if out.Coordinators || in.Coordinators {
		blocks = append(blocks, bot.Context{Text: bot.Words("IAB liaison coordinators: " + describeProvenance(d.Coordinators.Provenance, now) + ".")})
	}
	blocks = append(blocks, bot.Actions{Buttons: []bot.Button{
		{Label: "Submit a statement to " + o.Acronym, Command: "submit " + o.Acronym, Style: bot.StylePrimary},
		{Label: "Open statements with " + o.Acronym, Command: "list open org " + o.Acronym},
	}})
	return bot.Message{Blocks: blocks, Summary: "Liaison contacts for " + o.Label()}
}

// contactProvenances are the provenances whose ages ContactMessage may
// name.
func contactProvenances(d *bot.Directory, o *bot.Organization) []bot.Provenance {
	ps := []bot.Provenance{o.Provenance, d.Coordinators.Provenance}
	sets := [][]bot.Person{o.Managers, o.Contacts}
	if c := d.ManagingOrg(o); c != nil {
		sets = append(sets, c.Managers)
	}
	for _, set := range sets {
		for _, p := range set {
			ps = append(ps, p.Provenance)
		}
	}
	return ps
}

func coordEmail(d *bot.Directory) string {
	if d.Coordinators.Email != "" {
		return d.Coordinators.Email
	}
	return bot.DefaultCoordinatorsEmail
}

func managersEmail(d *bot.Directory) string {
	if d.ManagersEmail != "" {
		return d.ManagersEmail
	}
	return bot.DefaultManagersEmail
}

func relationshipText(o *bot.Organization) bot.Text { return bot.Words(o.RelationshipText()) }

// peopleText lists people with their emails; a missing email points to the
// liaison managers' list.
func peopleText(ps []bot.Person, d *bot.Directory, none string) bot.Text {
	if len(ps) == 0 {
		return bot.Line(bot.Italic(none))
	}
	var t bot.Text
	for i, p := range ps {
		if i > 0 {
			t = append(t, bot.Plain("; "))
		}
		t = append(t, bot.Who(p))
		if p.Title != "" {
			t = append(t, bot.Plain(" ("+p.Title+")"))
		}
		if p.Email == "" && p.Name != "" {
			t = append(t, bot.Plain(" — email not on record; reach them through "), bot.Mail(managersEmail(d)))
		}
	}
	return t
}

// routeText says what to do for one direction.
func routeText(r bot.Route, d *bot.Directory) bot.Text {
	if r.Coordinators {
		return bot.Line(bot.Plain("contact the IAB liaison coordinators at "), bot.Mail(coordEmail(d)),
			bot.Plain(" — "+r.Reason+"."))
	}
	t := bot.Line(bot.Plain("contact "))
	for i, p := range r.Contacts {
		if i > 0 {
			t = append(t, bot.Plain(" or "))
		}
		t = append(t, bot.Who(p))
	}
	t = append(t, bot.Plain(" ("+r.Reason+")"))
	if len(r.CC) > 0 {
		t = append(t, bot.Plain("; copy "))
		for i, a := range r.CC {
			if i > 0 {
				t = append(t, bot.Plain(", "))
			}
			t = append(t, bot.Mail(a))
		}
	}
	return append(t, bot.Plain("."))
}

// provenanceText says where the entry comes from and how old it is, and
// where its people come from when that differs (including the manager of
// the organization that covers it).
func provenanceText(o, covering *bot.Organization, now time.Time) bot.Text {
	t := bot.Line(bot.Plain("Directory entry: " + describeProvenance(o.Provenance, now) + "."))
	seen := map[string]bool{describeProvenance(o.Provenance, now): true}
	managers := o.Managers
	if len(managers) == 0 && covering != nil {
		managers = covering.Managers
	}
	for _, set := range [][]bot.Person{managers, o.Contacts} {
		for _, p := range set {
			s := describeProvenance(p.Provenance, now)
			if p.Source == "" || seen[s] {
				continue
			}
			seen[s] = true
			t = append(t, bot.Plain(" "+p.Label()+": "+s+"."))
		}
	}
	return t
}

func describeProvenance(p bot.Provenance, now time.Time) string {
	return bot.DescribeProvenance(p, now)
}

// didYouMean lists candidates, each with the command that picks it.
func didYouMean(q string, cands []bot.Candidate, command string) bot.Message {
	var items []bot.Text
	var buttons []bot.Button
	for _, c := range cands {
		items = append(items, bot.Line(bot.Bold(c.Org.Acronym), bot.Plain(" — "+c.Org.Name)))
		buttons = append(buttons, bot.Button{Label: c.Org.Acronym, Command: command + " " + c.Org.Acronym})
	}
	return bot.Reply(
		bot.Paragraph{Text: bot.Words(fmt.Sprintf("Several organizations match “%s”. Did you mean:", echo(q)))},
		bot.List{Items: items},
		bot.Actions{Buttons: buttons},
	)
}

// noSuchOrg answers a query that matched nothing: the coordinators, and the
// advice for organizations without a formal relationship.
func noSuchOrg(d *bot.Directory, q string, now time.Time) bot.Message {
	var names []bot.Span
	for i, p := range d.Coordinators.People {
		if i > 0 {
			names = append(names, bot.Plain(", "))
		}
		names = append(names, bot.Who(p))
	}
	blocks := []bot.Block{
		bot.Paragraph{Text: bot.Words(fmt.Sprintf("No organization in the directory matches “%s”.", echo(q)))},
		bot.Paragraph{Text: bot.Line(bot.Plain("Contact the IAB liaison coordinators at "), bot.Mail(coordEmail(d)),
			bot.Plain(". The IETF can exchange liaison statements with organizations it has no formal relationship with; "+
				"the coordinators will say how, and which IETF group to address."))},
	}
	if len(names) > 0 {
		blocks = append(blocks, bot.Context{Text: append(bot.Line(bot.Plain("The coordinators: ")), names...)})
	}
	if !d.Coordinators.AsOf.IsZero() || d.Coordinators.Source != "" {
		blocks = append(blocks, bot.Context{Text: bot.Words("Coordinators: " + describeProvenance(d.Coordinators.Provenance, now) + ".")})
	}
	blocks = append(blocks, bot.Context{Text: bot.Line(bot.Code("orgs"), bot.Plain(" lists the organizations the directory knows."))})
	return bot.Message{Blocks: blocks, Summary: "No organization matches"}
}
