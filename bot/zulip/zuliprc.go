package zulip

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LoadZuliprc reads the [api] section of a zuliprc file, the INI file
// Zulip offers for download with every bot:
//
//	[api]
//	email=liaison-bot@zulip.example.org
//	key=abcdefghijklmnopqrstuvwxyz012345
//	site=https://zulip.example.org
//
// It understands the subset of INI these files use: [section] headers,
// key=value lines (keys are case-insensitive, surrounding spaces are
// trimmed), and whole-line comments starting with # or ;. A site without
// a scheme gets https://, as in Zulip's Python bindings. A leading "~/" in
// path is the home directory. Errors name the file and line.
func LoadZuliprc(path string) (site, email, key string, err error) {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", "", "", fmt.Errorf("zuliprc %s: %w", path, err)
		}
		path = filepath.Join(home, rest)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", "", fmt.Errorf("zuliprc: %w", err)
	}
	api, err := parseZuliprc(path, data)
	if err != nil {
		return "", "", "", err
	}
	for _, k := range []string{"email", "key", "site"} {
		if api[k] == "" {
			return "", "", "", fmt.Errorf("zuliprc %s: [api] has no %q", path, k)
		}
	}
	site = api["site"]
	if !strings.Contains(site, "://") {
		site = "https://" + site
	}
	if _, err := parseSite(site); err != nil {
		return "", "", "", fmt.Errorf("zuliprc %s: site: %w", path, err)
	}
	return site, api["email"], api["key"], nil
}

// parseZuliprc returns the keys of the [api] section.
func parseZuliprc(path string, data []byte) (map[string]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 BOM
	api := map[string]string{}
	section := ""
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[':
			name, ok := strings.CutSuffix(line[1:], "]")
			name = strings.TrimSpace(name)
			if !ok || name == "" {
				return nil, fmt.Errorf("zuliprc %s:%d: malformed section header %q", path, n, line)
			}
			if seen["["+name] {
				return nil, fmt.Errorf("zuliprc %s:%d: section [%s] appears twice", path, n, name)
			}
			seen["["+name] = true
			section = name
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || k == "" {
			// The line is not quoted: it may hold the API key.
			return nil, fmt.Errorf("zuliprc %s:%d: want key=value", path, n)
		}
		if section == "" {
			return nil, fmt.Errorf("zuliprc %s:%d: %q is outside any [section]", path, n, k)
		}
		id := section + "." + k
		if seen[id] {
			return nil, fmt.Errorf("zuliprc %s:%d: %q appears twice in [%s]", path, n, k, section)
		}
		seen[id] = true
		if section == "api" {
			api[k] = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("zuliprc %s: %w", path, err)
	}
	if !seen["[api"] {
		return nil, fmt.Errorf("zuliprc %s: no [api] section", path)
	}
	return api, nil
}
