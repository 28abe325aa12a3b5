package zulip

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeZuliprc(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zuliprc")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadZuliprc(t *testing.T) {
	tests := []struct {
		name, content, site string
	}{
		{"as downloaded", "[api]\nemail=liaison-bot@zulip.example.org\nkey=abcdefghijklmnopqrstuvwxyz012345\nsite=https://zulip.example.org\n", "https://zulip.example.org"},
		{"spaces, comments, other sections, CRLF, BOM", "\ufeff# liaisonbot\r\n[deps]\nkey = other\n\n[ api ]\n; the bot\n  Email = liaison-bot@zulip.example.org \r\nKEY= abcdefghijklmnopqrstuvwxyz012345\nsite =zulip.example.org\ninsecure=false\n", "https://zulip.example.org"},
		{"http site kept", "[api]\nemail=liaison-bot@zulip.example.org\nkey=abcdefghijklmnopqrstuvwxyz012345\nsite=http://localhost:9991\n", "http://localhost:9991"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, email, key, err := LoadZuliprc(writeZuliprc(t, tt.content))
			if err != nil {
				t.Fatal(err)
			}
			if site != tt.site || email != "liaison-bot@zulip.example.org" || key != "abcdefghijklmnopqrstuvwxyz012345" {
				t.Errorf("got %q, %q, %q", site, email, key)
			}
		})
	}
}

func TestLoadZuliprc_HomeDirectory(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	content := "[api]\nemail=bot@z.example.org\nkey=k\nsite=z.example.org\n"
	if err := os.WriteFile(filepath.Join(home, ".zuliprc"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if site, _, _, err := LoadZuliprc("~/.zuliprc"); err != nil || site != "https://z.example.org" {
		t.Errorf("LoadZuliprc(~/.zuliprc) = %q, %v", site, err)
	}
}

func TestLoadZuliprc_Errors(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"no api section", "[other]\nemail=a\n", "no [api] section"},
		{"key outside a section", "email=a\n[api]\n", ":1: \"email\" is outside any [section]"},
		{"malformed header", "[api]\n[api\n", ":2: malformed section header"},
		{"line without =", "[api]\nemail=a\nkey secret-key-value\n", ":3: want key=value"},
		{"duplicate key", "[api]\nemail=a\nkey=b\nEMAIL=c\n", `:4: "email" appears twice in [api]`},
		{"duplicate section", "[api]\nemail=a\n[api]\n", ":3: section [api] appears twice"},
		{"missing key", "[api]\nemail=a\nsite=z.example.org\n", `[api] has no "key"`},
		{"empty site", "[api]\nemail=a\nkey=b\nsite=\n", `[api] has no "site"`},
		{"bad site", "[api]\nemail=a\nkey=b\nsite=ftp://z.example.org\n", "site:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeZuliprc(t, tt.content)
			_, _, _, err := LoadZuliprc(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want it to name %s and contain %q", err, path, tt.want)
			}
			if strings.Contains(err.Error(), "secret-key-value") {
				t.Errorf("error quotes the file's content: %v", err)
			}
		})
	}
	if _, _, _, err := LoadZuliprc(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("loading a missing file succeeded")
	}
}
