package gather

import (
	"context"
	"iter"
	"slices"
	"sync"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/translate"
)

// Gather answers a question with truths: it selects the sources (Select),
// queries them concurrently (each within the source timeout, under the
// connectors' shared rate limits), and returns one truth per source, in the
// order of the selection. One source failing (authentication, quota, a
// timeout) is a truth with Err set and Complete false; the others still
// return. A question nothing matches gives no truths and no error (Select
// says why). The error is for the gather itself: the credential store, an
// analysis naming an unknown entity, or ctx ending.
func (g *Gatherer) Gather(ctx context.Context, question string, a Analysis) ([]Truth, error) {
	sel, err := g.Select(ctx, question, a)
	if err != nil {
		return nil, err
	}
	g.log.InfoContext(ctx, "gather", "project", g.project, "sources", len(sel.Sources), "reason", sel.Reason)
	truths := make([]Truth, len(sel.Sources))
	g.each(ctx, sel.Sources, func(i int, src Source) {
		truths[i] = g.run(ctx, src, a, nil)
	})
	if err := ctx.Err(); err != nil {
		return truths, connectors.Errorf(connectors.CodeOf(err), "gather: %v", err)
	}
	return truths, nil
}

// Stream is the streaming form of Gather for large pulls: sources are
// queried concurrently and their rows are handed to the consumer as they
// arrive, never all held. After a source's last row comes one Row with End
// set and Source holding the source's truth (without Rows: Count,
// completeness, Err). Breaking out of the loop stops every source.
func (g *Gatherer) Stream(ctx context.Context, question string, a Analysis) iter.Seq2[StreamRow, error] {
	return func(yield func(StreamRow, error) bool) {
		sel, err := g.Select(ctx, question, a)
		if err != nil {
			yield(StreamRow{}, err)
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch := make(chan StreamRow, 64)
		go func() {
			g.each(ctx, sel.Sources, func(_ int, src Source) {
				sink := func(r Row) bool {
					select {
					case ch <- StreamRow{Row: r, Source: src}:
						return true
					case <-ctx.Done():
						return false
					}
				}
				t := g.run(ctx, src, a, sink)
				select {
				case ch <- StreamRow{Source: src, End: true, Truth: &t}:
				case <-ctx.Done():
				}
			})
			close(ch)
		}()
		for r := range ch {
			if !yield(r, nil) {
				cancel()
				for range ch {
				}
				return
			}
		}
	}
}

// StreamRow is one item of Stream: a row of a source, or (End) the source's
// final truth.
type StreamRow struct {
	Row
	Source Source
	End    bool
	Truth  *Truth
}

// each runs fn for every source, at most g.concurrency at once, and waits.
func (g *Gatherer) each(ctx context.Context, sources []Source, fn func(int, Source)) {
	sem := make(chan struct{}, g.concurrency)
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				// Not started: fn sees the ended context and reports the
				// source as failed.
			}
			fn(i, src)
		}()
	}
	wg.Wait()
}

// run queries one source. With sink set (Stream) rows go to it instead of
// being kept.
func (g *Gatherer) run(ctx context.Context, src Source, a Analysis, sink func(Row) bool) Truth {
	t := Truth{Kind: src.Kind, Product: src.Product, CredentialID: src.CredentialID, Entity: src.Entity,
		NativeEntity: src.NativeEntity, Why: src.Why, AsOf: a.AsOf}
	fail := func(err error) Truth {
		t.Err, t.Error, t.Resume = err, err.Error(), connectors.ResumeToken(err)
		t.Complete = false
		return t
	}
	cq := connectors.Query{Entity: src.Entity, Fields: a.Fields[src.Entity], Where: a.Where[src.Entity], AsOf: a.AsOf, Since: a.Since}
	pq, err := g.vocab.ToProduct(cq, src.Product)
	if err != nil {
		return fail(err)
	}
	t.Query = translate.Format(pq)
	m, err := g.vocab.Mapping(src.Product, src.Entity)
	if err != nil {
		return fail(err)
	}
	key := src.CredentialID + "\x00" + pq.Fingerprint()
	if src.Kind == Configuration && sink == nil {
		if c, ok := g.cached(key); ok {
			c.Cached, c.Why = true, src.Why
			c.Rows = slices.Clone(c.Rows)
			return c
		}
	}
	conn, err := g.connector(ctx, src.CredentialID)
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	if ex, ok := connectors.Find[connectors.Explainer](conn); ok {
		if plan, err := ex.Explain(ctx, pq); err == nil {
			t.Native = plan.Native
			if plan.Pushed != nil {
				t.Pushed = plan.Pushed.String()
			}
			if plan.Residual != nil {
				t.Residual = plan.Residual.String()
			}
		}
	}
	budget := a.Budget
	if budget <= 0 {
		budget = g.budget
	}
	t.FetchedAt = g.now()
	for rec, err := range conn.Get(ctx, pq) {
		if err != nil {
			return fail(err)
		}
		t.Count++
		row := Row{Vendor: rec, Canonical: m.RecordToCanonical(rec)}
		if sink != nil {
			if !sink(row) {
				return fail(connectors.Errorf(connectors.CodeUnavailable, "gather: stopped by the consumer"))
			}
			continue
		}
		if len(t.Rows) < budget {
			t.Rows = append(t.Rows, row)
		} else {
			t.Truncated = true
		}
	}
	t.Complete = true
	if src.Kind == Configuration && sink == nil {
		g.store(key, t)
	}
	return t
}
