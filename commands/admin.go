package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// DirectorySyncer runs the directory sync from the Datatracker
// (dtsync.Syncer implements it).
type DirectorySyncer interface {
	SyncDirectory(ctx context.Context, dryRun bool) (*bot.DirectoryDiff, error)
}

// SyncerFunc adapts a function to DirectorySyncer: a router can hand
// "admin" a function that looks up a syncer made after it.
type SyncerFunc func(ctx context.Context, dryRun bool) (*bot.DirectoryDiff, error)

// SyncDirectory calls f.
func (f SyncerFunc) SyncDirectory(ctx context.Context, dryRun bool) (*bot.DirectoryDiff, error) {
	return f(ctx, dryRun)
}

// ErrNoSyncer is what a DirectorySyncer returns when no Datatracker sync
// is set up; "admin sync" then says so.
var ErrNoSyncer = errors.New("no Datatracker sync is set up")

// SourceAdmin is the Provenance.Source of facts an admin edited in chat.
const SourceAdmin = "admin"

const adminUsage = "admin org add|rename|remove|alias … | admin manager add|remove <org> <name> <email> | " +
	"admin contact set|remove <org> <name> <email> | admin coordinator add|remove <name> <email> | admin sync [dry-run]"

// adminCommand is "admin": directory upkeep by admins and the IAB liaison
// coordinators. sync runs "admin sync" (nil: not available here).
func adminCommand(sync DirectorySyncer) *Definition {
	return &Definition{
		Name:    "admin",
		Usage:   "admin org|manager|contact|coordinator|sync …",
		Summary: "keep the directory current: organizations, liaison managers, contacts, coordinators, the Datatracker sync",
		Help: "For admins and the IAB liaison coordinators. " + adminUsage + ". " +
			"“admin org add <acronym> <name…>” adds an organization; “admin org rename <org> <new acronym> [new name…]” renames one " +
			"(the old acronym stays an alias); “admin org remove <org>”; “admin org alias <org> <alias>[, <alias>…]”. " +
			"“admin manager add|remove <org> <name> <email>” changes the IETF liaison managers; “admin contact set <org> <name> <email>” " +
			"sets the organization's own contact point (“admin contact remove <org> <email>” removes one); " +
			"“admin coordinator add|remove <name> <email>”. “admin sync” brings the directory to the Datatracker's state " +
			"(“admin sync dry-run” only shows what would change). Names may have spaces; the email is the last word; " +
			"an organization of several words can be quoted. Every change is recorded: “orgs history [org]”.",
		Examples: []string{
			"admin manager add 3GPP Jane Doe jane@example.org",
			"admin org add ACME Acme Standards Organization",
			"admin org rename ACME ACME-SO",
			"admin org alias ACME Acme Standards",
			"admin contact set ACME Liaison Office liaison@acme.example",
			"admin coordinator add Pat Example pat@example.org",
			"admin sync",
		},
		Run: func(ctx context.Context, c *Call) (*bot.Response, error) { return runAdmin(ctx, c, sync) },
	}
}

// adminCall is one admin command being run.
type adminCall struct {
	*Call
	d     *bot.Directory
	words []string
}

