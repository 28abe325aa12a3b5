// Package dirfile reads and writes the directory file: a TOML file, edited
// by hand by liaison people, that holds the whole directory
// (organizations, their IETF liaison managers and contact points, the IAB
// liaison coordinators). It is what "directory import" reads and
// "directory export" writes, and a copy of it is bundled as the default
// directory (directory.toml, Default).
//
// One file per job: this one decodes (Parse), check.go turns the decoded
// file into a bot.Directory and reports its problems with their lines
// (the rules are bot.Directory.Validate's), encode.go writes (Format), and
// lines.go finds the line of a field for the problems.
package dirfile

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/ietf-tools/liaisonbot/bot"
)

//go:embed directory.toml
var defaultFile []byte

// Default returns the bundled directory file.
func Default() []byte {
	return append([]byte(nil), defaultFile...)
}

// Limits of the directory file.
const (
	formatVersion = 1        // the format this code reads and writes
	maxSize       = 10 << 20 // bytes
	maxErrors     = 20       // problems reported before "and N more"
)

// The file's shape. Optional person provenance is a pointer so that
// "absent" (inherit the organization's) differs from "empty".
type fileDoc struct {
	Format          *int64            `toml:"format"`
	StatementsEmail *string           `toml:"statements_email"`
	ManagersEmail   *string           `toml:"managers_email"`
	Coordinators    *fileCoordinators `toml:"coordinators"`
	Organizations   []fileOrg         `toml:"organization"`
}

type fileCoordinators struct {
	Email  string       `toml:"email"`
	People []filePerson `toml:"people"`
	Source string       `toml:"source"`
	AsOf   fileDate     `toml:"as_of"`
	By     string       `toml:"by"`
}

type fileOrg struct {
	Acronym       string       `toml:"acronym"`
	Name          string       `toml:"name"`
	Aliases       []string     `toml:"aliases"`
	Relationship  string       `toml:"relationship"`
	Reference     string       `toml:"reference"`
	URL           string       `toml:"url"`
	DatatrackerID int64        `toml:"datatracker_id"`
	Parent        string       `toml:"parent"`
	InDatatracker bool         `toml:"in_datatracker"`
	CC            []string     `toml:"cc"`
	Notes         []string     `toml:"notes"`
	Source        string       `toml:"source"`
	AsOf          fileDate     `toml:"as_of"`
	By            string       `toml:"by"`
	Managers      []filePerson `toml:"manager"`
	Contacts      []filePerson `toml:"contact"`
	Approvers     []filePerson `toml:"approver"`
}

type filePerson struct {
	Name   string    `toml:"name"`
	Email  string    `toml:"email"`
	Title  string    `toml:"title"`
	Source *string   `toml:"source"`
	AsOf   *fileDate `toml:"as_of"`
	By     *string   `toml:"by"`
}

// fileDate is an as_of value: a TOML date (2026-03-27, midnight UTC), a
// date-time (offsets are converted to UTC, local date-times taken as UTC),
// a quoted date, or "unknown" for no date. A value that is none of these
// is kept in bad and reported by the validation with its field path.
type fileDate struct {
	t   time.Time
	bad string
}

// unknownDate is how the file says "no date" where omitting the key
// would inherit one.
const unknownDate = "unknown"

func (d *fileDate) UnmarshalTOML(v any) error {
	*d = fileDate{}
	switch x := v.(type) {
	case time.Time:
		// BurntSushi/toml marks values without an offset with these zones.
		switch x.Location().String() {
		case "date-local", "datetime-local":
			y, m, day := x.Date()
			h, mi, s := x.Clock()
			d.t = time.Date(y, m, day, h, mi, s, x.Nanosecond(), time.UTC)
		case "time-local":
			d.bad = "is a time of day, not a date"
			return nil
		default:
			d.t = x.UTC()
		}
	case string:
		s := strings.TrimSpace(x)
		if s == "" || strings.EqualFold(s, unknownDate) {
			return nil
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t, err = time.Parse(time.RFC3339Nano, s)
		}
		if err != nil {
			d.bad = fmt.Sprintf("%q is not a date (write 2026-03-27, or \"unknown\")", x)
			return nil
		}
		d.t = t.UTC()
	default:
		d.bad = fmt.Sprintf("%v is not a date (write 2026-03-27, or \"unknown\")", v)
		return nil
	}
	if y := d.t.Year(); y < 1900 || y > 9999 {
		d.bad = fmt.Sprintf("%s is out of range (years 1900 to 9999)", d.t.Format(time.RFC3339))
		d.t = time.Time{}
	}
	return nil
}

