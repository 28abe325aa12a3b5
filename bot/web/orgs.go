package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

type orgsPage struct {
	page
	Orgs         []orgRow
	Coordinators personCell
	CoordEmail   string
	CoordSource  string
}

// orgRow is one organization in the directory table.
type orgRow struct {
	Anchor, Acronym, Name string
	Relationship          string
	URL                   string
	Parent                string
	Managers              []personCell
	ManagersNote          string // when the managers are another organization's
	Contacts              []personCell
	Outgoing, Incoming    route
	Source                string // where the entry comes from and how old it is
	Notes                 []string
	BoardURL              string
}

type personCell struct {
	Name, Email, Title, Source string
}

type route struct {
	To     []string // names (with addresses)
	Reason string
	CC     string
}

// orgs is GET /orgs: the directory as a table — each organization, its IETF
// liaison managers, its contact point, whom to contact in each direction
// (bot.Routing), and where each fact comes from and how old it is.
func (b *Board) orgs(w http.ResponseWriter, r *http.Request) {
	d, err := b.store.Directory(r.Context())
	if err != nil {
		b.fail(w, r, err)
		return
	}
	now := b.now()
	p := orgsPage{page: b.page("Liaison relationships", "orgs")}
	p.CoordEmail = d.Coordinators.Email
	if p.CoordEmail == "" {
		p.CoordEmail = bot.DefaultCoordinatorsEmail
	}
	p.CoordSource = bot.DescribeProvenance(d.Coordinators.Provenance, now)
	for _, o := range d.Orgs {
		covering := d.ManagingOrg(o)
		row := orgRow{Anchor: anchor(o.Acronym), Acronym: o.Acronym, Name: o.Name, URL: o.URL, Parent: o.Parent,
			Relationship: o.RelationshipText(), Source: bot.DescribeProvenance(o.Provenance, now), Notes: o.Notes,
			BoardURL: b.link(pathBoard, url.Values{"org": {o.Acronym}})}
		if strings.EqualFold(row.Name, row.Acronym) {
			row.Name = ""
		}
		managers := o.Managers
		if len(managers) == 0 && covering != nil && covering != o {
			managers = covering.Managers
			row.ManagersNote = "as the manager for " + covering.Acronym
		}
		row.Managers = people(managers, now)
		row.Contacts = people(o.Contacts, now)
		row.Outgoing = routeOf(bot.Routing(bot.RouteQuery{Org: o, Direction: bot.Outgoing, Covering: covering}, d.Coordinators))
		row.Incoming = routeOf(bot.Routing(bot.RouteQuery{Org: o, Direction: bot.Incoming, Covering: covering}, d.Coordinators))
		p.Orgs = append(p.Orgs, row)
	}
	b.render(w, r, http.StatusOK, "orgs.html", p)
}

func people(ps []bot.Person, now time.Time) []personCell {
	var out []personCell
	for _, p := range ps {
		out = append(out, personCell{Name: p.Name, Email: p.Email, Title: p.Title, Source: bot.DescribeProvenance(p.Provenance, now)})
	}
	return out
}

func routeOf(r bot.Route) route {
	var out route
	if r.Coordinators {
		// The coordinators' list address, not each coordinator.
		r.Contacts = r.Contacts[:1]
	}
	for _, p := range r.Contacts {
		s := p.Label()
		if p.Email != "" && p.Name != "" {
			s += " <" + p.Email + ">"
		}
		out.To = append(out.To, s)
	}
	out.Reason = r.Reason
	out.CC = strings.Join(r.CC, ", ")
	return out
}