func runAdmin(ctx context.Context, c *Call, sync DirectorySyncer) (*bot.Response, error) {
	// Names, acronyms and addresses only: invisible characters go before
	// anything is checked.
	words := bot.SplitWords(bot.StripInvisible(c.Args))
	if len(words) == 0 {
		return reply(bot.Reply(commandHelp(c.Def)...)), nil
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	if err := bot.MayEditDirectory(c.Actor, d); err != nil {
		return nil, err
	}
	a := &adminCall{Call: c, d: d, words: words}
	what, verb := strings.ToLower(words[0]), ""
	if len(words) > 1 {
		verb = strings.ToLower(words[1])
	}
	switch what {
	case "org", "orgs", "organization", "organisation":
		switch verb {
		case "add", "new":
			return a.orgAdd(ctx)
		case "rename":
			return a.orgRename(ctx)
		case "remove", "delete", "rm":
			return a.orgRemove(ctx)
		case "alias", "aliases":
			return a.orgAlias(ctx)
		}
		return nil, a.usage("admin org add|rename|remove|alias …")
	case "manager", "managers":
		switch verb {
		case "add", "remove", "delete", "rm":
			return a.person(ctx, bot.RoleManager, verb == "add")
		}
		return nil, a.usage("admin manager add|remove <org> <name> <email>")
	case "contact", "contacts":
		switch verb {
		case "set", "add", "remove", "delete", "rm":
			return a.person(ctx, bot.RoleContact, verb != "remove" && verb != "delete" && verb != "rm")
		}
		return nil, a.usage("admin contact set <org> <name> <email>")
	case "coordinator", "coordinators":
		switch verb {
		case "add", "remove", "delete", "rm":
			return a.coordinator(ctx, verb == "add")
		}
		return nil, a.usage("admin coordinator add|remove <name> <email>")
	case "sync":
		return a.sync(ctx, sync)
	}
	return nil, a.usage(adminUsage)
}

func (a *adminCall) usage(u string) error {
	return bot.Errorf(bot.EINVALID, "Usage: %s — “help admin” explains.", u)
}

// by is who made a change, for the history: "Jane Doe (slack:U123)".
func (a *adminCall) by() string {
	l, k := a.Actor.Label(), a.Actor.Key()
	if l == k {
		return l
	}
	return l + " (" + k + ")"
}

func (a *adminCall) provenance() bot.Provenance {
	return bot.Provenance{Source: SourceAdmin, AsOf: a.now().UTC(), By: a.Actor.Label()}
}

// edit applies fn to a private copy of the directory in one transaction and
// answers with what changed.
func (a *adminCall) edit(ctx context.Context, done string, fn func(d *bot.Directory) error, notes ...string) (*bot.Response, error) {
	diff, err := a.r.Store.ApplyDirectory(ctx, bot.DirectoryEdit{By: a.by(), Edit: func(d *bot.Directory) (*bot.Directory, error) {
		if err := fn(d); err != nil {
			return nil, err
		}
		return d, nil
	}})
	if err != nil {
		return nil, err
	}
	return reply(changeMessage(done, diff, notes)), nil
}

// changeMessage reports an applied change: what was done, the diff lines,
// and where the history is.
func changeMessage(done string, diff *bot.DirectoryDiff, notes []string) bot.Message {
	blocks := []bot.Block{bot.Paragraph{Text: bot.Words(done)}}
	if lines := diffLines(diff, 40); len(lines) > 0 {
		blocks = append(blocks, bot.List{Items: lines})
	}
	for _, n := range notes {
		blocks = append(blocks, bot.Paragraph{Text: bot.Words(n)})
	}
	blocks = append(blocks, bot.Context{Text: bot.Line(bot.Plain("Recorded in the directory's history: "), bot.Code("orgs history [org]"), bot.Plain("."))})
	return bot.Message{Blocks: blocks, Summary: done}
}

// diffLines are the diff's lines, at most max of them.
func diffLines(diff *bot.DirectoryDiff, max int) []bot.Text {
	var all []string
	for _, s := range diff.Added {
		all = append(all, "added: "+s)
	}
	all = append(all, diff.Changed...)
	for _, s := range diff.Removed {
		all = append(all, "removed: "+s)
	}
	var out []bot.Text
	for i, s := range all {
		if i == max {
			out = append(out, bot.Line(bot.Italic(fmt.Sprintf("… and %d more", len(all)-max))))
			break
		}
		out = append(out, bot.Words(s))
	}
	return out
}

// orgArg finds the organization the words from start on begin with: the
// longest run of words that names one exactly, leaving at least keep words
// for the rest of the command. It returns the organization and the index
// of the first word after it. When nothing matches exactly, it answers
// with the close matches (the command line with each filled in) or says
// nothing matches.
func (a *adminCall) orgArg(start, keep int, usage string) (*bot.Organization, int, *bot.Response, error) {
	if len(a.words)-start < 1+keep {
		return nil, 0, nil, a.usage(usage)
	}
	m := a.d.Matcher()
	for end := len(a.words) - keep; end > start; end-- {
		if r := m.Match(strings.Join(a.words[start:end], " ")); r.Org != nil && r.Exact {
			return r.Org, end, nil, nil
		}
	}
	q := a.words[start]
	r := m.Match(q)
	cands := r.Candidates
	if r.Org != nil {
		cands = []bot.Candidate{{Org: r.Org, Score: 1}}
	}
	if len(cands) == 0 {
		return nil, 0, nil, bot.Errorf(bot.ENOTFOUND, "No organization in the directory is called “%s”; nothing was changed. “orgs” lists them (quote a name of several words).", echo(q))
	}
	var items []bot.Text
	var buttons []bot.Button
	for _, cand := range cands {
		line := slices.Clone(a.words)
		line[start] = quoteWord(cand.Org.Acronym)
		cmd := a.Word + " " + strings.Join(quoteAll(line), " ")
		items = append(items, bot.Line(bot.Bold(cand.Org.Acronym), bot.Plain(" — "+cand.Org.Name)))
		buttons = append(buttons, bot.Button{Label: cand.Org.Acronym, Command: cmd})
	}
	msg := bot.Reply(
		bot.Paragraph{Text: bot.Words(fmt.Sprintf("No organization is called exactly “%s”, so nothing was changed. Did you mean:", echo(q)))},
		bot.List{Items: items},
		bot.Actions{Buttons: buttons},
	)
	return nil, 0, &bot.Response{Messages: []bot.Message{msg}, Outcome: bot.ENOTFOUND}, nil
}

// quoteWord quotes a word with spaces, so that it reads back as one.
func quoteWord(s string) string {
	if strings.ContainsAny(s, " \t\"") {
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return s
}

func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = quoteWord(w)
	}
	return out
}