// Parse decodes and validates a directory file. name is used in
// error messages. The error, if any, is a *bot.Error (code EINVALID) whose
// message lists every problem found (up to 20), one per line, each with the
// file name, the line when known and the field.
func Parse(name string, data []byte) (*bot.Directory, error) {
	if name == "" {
		name = "directory file"
	}
	if len(data) > maxSize {
		return nil, invalid(fmt.Sprintf("%s: the file is %d bytes; the limit is %d MiB", name, len(data), maxSize>>20))
	}
	if !utf8.Valid(data) {
		at := firstInvalid(data)
		line := 1 + strings.Count(string(data[:at]), "\n")
		return nil, invalid(fmt.Sprintf("%s: line %d: the file is not UTF-8 text (byte 0x%02x); save it as UTF-8", name, line, data[at]))
	}
	// Every value in the file is a one-line text (names, acronyms,
	// addresses, notes): invisible characters have no business there and go
	// before anything is checked, so that the checks see what is stored.
	text := bot.StripInvisible(string(data))
	var doc fileDoc
	md, err := toml.Decode(text, &doc)
	if err != nil {
		return nil, invalid(decodeError(name, err))
	}
	c := &checker{name: name, text: text}
	c.unknownKeys(md)
	d := c.build(&doc)
	if len(c.problems) > 0 {
		return nil, invalid(c.report())
	}
	return d, nil
}

func invalid(msg string) error {
	return &bot.Error{Code: bot.EINVALID, Message: msg}
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// decodeErrRE picks apart the errors BurntSushi/toml returns for
// values of the wrong type, which are not ParseErrors.
var decodeErrRE = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "([^"]*)"\): (.*)$`)

// The two ways BurntSushi/toml says a value has the wrong type.
var (
	typeErrRE  = regexp.MustCompile(`^incompatible types: TOML value has type (\S+); destination has type (\S+)$`)
	mismatchRE = regexp.MustCompile(`^type mismatch for \S+: expected (\S+) but found (\S+)$`)
)

// typeName names a TOML or Go type for people who edit the file.
func typeName(t string) string {
	switch t {
	case "string":
		return "a string"
	case "int64", "int", "integer":
		return "a whole number"
	case "bool", "boolean":
		return "true or false"
	case "slice", "array", "[]any":
		return "a list [...]"
	case "struct", "map", "map[string]any", "table":
		return "a table"
	case "float64", "float":
		return "a decimal number"
	case "time.Time", "datetime":
		return "a date"
	}
	return t
}

func decodeError(name string, err error) string {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := "syntax error: " + pe.Message
		if pe.LastKey != "" {
			msg = fmt.Sprintf("%s (after key %s)", msg, pe.LastKey)
		}
		if pe.Position.Line > 0 {
			return fmt.Sprintf("%s: line %d: %s", name, pe.Position.Line, msg)
		}
		return fmt.Sprintf("%s: %s", name, msg)
	}
	if m := decodeErrRE.FindStringSubmatch(err.Error()); m != nil {
		msg := m[3]
		if t := typeErrRE.FindStringSubmatch(msg); t != nil {
			msg = fmt.Sprintf("is %s, but should be %s", typeName(t[1]), typeName(t[2]))
		} else if t := mismatchRE.FindStringSubmatch(msg); t != nil {
			msg = fmt.Sprintf("is %s, but should be %s", typeName(t[2]), typeName(t[1]))
		}
		if m[1] != "" {
			return fmt.Sprintf("%s: line %s: %s: %s", name, m[1], m[2], msg)
		}
		return fmt.Sprintf("%s: %s: %s", name, m[2], msg)
	}
	return fmt.Sprintf("%s: %s", name, strings.TrimPrefix(err.Error(), "toml: "))
}
