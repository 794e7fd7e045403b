// Command salesforce-export exports one sObject to CSV with a progress bar.
//
//	go run ./examples/salesforce-export -object Account -out accounts.csv
//
// Without credentials in the environment it runs against the library's fake
// org on loopback, seeded with generated Accounts. To export from a real org,
// set:
//
//	SALESFORCE_INSTANCE_URL   https://acme.my.salesforce.com
//	SALESFORCE_TOKEN_URL      https://acme.my.salesforce.com/services/oauth2/token
//	SALESFORCE_CLIENT_ID      the connected app's consumer key
//	SALESFORCE_CLIENT_SECRET  its secret
//	SALESFORCE_REFRESH_TOKEN  a refresh token for the integration user
//
// -bulk exports through Bulk API 2.0 instead of paged REST queries.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	"github.com/xlr8/connectors/salesforce"
)

func main() {
	object := flag.String("object", "Account", "the sObject to export")
	out := flag.String("out", "", "the CSV file to write (default: stdout)")
	where := flag.String("where", "", "an optional filter in the universal syntax, e.g. \"Industry = 'Energy'\"")
	bulk := flag.Bool("bulk", false, "export through Bulk API 2.0")
	fakeRecords := flag.Int("fake-records", 25000, "records the fake org holds when no credentials are set")
	verbose := flag.Bool("v", false, "log each API call to stderr")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *object, *out, *where, *bulk, *fakeRecords, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "salesforce-export:", err)
		if r := connectors.ResumeToken(err); r != "" {
			fmt.Fprintln(os.Stderr, "the export stopped part way; the same query with its Resume token continues it")
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, object, outPath, where string, bulk bool, fakeRecords int, verbose bool) error {
	opts := []connectors.Option{}
	if verbose {
		opts = append(opts, connectors.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))))
	}
	cred, fakeOpts, cleanup, err := credential(fakeRecords)
	if err != nil {
		return err
	}
	defer cleanup()
	opts = append(opts, fakeOpts...)
	bar := newBar(os.Stderr, object)
	// The progress hook carries the total Salesforce advertises (totalSize,
	// or the bulk job's record count), so the bar can show a percentage.
	opts = append(opts, connectors.WithProgress(func(p connectors.Progress) {
		if p.Total > 0 {
			bar.total = int(p.Total)
		}
	}))

	conn, err := connectors.Open(ctx, salesforce.Product, cred, opts...)
	if err != nil {
		return err
	}
	defer conn.Close()
	schema, err := conn.Schema(ctx, object)
	if err != nil {
		return err
	}
	q := connectors.Query{Entity: schema.Entity}
	for _, f := range schema.Fields {
		if f.Type != connectors.TypeObject {
			q.Fields = append(q.Fields, f.Name)
		}
	}
	if where != "" {
		// A small filter syntax for the command line: field = 'value'.
		field, value, ok := strings.Cut(where, "=")
		if !ok {
			return fmt.Errorf("-where wants field = 'value'")
		}
		q.Where = connectors.Eq(strings.TrimSpace(field), strings.Trim(strings.TrimSpace(value), "'"))
	}

	var w io.Writer = os.Stdout
	if outPath != "" {
		f, err := os.Create(outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(q.Fields); err != nil {
		return err
	}
	var seq func(func(connectors.Record, error) bool)
	if bulk {
		be, ok := connectors.Find[connectors.BulkExporter](conn)
		if !ok {
			return errors.New("this connector has no bulk export")
		}
		st, err := be.StartExport(ctx, q)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bulk job %s %s\n", st.ID, st.VendorState)
		seq = be.ExportResults(ctx, st.ID)
	} else {
		seq = conn.Get(ctx, q)
	}
	row := make([]string, len(q.Fields))
	n := 0
	for rec, err := range seq {
		if err != nil {
			bar.finish(n)
			return err
		}
		for i, f := range q.Fields {
			row[i] = format(rec[f])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		n++
		bar.update(n)
	}
	cw.Flush()
	bar.finish(n)
	return cw.Error()
}

// credential reads a real org's credential from the environment, or starts
// the fake org and returns a credential for it.
func credential(fakeRecords int) (*credentials.Credential, []connectors.Option, func(), error) {
	if inst := os.Getenv("SALESFORCE_INSTANCE_URL"); inst != "" {
		cred := &credentials.Credential{ID: "env", ProductID: salesforce.Product, InstanceURL: inst, AuthType: credentials.AuthOAuth2,
			Secrets: credentials.Secrets{
				"client_id": os.Getenv("SALESFORCE_CLIENT_ID"), "client_secret": os.Getenv("SALESFORCE_CLIENT_SECRET"),
				"refresh_token": os.Getenv("SALESFORCE_REFRESH_TOKEN"), "token_url": os.Getenv("SALESFORCE_TOKEN_URL")}}
		return cred, nil, func() {}, nil
	}
	srv := fakesf.New(fakesf.Config{PageSize: 2000, BulkChunk: 5000})
	srv.Generate("Account", fakeRecords)
	cfg := srv.Config()
	fmt.Fprintf(os.Stderr, "no SALESFORCE_INSTANCE_URL: exporting from the fake org at %s (%d generated Accounts)\n", srv.URL, fakeRecords)
	cred := &credentials.Credential{ID: "fake", ProductID: salesforce.Product, InstanceURL: srv.URL, AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret,
			"refresh_token": cfg.RefreshToken, "token_url": srv.TokenURL()}}
	opts := []connectors.Option{connectors.WithHTTPClient(srv.Client()), salesforce.WithBulkPoll(10*time.Millisecond, 100*time.Millisecond)}
	return cred, opts, srv.Close, nil
}

// format renders a typed value for CSV.
func format(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// bar is a small progress bar on stderr.
type bar struct {
	w     io.Writer
	label string
	total int // 0 until the vendor says
	start time.Time
	last  time.Time
}

func newBar(w io.Writer, label string) *bar {
	return &bar{w: w, label: label, start: time.Now()}
}

func (b *bar) update(n int) {
	if time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last = time.Now()
	b.draw(n)
}

func (b *bar) draw(n int) {
	rate := float64(n) / time.Since(b.start).Seconds()
	const width = 30
	if b.total <= 0 {
		fmt.Fprintf(b.w, "\r%s %d records, %.0f/s", b.label, n, rate)
		return
	}
	fill := min(width, n*width/b.total)
	fmt.Fprintf(b.w, "\r%s [%s%s] %3d%% %d/%d records, %.0f/s", b.label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
		100*n/b.total, n, b.total, rate)
}

func (b *bar) finish(n int) {
	b.draw(n)
	fmt.Fprintf(b.w, "\n%d records in %s\n", n, time.Since(b.start).Round(time.Millisecond))
}