// emailArg reads an email address as people write it:
// "jane@example.org", "<jane@example.org>" or "mailto:jane@example.org"
// (the Slack adapter turns Slack's <mailto:…|…> links into addresses).
func emailArg(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
		s = s[1 : len(s)-1]
	}
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
	}
	return strings.TrimSpace(s)
}

// nameAndEmail reads "<name…> <email>" from words: the email is the last
// word. need says whether the email is required.
func nameAndEmail(words []string, need bool) (name, email string, err error) {
	if len(words) > 0 {
		last := emailArg(words[len(words)-1])
		if strings.Contains(last, "@") {
			if !bot.ValidEmail(last) {
				return "", "", bot.Errorf(bot.EINVALID, "“%s” is not a valid email address; nothing was changed.", echo(last))
			}
			email, words = last, words[:len(words)-1]
		}
	}
	name = strings.Join(words, " ")
	if email == "" && need {
		if name != "" {
			return "", "", bot.Errorf(bot.EINVALID, "“%s” does not end with an email address; nothing was changed.", echo(name))
		}
		return "", "", bot.Errorf(bot.EINVALID, "Give a name and an email address; nothing was changed.")
	}
	return name, email, nil
}

// inCopy returns the organization with o's id in the copy being edited.
func inCopy(d *bot.Directory, o *bot.Organization) (*bot.Organization, error) {
	if n := d.Org(o.ID); n != nil {
		return n, nil
	}
	return nil, bot.Errorf(bot.ECONFLICT, "%s was removed a moment ago; nothing was changed.", o.Acronym)
}

