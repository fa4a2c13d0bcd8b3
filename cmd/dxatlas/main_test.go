package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dxatlas/dxatlas/internal/demo"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// cli runs the command line in-process against one database.
type cli struct {
	t    *testing.T
	args []string // the database flags
}

func (c cli) run(stdin string, args ...string) (stdout, stderr string, err error) {
	c.t.Helper()
	var o, e bytes.Buffer
	all := append(append([]string{}, args...), c.args...)
	// Positional arguments (the import file) must follow the flags.
	if args[0] == "import" {
		all = append(append(append([]string{}, args[:len(args)-1]...), c.args...), args[len(args)-1])
	}
	err = run(context.Background(), all, strings.NewReader(stdin), &o, &e)
	return o.String(), e.String(), err
}

func TestCommandLine(t *testing.T) {
	dbs := map[string][]string{"sqlite": {"--data", t.TempDir()}}
	if os.Getenv(storetest.EnvPostgres) != "" {
		dbs["postgres"] = []string{"--database", storetest.PostgresURL(t)} // fresh, dropped afterwards
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI: " + storetest.EnvPostgres + " must be set")
	}
	for name, args := range dbs {
		t.Run(name, func(t *testing.T) {
			c := cli{t: t, args: args}
			if out, _, err := c.run("", "migrate"); err != nil || !strings.Contains(out, "current") {
				t.Fatalf("migrate: %q %v", out, err)
			}
			if out, _, err := c.run("", "version"); err != nil || !strings.HasPrefix(out, "dxatlas ") {
				t.Fatalf("version: %q %v", out, err)
			}
			out, _, err := c.run("a strong passphrase\n", "user", "add", "--email", "Sec@Example.org", "--name", "Secretariat", "--role", "secretariat", "--password-stdin")
			if err != nil || !strings.Contains(out, "sec@example.org") {
				t.Fatalf("user add: %q %v", out, err)
			}
			if _, _, err := c.run("", "user", "add", "--email", "sec@example.org", "--name", "Again", "--role", "secretariat"); err == nil {
				t.Fatal("a duplicate account was created")
			}
			if _, _, err := c.run("", "user", "add", "--email", "x@example.org", "--name", "X", "--role", "king"); err == nil {
				t.Fatal("an unknown role was accepted")
			}
			tok, _, err := c.run("", "token", "issue", "--email", "sec@example.org")
			if err != nil || !strings.HasPrefix(tok, "dxa_") {
				t.Fatalf("token issue: %q %v", tok, err)
			}

			// The demo creates the call that import needs.
			if err := seedWith(t, args); err != nil {
				t.Fatal(err)
			}
			lines := demo.CaseLines()
			bad := `{"title": "Too short"}`
			file := filepath.Join(t.TempDir(), "cases.jsonl")
			content := string(lines[0]) + "\n" + bad + "\nnot json\n" + string(lines[1]) + "\n"
			if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			out, errOut, err := c.run("", "import", "--call", "sme-dx-2026", file)
			if exitCode(err) != 1 {
				t.Fatalf("import with rejected lines: exit %d (%v)", exitCode(err), err)
			}
			for _, want := range []string{"line 2 rejected", "line 3 rejected", "summary", "4 lines read, 2 cases imported, 2 lines rejected"} {
				if !strings.Contains(out, want) {
					t.Errorf("import output lacks %q:\n%s", want, out)
				}
			}
			if !strings.Contains(errOut, "100%") {
				t.Errorf("no progress shown: %q", errOut)
			}

			// Exports: JSON Lines, CSV and XLSX.
			out, _, err = c.run("", "export", "--call", "sme-dx-2026", "--format", "jsonl")
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(l), &rec); err != nil {
					t.Fatalf("jsonl line %q: %v", l, err)
				}
				n++
			}
			if n < 2 {
				t.Errorf("jsonl records = %d", n)
			}
			xlsx := filepath.Join(t.TempDir(), "cases.xlsx")
			if _, _, err := c.run("", "export", "--call", "sme-dx-2026", "--format", "xlsx", "--out", xlsx); err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenFile(xlsx)
			if err != nil {
				t.Fatal(err)
			}
			if rows, _ := x.GetRows("Cases"); len(rows) != n+1 {
				t.Errorf("xlsx rows = %d, want %d", len(rows), n+1)
			}
			if _, _, err := c.run("", "export", "--call", "no-such-call", "--format", "csv"); err == nil {
				t.Error("export of an unknown call succeeded")
			}
			if name == "sqlite" {
				out := filepath.Join(t.TempDir(), "backup.db")
				if _, _, err := c.run("", "backup", "--out", out); err != nil {
					t.Fatal(err)
				}
				if st, err := os.Stat(out); err != nil || st.Size() == 0 {
					t.Fatalf("backup file: %v", err)
				}
			}
		})
	}
}

// seedWith loads the demo into the database named by args.
func seedWith(t *testing.T, args []string) error {
	var d dbFlags
	fs := newFlags("seed", &bytes.Buffer{})
	d.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, closeDB, err := d.open(context.Background(), newLogger(&bytes.Buffer{}, "error"))
	if err != nil {
		return err
	}
	defer closeDB()
	_, err = seedDemo(context.Background(), a)
	return err
}
