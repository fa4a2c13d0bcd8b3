package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/server"
	"github.com/dxatlas/dxatlas/internal/store"
)

// dbFlags are the flags every data command shares.
type dbFlags struct {
	data     string
	database string
	baseURL  string
	logLevel string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "./dxatlas-data", "directory for the embedded SQLite database (env DXATLAS_DATA)")
	fs.StringVar(&d.database, "database", "", "PostgreSQL URL, e.g. postgres://user@host/db; empty = SQLite in --data (env DXATLAS_DATABASE)")
	fs.StringVar(&d.baseURL, "base-url", "http://localhost:8080", "public URL of the site, for links in mail (env DXATLAS_BASE_URL)")
	fs.StringVar(&d.logLevel, "log-level", "info", "debug, info, warn or error (env DXATLAS_LOG_LEVEL)")
}

// open opens and migrates the database and builds the app.
func (d *dbFlags) open(ctx context.Context, log *slog.Logger) (*app.App, func(), error) {
	db, err := store.Open(ctx, d.database, d.data)
	if err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrate: %w", err)
	}
	cat, err := i18n.New()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	a := app.New(db, cat, app.Options{BaseURL: d.baseURL, Log: log})
	return a, func() { db.Close() }, nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	var d dbFlags
	d.register(fs)
	addr := fs.String("addr", ":8080", "address to listen on (env DXATLAS_ADDR)")
	demo := fs.Bool("demo", false, "load the demo call, accounts and sample cases once (env DXATLAS_DEMO)")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure (when served behind TLS) (env DXATLAS_SECURE_COOKIES)")
	trustProxy := fs.Bool("trust-proxy", false, "take client addresses from X-Forwarded-For (env DXATLAS_TRUST_PROXY)")
	var smtp mail.SMTPConfig
	fs.StringVar(&smtp.Host, "smtp-host", "", "SMTP server; empty = write mail to the log (env DXATLAS_SMTP_HOST)")
	fs.IntVar(&smtp.Port, "smtp-port", 587, "SMTP port (env DXATLAS_SMTP_PORT)")
	fs.StringVar(&smtp.Username, "smtp-user", "", "SMTP user name (env DXATLAS_SMTP_USER)")
	fs.StringVar(&smtp.Password, "smtp-password", "", "SMTP password (env DXATLAS_SMTP_PASSWORD)")
	fs.StringVar(&smtp.TLS, "smtp-tls", "starttls", "none, starttls or tls (env DXATLAS_SMTP_TLS)")
	fs.BoolVar(&smtp.InsecureSkipVerify, "smtp-insecure", false, "skip TLS certificate checks (testing only) (env DXATLAS_SMTP_INSECURE)")
	fs.StringVar(&smtp.From, "mail-from", "dxatlas <no-reply@localhost>", "sender address (env DXATLAS_MAIL_FROM)")
	reminder := fs.Duration("review-reminder", app.DefaultReviewReminder,
		"how long before a call's review deadline reviewers are reminded of unsubmitted reviews; 0 = never (env DXATLAS_REVIEW_REMINDER)")
	if err := parse(fs, args); err != nil {
		return err
	}
	log := newLogger(stderr, d.logLevel)
	a, closeDB, err := d.open(ctx, log)
	if err != nil {
		return err
	}
	defer closeDB()

	var transport mail.Transport = mail.LogTransport{Log: log}
	if smtp.Host != "" {
		t, err := mail.NewSMTP(smtp)
		if err != nil {
			return err
		}
		transport = t
	}
	worker := mail.NewWorker(a.DB, transport, time.Now, log)
	a.Notify = worker.Notify

	if *demo {
		accounts, err := seedDemo(ctx, a)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		printDemo(stdout, d.baseURL, accounts)
	}
	// The library's index is built before the first request, from search
	// documents brought in line with the published cases.
	start := time.Now()
	reindexed, removed, err := a.PrepareLibrary(ctx)
	if err != nil {
		return fmt.Errorf("library: %w", err)
	}
	log.Info("library ready", "cases", a.Library.Len(), "reindexed", reindexed, "removed", removed,
		"took", time.Since(start).Round(time.Millisecond))

	h, err := server.Handler(a, server.Options{Secure: *secure, TrustProxy: *trustProxy})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // slow uploads on 2G links
		WriteTimeout:      5 * time.Minute, // streamed exports
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	wctx, stopWorker := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { worker.Run(wctx, 15*time.Second); close(done) }()
	reminded := make(chan struct{})
	go func() { a.RunReviewReminders(wctx, 15*time.Minute, *reminder); close(reminded) }()
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case <-t.C:
				if _, err := a.DB.DeleteExpiredSessions(wctx, time.Now()); err != nil {
					log.Warn("session cleanup", "err", err)
				}
			}
		}
	}()
	log.Info("dxatlas listening", "addr", ln.Addr().String(), "database", a.DB.Dialect(), "version", version)
	err = server.Serve(ctx, srv, ln, 20*time.Second)
	stopWorker()
	<-done
	<-reminded
	log.Info("dxatlas stopped")
	return err
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", stderr)
	var d dbFlags
	d.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	_, closeDB, err := d.open(ctx, newLogger(stderr, d.logLevel))
	if err != nil {
		return err
	}
	closeDB()
	fmt.Fprintln(stdout, "migrations are current")
	return nil
}

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	var d dbFlags
	d.register(fs)
	out := fs.String("out", "", "file to write the backup to (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("backup: --out is required")
	}
	a, closeDB, err := d.open(ctx, newLogger(stderr, d.logLevel))
	if err != nil {
		return err
	}
	defer closeDB()
	if err := a.DB.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "backup written to", *out)
	return nil
}