func (a *adminCall) orgAdd(ctx context.Context) (*bot.Response, error) {
	if len(a.words) < 3 {
		return nil, a.usage("admin org add <acronym> <name…>")
	}
	acronym, name := strings.TrimSpace(a.words[2]), strings.TrimSpace(strings.Join(a.words[3:], " "))
	if err := a.d.CheckKey("acronym", acronym, nil); err != nil {
		return nil, err
	}
	if name != "" {
		if err := a.d.CheckKey("name", name, nil); err != nil {
			return nil, err
		}
	}
	o := &bot.Organization{Acronym: acronym, Name: name, Relationship: bot.RelNone, Provenance: a.provenance()}
	return a.edit(ctx, "Added "+o.Label()+" to the directory.", func(d *bot.Directory) error {
		if err := d.CheckKey("acronym", acronym, nil); err != nil {
			return err
		}
		d.Orgs = append(d.Orgs, o)
		return nil
	}, fmt.Sprintf("Next: “admin manager add %s <name> <email>” and “admin contact set %s <name> <email>”.", quoteWord(acronym), quoteWord(acronym)))
}

func (a *adminCall) orgRename(ctx context.Context) (*bot.Response, error) {
	const usage = "admin org rename <org> <new acronym> [new name…]"
	o, next, resp, err := a.orgArg(2, 1, usage)
	if o == nil {
		return resp, err
	}
	// The new acronym is the word after the organization; the rest, if
	// any, the new name.
	if next >= len(a.words) {
		return nil, a.usage(usage)
	}
	acronym, name := strings.TrimSpace(a.words[next]), strings.TrimSpace(strings.Join(a.words[next+1:], " "))
	if err := a.d.CheckKey("acronym", acronym, o); err != nil {
		return nil, err
	}
	if name != "" {
		if err := a.d.CheckKey("name", name, o); err != nil {
			return nil, err
		}
	}
	if acronym == o.Acronym && (name == "" || name == o.Name) {
		return nil, bot.Errorf(bot.EINVALID, "%s is already called that; nothing was changed.", o.Acronym)
	}
	var notes []string
	if o.InDatatracker && o.DatatrackerID != 0 {
		notes = append(notes, "The Datatracker knows this group by its own acronym: the directory sync keeps yours and answers to the Datatracker's too.")
	}
	return a.edit(ctx, fmt.Sprintf("Renamed %s to %s.", o.Acronym, acronym), func(d *bot.Directory) error {
		n, err := inCopy(d, o)
		if err != nil {
			return err
		}
		old := n.Acronym
		n.Acronym = acronym
		if name != "" {
			n.Name = name
		}
		if bot.NormalizeKey(old) != bot.NormalizeKey(acronym) && !slices.ContainsFunc(n.Aliases, func(s string) bool { return bot.NormalizeKey(s) == bot.NormalizeKey(old) }) {
			n.Aliases = append(n.Aliases, old) // people still type the old one
		}
		n.Aliases = slices.DeleteFunc(n.Aliases, func(s string) bool { return bot.NormalizeKey(s) == bot.NormalizeKey(acronym) })
		n.Provenance = a.provenance()
		for _, x := range d.Orgs {
			if strings.EqualFold(x.Parent, old) {
				x.Parent = acronym
			}
		}
		return nil
	}, notes...)
}

func (a *adminCall) orgRemove(ctx context.Context) (*bot.Response, error) {
	o, next, resp, err := a.orgArg(2, 0, "admin org remove <org>")
	if o == nil {
		return resp, err
	}
	if next != len(a.words) {
		return nil, a.usage("admin org remove <org>")
	}
	var notes []string
	if o.InDatatracker && o.DatatrackerID != 0 {
		notes = append(notes, "The Datatracker lists this group: the next directory sync adds it back. To stop that, it must go from the Datatracker.")
	}
	return a.edit(ctx, "Removed "+o.Label()+" from the directory (its statements keep their history).", func(d *bot.Directory) error {
		n, err := inCopy(d, o)
		if err != nil {
			return err
		}
		d.Orgs = slices.DeleteFunc(d.Orgs, func(x *bot.Organization) bool { return x == n })
		for _, x := range d.Orgs {
			if strings.EqualFold(x.Parent, n.Acronym) {
				x.Parent = ""
			}
		}
		return nil
	}, notes...)
}

