package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/internal/pgtest"
)

// A deployment moves from its SQLite file to PostgreSQL with "copy", and
// runs there with LIAISONBOT_DATABASE_URL: the statements it had are there,
// and "backup" says how to back PostgreSQL up.
func TestCopy_MovesADeploymentToPostgres(t *testing.T) {
	target := pgtest.Schema(t)
	env := testEnv(t)
	for _, line := range []string{
		`submit to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="Réponse sur les modèles YANG" body="Über ÄÖÜ"`,
		`submit to=ETSI from=opsawg purpose=info title="Second one" body="text"`,
	} {
		if code, out, errs := run(t, env, line+"\n", "console"); code != 0 || !strings.Contains(out, "LS-") {
			t.Fatalf("submit: exit %d: %s %s", code, out, errs)
		}
	}
	code, out, errs := run(t, env, "", "copy", "--from", env["LIAISONBOT_DB"], "--to", target)
	if code != 0 || !strings.Contains(out, "every count matches") {
		t.Fatalf("copy: exit %d:\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "statements ") {
		t.Errorf("copy does not show the statements' count:\n%s", out)
	}
	pg := map[string]string{"LIAISONBOT_DATABASE_URL": target, "LIAISONBOT_LOG_LEVEL": "warn"}
	code, out, errs = run(t, pg, "list all\nshow LS-1\n", "console")
	if code != 0 || !strings.Contains(out, "Réponse sur les modèles YANG") || !strings.Contains(out, "Second one") {
		t.Fatalf("console on PostgreSQL: exit %d:\n%s\n%s", code, out, errs)
	}
	// Copying again into a database that holds statements is refused.
	code, _, errs = run(t, env, "", "copy", "--from", env["LIAISONBOT_DB"], "--to", target)
	if code != 1 || !strings.Contains(errs, "already holds 2 statements") {
		t.Errorf("second copy: exit %d: %s", code, errs)
	}
	// backup prints the pg_dump command, writes nothing, exits 1.
	code, out, errs = run(t, pg, "", "backup", "/tmp/should-not-exist.dump")
	if code != 1 || !strings.Contains(out, "pg_dump --format=custom --file='/tmp/should-not-exist.dump' --schema=") || strings.Contains(out, "search_path") {
		t.Errorf("backup on PostgreSQL: exit %d:\n%s\n%s", code, out, errs)
	}
	// The printed command works.
	if _, err := exec.LookPath("pg_dump"); err == nil {
		cmdline := out[strings.Index(out, "pg_dump --"):]
		cmdline = strings.TrimSpace(cmdline[:strings.Index(cmdline, "\n")])
		cmdline = strings.Replace(cmdline, "/tmp/should-not-exist.dump", t.TempDir()+"/bot.dump", 1)
		if b, err := exec.Command("sh", "-c", cmdline).CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", cmdline, err, b)
		}
	}
}