func readPassword(stdin io.Reader, fromStdin bool, stderr io.Writer) (string, error) {
	if !fromStdin {
		return "", nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("user add", stderr)
	var d dbFlags
	d.register(fs)
	email := fs.String("email", "", "e-mail address (required)")
	name := fs.String("name", "", "full name (required)")
	role := fs.String("role", "applicant", "admin, secretariat, reviewer or applicant")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input; otherwise one is generated and printed")
	if err := parse(fs, args); err != nil {
		return err
	}
	pw, err := readPassword(stdin, *pwStdin, stderr)
	if err != nil {
		return err
	}
	generated := pw == ""
	if generated {
		pw, _ = app.NewToken()
		pw = pw[:20]
	}
	a, closeDB, err := d.open(ctx, newLogger(stderr, d.logLevel))
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := a.AddUser(ctx, nil, *email, *name, *role, pw)
	if err != nil {
		return describe(a, err)
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", pw)
	}
	return nil
}

func cmdTokenIssue(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token issue", stderr)
	var d dbFlags
	d.register(fs)
	email := fs.String("email", "", "account e-mail (required)")
	name := fs.String("name", "cli", "a label for the token")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, newLogger(stderr, d.logLevel))
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := a.DB.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("account %q: %w", *email, err)
	}
	tok, err := a.IssueToken(ctx, u, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

// describe renders an app error in English for the terminal.
func describe(a *app.App, err error) error {
	e := app.AsError(err)
	if e == nil {
		return err
	}
	L := a.Cat.Localizer("en")
	var b strings.Builder
	b.WriteString(L.T(e.Key, e.Args))
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, L.T(f.Key, f.Args))
	}
	return errors.New(b.String())
}

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", stderr)
	var d dbFlags
	d.register(fs)
	call := fs.String("call", "", "slug of the call to import into (required)")
	publish := fs.Bool("publish", false, "publish the imported cases directly")
	owner := fs.String("owner", "", "e-mail of the account that will own the cases (default: a system account)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the import to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *call == "" || fs.NArg() != 1 {
		return errors.New("usage: dxatlas import --call SLUG [--publish] FILE (use - for standard input)")
	}
	var in io.Reader = os.Stdin
	var size int64
	if p := fs.Arg(0); p != "-" {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		in = f
	}
	a, closeDB, err := d.open(ctx, newLogger(stderr, d.logLevel))
	if err != nil {
		return err
	}
	defer closeDB()
	stopProfile, err := startCPUProfile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()
	bulkGC()
	start := time.Now()
	var progress func(int, int64)
	if !*quiet {
		progress = func(lines int, read int64) {
			fmt.Fprint(stderr, "\r"+progressBar(lines, read, size, time.Since(start)))
		}
	}
	restore, err := a.DB.BulkLoad(ctx)
	if err != nil {
		return err
	}
	rep, err := a.Import(ctx, nil, *call, in, app.ImportOptions{Owner: *owner, Publish: *publish, Progress: progress,
		NoLibrarySync: true})
	err = errors.Join(err, restore(context.WithoutCancel(ctx)))
	if progress != nil {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return err
	}
	for _, r := range rep.Rejected {
		fmt.Fprintf(stdout, "line %d rejected:\n", r.Line)
		for _, why := range r.Reasons {
			fmt.Fprintf(stdout, "  - %s\n", why)
		}
	}
	fmt.Fprintf(stdout, "%d lines read, %d cases imported, %d lines rejected (%s)\n",
		rep.Lines, len(rep.Imported), len(rep.Rejected), time.Since(start).Round(time.Millisecond))
	if len(rep.Rejected) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%d lines rejected", len(rep.Rejected))}
	}
	return nil
}

func progressBar(lines int, read, size int64, elapsed time.Duration) string {
	if size <= 0 {
		return fmt.Sprintf("%d lines, %s", lines, elapsed.Round(time.Second))
	}
	const width = 30
	frac := float64(read) / float64(size)
	if frac > 1 {
		frac = 1
	}
	n := int(frac * width)
	return fmt.Sprintf("[%s%s] %3.0f%% %d lines, %s", strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100, lines, elapsed.Round(time.Second))
}

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	var d dbFlags
	d.register(fs)
	call := fs.String("call", "", "slug of the call (required)")
	format := fs.String("format", "jsonl", "jsonl, csv or xlsx")
	out := fs.String("out", "", "output file (default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *call == "" {
		return errors.New("usage: dxatlas export --call SLUG --format jsonl|csv|xlsx [--out FILE]")
	}
	a, closeDB, err := d.open(ctx, newLogger(stderr, d.logLevel))
	if err != nil {
		return err
	}
	defer closeDB()
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = f
	}
	err = a.ExportCall(ctx, *call, *format, w)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return describe(a, err)
}