func (a *adminCall) orgAlias(ctx context.Context) (*bot.Response, error) {
	const usage = "admin org alias <org> <alias>[, <alias>…]"
	o, next, resp, err := a.orgArg(2, 1, usage)
	if o == nil {
		return resp, err
	}
	var aliases []string
	for _, s := range strings.Split(strings.Join(a.words[next:], " "), ",") {
		if s = strings.TrimSpace(s); s != "" {
			aliases = append(aliases, s)
		}
	}
	if len(aliases) == 0 {
		return nil, a.usage(usage)
	}
	for _, al := range aliases {
		if err := a.d.CheckKey("alias", al, o); err != nil {
			return nil, err
		}
		if (&bot.Directory{Orgs: []*bot.Organization{o}}).KeyOwner(al, nil) != nil {
			return nil, bot.Errorf(bot.EINVALID, "%s already answers to “%s”; nothing was changed.", o.Acronym, echo(al))
		}
	}
	return a.edit(ctx, fmt.Sprintf("%s now also answers to %s.", o.Acronym, strings.Join(aliases, ", ")), func(d *bot.Directory) error {
		n, err := inCopy(d, o)
		if err != nil {
			return err
		}
		n.Aliases = append(n.Aliases, aliases...)
		return nil
	})
}

// person adds or removes a manager or a contact of an organization
// ("contact set" replaces the contacts).
func (a *adminCall) person(ctx context.Context, role bot.Role, add bool) (*bot.Response, error) {
	usage := "admin manager add|remove <org> <name> <email>"
	if role == bot.RoleContact {
		usage = "admin contact set <org> <name> <email> | admin contact remove <org> <email>"
	}
	o, next, resp, err := a.orgArg(2, 1, usage)
	if o == nil {
		return resp, err
	}
	name, email, err := nameAndEmail(a.words[next:], add)
	if err != nil {
		return nil, err
	}
	what, list := "manager", o.Managers
	if role == bot.RoleContact {
		what, list = "contact", o.Contacts
	}
	match := func(p bot.Person) bool {
		if email != "" {
			return bot.SameEmail(p.Email, email)
		}
		return strings.EqualFold(p.Name, name)
	}
	set := role == bot.RoleContact && add && strings.EqualFold(a.words[1], "set")
	if !add {
		if !slices.ContainsFunc(list, match) {
			return nil, bot.Errorf(bot.ENOTFOUND, "%s is not a %s of %s (%s); nothing was changed.", echo(strings.TrimSpace(name+" "+email)), what, o.Acronym, listPeople(list))
		}
		return a.edit(ctx, fmt.Sprintf("Removed %s as a %s of %s.", strings.TrimSpace(name+" "+email), what, o.Acronym), func(d *bot.Directory) error {
			n, err := inCopy(d, o)
			if err != nil {
				return err
			}
			if role == bot.RoleManager {
				n.Managers = slices.DeleteFunc(n.Managers, match)
			} else {
				n.Contacts = slices.DeleteFunc(n.Contacts, match)
			}
			return nil
		})
	}
	if !set && slices.ContainsFunc(list, match) {
		return nil, bot.Errorf(bot.EINVALID, "%s is already a %s of %s; nothing was changed.", email, what, o.Acronym)
	}
	p := bot.Person{Name: name, Email: email, Provenance: a.provenance()}
	var notes []string
	if role == bot.RoleManager && o.InDatatracker && o.DatatrackerID != 0 {
		notes = append(notes, fmt.Sprintf("%s is a Datatracker group: when the Datatracker lists liaison managers for it, the directory sync replaces these with its list.", o.Acronym))
	}
	done := fmt.Sprintf("Added %s as a %s of %s.", bot.PersonLine(p), what, o.Acronym)
	if set {
		done = fmt.Sprintf("%s's contact is now %s.", o.Acronym, bot.PersonLine(p))
	}
	return a.edit(ctx, done, func(d *bot.Directory) error {
		n, err := inCopy(d, o)
		if err != nil {
			return err
		}
		switch {
		case role == bot.RoleManager:
			n.AddManager(p)
		case set:
			n.Contacts = []bot.Person{p}
		default:
			n.Contacts = append(n.Contacts, p)
		}
		d.NamePerson(p)
		return nil
	}, notes...)
}

