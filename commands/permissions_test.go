package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/internal/permissiontest"
	"github.com/ietf-tools/liaisonbot/storage/storagetest/dbdump"
)

// TestPermissions_EveryMoveAndCommandForEveryActor runs the permission
// matrix through the router: who may is answered and the change is made;
// anyone else is refused, told who can, and nothing in the database
// changes (statements, history, outbox, directory, links, subscriptions).
func TestPermissions_EveryMoveAndCommandForEveryActor(t *testing.T) {
	for _, tc := range permissiontest.Cases() {
		for _, a := range permissiontest.Actors {
			t.Run(tc.Name+"/"+string(a.Kind), func(t *testing.T) {
				t.Parallel()
				db := permissiontest.Open(t)
				r := permissiontest.Router(db)
				before := dbdump.Dump(t, db.Path)
				resp := r.Handle(context.Background(), permissiontest.Request(a, tc.Line))
				out := console.Render(resp.Messages)
				diff := dbdump.Diff(before, dbdump.Dump(t, db.Path))
				if tc.May(a.Kind) {
					if resp.Outcome != "" || !strings.Contains(out, tc.Done) {
						t.Fatalf("%q as %s: outcome %q, want it done (%q):\n%s", tc.Line, a.Kind, resp.Outcome, tc.Done, out)
					}
					if diff == "" {
						t.Fatalf("%q as %s answered that it was done, but nothing changed:\n%s", tc.Line, a.Kind, out)
					}
					return
				}
				if resp.Outcome != bot.EFORBIDDEN || !strings.Contains(out, tc.Refused) || strings.Contains(out, tc.Done) {
					t.Errorf("%q as %s: outcome %q, want %s saying %q:\n%s", tc.Line, a.Kind, resp.Outcome, bot.EFORBIDDEN, tc.Refused, out)
				}
				if diff != "" {
					t.Errorf("%q as %s was refused but changed the database:\n%s", tc.Line, a.Kind, diff)
				}
			})
		}
	}
}
