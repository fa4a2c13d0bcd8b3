// Command dxatlas runs the dxatlas platform and its operator tools.
//
//	dxatlas serve [--addr :8080] [--data DIR] [--database URL] [--demo]
//	dxatlas user add --email E --name N --role R [--password-stdin]
//	dxatlas token issue --email E [--name LABEL]
//	dxatlas import --call SLUG [--publish] FILE
//	dxatlas export --call SLUG --format jsonl|csv|xlsx [--out FILE]
//	dxatlas demo generate --cases N [--seed S] [--out FILE]
//	dxatlas migrate | backup --out FILE | version
//
// Every flag also reads an environment variable: --data from DXATLAS_DATA,
// --database from DXATLAS_DATABASE, --smtp-host from DXATLAS_SMTP_HOST, …
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // IANA zones for calls, whatever the host has
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "dxatlas:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit status (e.g. an import with rejected
// lines exits 1 after importing the rest).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `dxatlas — calls for cases on ICT-enabled digital transformation of SMEs

Usage:
  dxatlas serve [--addr :8080] [--data DIR] [--database URL] [--demo]
  dxatlas user add --email E --name N --role admin|secretariat|reviewer|applicant [--password-stdin]
  dxatlas token issue --email E [--name LABEL]
  dxatlas import --call SLUG [--publish] [--owner EMAIL] FILE
  dxatlas export --call SLUG --format jsonl|csv|xlsx [--out FILE]
  dxatlas demo generate --cases N [--seed S] [--out FILE]
  dxatlas migrate
  dxatlas backup --out FILE
  dxatlas version

Run "dxatlas COMMAND -h" for a command's flags. Every flag can also be set
with an environment variable: --database → DXATLAS_DATABASE, and so on.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "user":
		if len(rest) == 0 || rest[0] != "add" {
			return fmt.Errorf("usage: dxatlas user add --email E --name N --role R [--password-stdin]")
		}
		return cmdUserAdd(ctx, rest[1:], stdin, stdout, stderr)
	case "token":
		if len(rest) == 0 || rest[0] != "issue" {
			return fmt.Errorf("usage: dxatlas token issue --email E [--name LABEL]")
		}
		return cmdTokenIssue(ctx, rest[1:], stdout, stderr)
	case "import":
		return cmdImport(ctx, rest, stdout, stderr)
	case "export":
		return cmdExport(ctx, rest, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "dxatlas", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// envName is the environment variable that backs a flag.
func envName(flagName string) string {
	return "DXATLAS_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// newFlags returns a flag set whose flags, after Parse, fall back to their
// environment variables when not given on the command line.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("dxatlas "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s: %w", envName(f.Name), e)
			}
		}
	})
	return err
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