func (a *adminCall) coordinator(ctx context.Context, add bool) (*bot.Response, error) {
	name, email, err := nameAndEmail(a.words[2:], add)
	if err != nil {
		return nil, err
	}
	if name == "" && email == "" {
		return nil, a.usage("admin coordinator add|remove <name> <email>")
	}
	match := func(p bot.Person) bool {
		if email != "" {
			return bot.SameEmail(p.Email, email)
		}
		return strings.EqualFold(p.Name, name)
	}
	list := a.d.Coordinators.People
	if !add {
		if !slices.ContainsFunc(list, match) {
			return nil, bot.Errorf(bot.ENOTFOUND, "%s is not an IAB liaison coordinator (%s); nothing was changed.", echo(strings.TrimSpace(name+" "+email)), listPeople(list))
		}
		return a.edit(ctx, fmt.Sprintf("Removed %s from the IAB liaison coordinators.", strings.TrimSpace(name+" "+email)), func(d *bot.Directory) error {
			d.Coordinators.People = slices.DeleteFunc(d.Coordinators.People, match)
			d.Coordinators.Provenance = a.provenance()
			return nil
		})
	}
	if slices.ContainsFunc(list, match) {
		return nil, bot.Errorf(bot.EINVALID, "%s is already an IAB liaison coordinator; nothing was changed.", email)
	}
	p := bot.Person{Name: name, Email: email, Provenance: a.provenance()}
	return a.edit(ctx, fmt.Sprintf("Added %s to the IAB liaison coordinators.", bot.PersonLine(p)), func(d *bot.Directory) error {
		d.Coordinators.People = append(d.Coordinators.People, p)
		d.Coordinators.Provenance = a.provenance()
		d.NamePerson(p)
		return nil
	}, "The Datatracker's IAB liaison_coordinator roles replace the coordinators at the next directory sync.")
}

func listPeople(ps []bot.Person) string {
	if len(ps) == 0 {
		return "there are none"
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = bot.PersonLine(p)
	}
	return "on record: " + strings.Join(lines, ", ")
}

func (a *adminCall) sync(ctx context.Context, sync DirectorySyncer) (*bot.Response, error) {
	dry := false
	for _, w := range a.words[1:] {
		switch strings.ToLower(strings.TrimLeft(w, "-")) {
		case "dry-run", "dryrun", "dry", "preview":
			dry = true
		default:
			return nil, a.usage("admin sync [dry-run]")
		}
	}
	notSetUp := bot.Errorf(bot.EINVALID, "The Datatracker sync is not set up in this bot; run “liaisonbot directory sync” where it runs.")
	if sync == nil {
		return nil, notSetUp
	}
	diff, err := sync.SyncDirectory(ctx, dry)
	if errors.Is(err, ErrNoSyncer) {
		return nil, notSetUp
	}
	if err != nil {
		a.r.Logger.Error("admin sync failed", "user", a.Actor.Key(), "err", err)
		return &bot.Response{Outcome: bot.EINTERNAL, Messages: []bot.Message{bot.Say(bot.Plain(
			"The Datatracker sync failed and nothing was changed; the log has the details. Try again later."))}}, nil
	}
	done := fmt.Sprintf("Synced the directory with the Datatracker: %d added, %d changed, %d removed.", len(diff.Added), len(diff.Changed), len(diff.Removed))
	if dry {
		done = fmt.Sprintf("Dry run, nothing was changed. A sync with the Datatracker would make %d additions, %d changes and %d removals.", len(diff.Added), len(diff.Changed), len(diff.Removed))
	}
	if diff.Empty() {
		done = "The directory already matches the Datatracker."
	}
	return reply(changeMessage(done, diff, nil)), nil
}
