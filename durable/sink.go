package durable

import (
	"context"
	"slices"
	"sync"

	connectors "github.com/xlr8/connectors"
)

// Progress is where a job stands: what an activity heartbeats after every
// batch, and what a Checkpointer sink keeps with each batch.
type Progress struct {
	// Resume is the stream's Resume token for the first record not yet
	// written ("" at the start and at the end).
	Resume string `json:"resume,omitempty"`
	// JobID is the bulk export job (exports only), so that a retried
	// activity never starts a second job.
	JobID string `json:"job_id,omitempty"`
	// Written counts the records written so far, across attempts.
	Written int64 `json:"written"`
	// Done marks a job whose last batch was written.
	Done bool `json:"done,omitempty"`
}

// Batch is a run of records an activity hands to the sink, with the
// progress that holds once they are written.
type Batch struct {
	// Key names the job (GetInput.Key): one sink serves many jobs.
	Key     string
	Records []connectors.Record
	// Progress is where the job stands after this batch (Progress.Done on
	// the last batch of a job that completed).
	Progress Progress
}

// Sink receives the records of gathers and exports. Write must be durable
// when it returns: the activity heartbeats the batch's progress only after.
// It is called from one goroutine per job; jobs run concurrently.
type Sink interface {
	Write(ctx context.Context, b Batch) error
}

// Checkpointer is a Sink that stores each batch's Progress atomically with
// its records (in the same database transaction, say) and gives back the
// last one. With it, a retried activity continues from what the sink holds,
// so a worker that died between a write and its heartbeat causes no
// duplicate: every record is written once. Without it, the heartbeat is the
// checkpoint, and such a death repeats one batch (at least once).
type Checkpointer interface {
	Checkpoint(ctx context.Context, key string) (p Progress, ok bool, err error)
}

// MemorySink keeps records in memory: for tests and examples. It is a
// Checkpointer and safe for concurrent use.
type MemorySink struct {
	mu       sync.Mutex
	records  map[string][]connectors.Record
	progress map[string]Progress
}

// NewMemorySink returns an empty MemorySink.
func NewMemorySink() *MemorySink {
	return &MemorySink{records: map[string][]connectors.Record{}, progress: map[string]Progress{}}
}

// Write appends the batch's records and keeps its progress.
func (s *MemorySink) Write(_ context.Context, b Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range b.Records {
		s.records[b.Key] = append(s.records[b.Key], r.Clone())
	}
	s.progress[b.Key] = b.Progress
	return nil
}

// Checkpoint returns the progress of the last batch written for key.
func (s *MemorySink) Checkpoint(_ context.Context, key string) (Progress, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.progress[key]
	return p, ok, nil
}

// Records returns a copy of the records written for key.
func (s *MemorySink) Records(key string) []connectors.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.records[key])
}

// Done reports whether the job of key completed.
func (s *MemorySink) Done(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progress[key].Done
}

// Keys returns the keys written, sorted.
func (s *MemorySink) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.records {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
