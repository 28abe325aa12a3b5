// The layers of liaisonbot, checked on every test run: see
// docs/architecture.md for what belongs where.
package liaisonbot_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/ietf-tools/liaisonbot"

// The adapters: they turn platform events into bot requests and render
// bot messages (or, the web board, pages) back, and hold no rules and no
// storage.
var adapters = []string{module + "/bot/slack", module + "/bot/zulip", module + "/bot/console", module + "/bot/web", module + "/bot/email"}

// layerRule forbids the packages under from importing, directly or
// through others, the packages under any of banned; std says that only
// the standard library may be imported at all.
type layerRule struct {
	under  []string
	banned []string
	std    bool
	why    string
}

var layerRules = []layerRule{
	{under: []string{module + "/bot"}, std: true,
		why: "bot is the domain: it imports only the standard library"},
	{under: adapters, banned: []string{module + "/storage", module + "/commands"},
		why: "adapters import bot, not storage or commands"},
	{under: []string{module + "/commands"}, banned: append(slices.Clone(adapters), module+"/storage"),
		why: "commands import bot, not an adapter or storage"},
	{under: []string{module + "/storage"}, banned: append(slices.Clone(adapters), module+"/commands"),
		why: "storage implements bot's stores: it imports no adapter and not commands"},
}

// within reports whether pkg is p or below it. The bot rule is about the
// bot package itself: its sub-packages (the adapters, the loops) have
// rules of their own.
func within(pkg, p string, exact bool) bool {
	if exact {
		return pkg == p
	}
	return pkg == p || strings.HasPrefix(pkg, p+"/")
}

// standard reports whether an import path is the standard library's (its
// first element has no dot, and it is not this module's).
func standard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && !within(path, module, false)
}

// violations checks the rules against imports (a package's direct, non-test
// imports) and says each violation with the import chain that makes it.
func violations(imports map[string][]string, rules []layerRule) []string {
	var out []string
	pkgs := make([]string, 0, len(imports))
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	for _, r := range rules {
		for _, pkg := range pkgs {
			in := false
			for _, u := range r.under {
				in = in || within(pkg, u, r.std)
			}
			if !in {
				continue
			}
			// Walk the imports breadth first, remembering how each was
			// reached, to name the chain.
			via := map[string]string{pkg: ""}
			queue := []string{pkg}
			for len(queue) > 0 {
				cur := queue[0]
				queue = queue[1:]
				for _, imp := range imports[cur] {
					if _, seen := via[imp]; seen {
						continue
					}
					via[imp] = cur
					bad := r.std && !standard(imp)
					for _, b := range r.banned {
						bad = bad || within(imp, b, false)
					}
					if bad {
						chain := []string{imp}
						for p := cur; p != ""; p = via[p] {
							chain = append([]string{p}, chain...)
						}
						out = append(out, r.why+": "+strings.Join(chain, " → "))
						continue
					}
					if within(imp, module, false) {
						queue = append(queue, imp)
					}
				}
			}
		}
	}
	return out
}

// moduleImports lists every package of the module (a directory with
// non-test Go files, testdata and hidden directories aside) with its
// direct non-test imports, read from the files themselves (so that go
// test's cache knows the result depends on them). Build constraints are
// not honoured: a file for any platform counts.
func moduleImports(t *testing.T) map[string][]string {
	t.Helper()
	imports := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := module
		if dir := filepath.ToSlash(filepath.Dir(path)); dir != "." {
			pkg += "/" + dir
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			if !slices.Contains(imports[pkg], p) {
				imports[pkg] = append(imports[pkg], p)
			}
		}
		if _, ok := imports[pkg]; !ok {
			imports[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return imports
}

func TestLayers_ImportsKeepToTheirLayers(t *testing.T) {
	imports := moduleImports(t)
	for _, p := range []string{module + "/bot", module + "/commands", module + "/storage", module + "/bot/slack"} {
		if _, ok := imports[p]; !ok {
			t.Fatalf("go list did not list %s: the rules would check nothing", p)
		}
	}
	for _, v := range violations(imports, layerRules) {
		t.Error(v)
	}
}

// The check itself finds what it is there to find, directly and through
// another package, and names the chain.
func TestLayers_ViolationsAreNamed(t *testing.T) {
	imports := map[string][]string{
		module + "/bot":             {"fmt", "github.com/BurntSushi/toml"},
		module + "/bot/slack":       {module + "/bot", module + "/internal/helper"},
		module + "/internal/helper": {module + "/storage"},
		module + "/storage":         {module + "/bot", "github.com/jmoiron/sqlx"},
		module + "/commands":        {module + "/bot", module + "/bot/zulip"},
		module + "/bot/zulip":       {module + "/bot"},
		module + "/bot/dtsync":      {module + "/bot", "net/url"},
	}
	got := violations(imports, layerRules)
	want := []string{
		"bot is the domain: it imports only the standard library: " + module + "/bot → github.com/BurntSushi/toml",
		"adapters import bot, not storage or commands: " + module + "/bot/slack → " + module + "/internal/helper → " + module + "/storage",
		"commands import bot, not an adapter or storage: " + module + "/commands → " + module + "/bot/zulip",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
