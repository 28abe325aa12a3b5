package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unitKeys reads a systemd unit file: section -> keys set in it.
func unitKeys(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, ";"):
		case strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]"):
			section = l
		default:
			k, _, ok := strings.Cut(l, "=")
			if !ok {
				t.Fatalf("%s: not key=value: %q", path, l)
			}
			out[section] = append(out[section], strings.TrimSpace(k))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeploy_ServiceStartLimitsAreInUnitWhereSystemdReadsThem(t *testing.T) {
	unit := filepath.Join("..", "..", "deploy", "liaisonbot.service")
	keys := unitKeys(t, unit)
	has := func(section, key string) bool {
		for _, k := range keys[section] {
			if k == key {
				return true
			}
		}
		return false
	}
	for _, k := range []string{"StartLimitIntervalSec", "StartLimitBurst"} {
		if !has("[Unit]", k) {
			t.Errorf("%s is not in [Unit]", k)
		}
		if has("[Service]", k) {
			t.Errorf("%s is in [Service], where systemd ignores it", k)
		}
	}
	if !has("[Service]", "Restart") {
		t.Errorf("no Restart= in [Service]: the start limits limit nothing")
	}
	// systemd's own check, where it is installed.
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is not installed: only the parse above ran")
		return
	}
	buf, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	// verify wants ExecStart= to exist.
	copyPath := filepath.Join(t.TempDir(), "liaisonbot.service")
	if err := os.WriteFile(copyPath, []byte(strings.ReplaceAll(string(buf), "/usr/local/bin/liaisonbot", "/bin/true")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", copyPath).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// section returns the part of a Markdown text from the heading to the next
// heading of the same level.
func section(t *testing.T, text, heading string) string {
	t.Helper()
	i := strings.Index(text, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("no heading %q", heading)
	}
	rest := text[i+len(heading)+2:]
	level := heading[:strings.Index(heading, " ")+1]
	if j := strings.Index(rest, "\n"+level); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

var (
	installDirEtc = regexp.MustCompile(`install -d (.*) /etc/liaisonbot\s*$`)
	installRC     = regexp.MustCompile(`install (.*) zuliprc /etc/liaisonbot/zuliprc\s*$`)
)

// The systemd setup runs liaisonbot unprivileged: the directory it reads
// its zuliprc from, and the zuliprc, must be readable by its group, and
// the docs and the unit must say so the same way.
func TestDocs_EtcLiaisonbotPermissionsAgreeAndLetTheServiceReadItsZuliprc(t *testing.T) {
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	texts := map[string]string{
		"docs/operations.md (systemd)": section(t, read("docs/operations.md"), "## Running it with systemd"),
		"docs/zulip.md":                read("docs/zulip.md"),
		"deploy/liaisonbot.service":    read("deploy/liaisonbot.service"),
	}
	dirs, rcs := map[string]string{}, map[string]string{}
	for name, text := range texts {
		for _, l := range strings.Split(text, "\n") {
			l = strings.TrimPrefix(strings.TrimSpace(l), "#")
			if m := installDirEtc.FindStringSubmatch(l); m != nil {
				dirs[name] = strings.TrimSpace(m[1])
			}
			if m := installRC.FindStringSubmatch(l); m != nil {
				rcs[name] = strings.TrimSpace(m[1])
			}
			if strings.Contains(l, "chmod 600 zuliprc") || strings.Contains(l, "chmod 0600 zuliprc") {
				t.Errorf("%s makes the zuliprc unreadable to the service: %s", name, l)
			}
		}
	}
	for name := range texts {
		if dirs[name] != "-o root -g liaisonbot -m 0750" {
			t.Errorf("%s creates /etc/liaisonbot with %q, want -o root -g liaisonbot -m 0750", name, dirs[name])
		}
		if rcs[name] != "-o root -g liaisonbot -m 0640" {
			t.Errorf("%s installs the zuliprc with %q, want -o root -g liaisonbot -m 0640", name, rcs[name])
		}
	}
}
