package credentials

// Benchmarks on a FileStore of 10,000 credentials, with baselines measured
// in the same run: a bare AES-GCM open of one envelope (the crypto floor of
// Get), a bare read of one record file (its I/O floor), and a bare
// write+fsync+rename+folder fsync (the durability floor of Store).
//
//	go test ./credentials -run '^$' -bench . -benchmem

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const benchN = 10_000

var (
	benchOnce sync.Once
	benchDir  string
	benchKey  *Key
	benchIDs  []string
	benchErr  error
)

// benchStore fills a folder with benchN sealed credentials once per run
// (written directly, without a sync per file, to keep setup short).
func benchStore(b *testing.B) (*FileStore, *Manager) {
	b.Helper()
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "xlr8-credentials-bench")
		if benchErr != nil {
			return
		}
		benchKey, benchErr = GenerateKey()
		if benchErr != nil {
			return
		}
		ring, _ := NewKeyring(benchKey)
		m, err := NewManager(NewMemoryStore(), ring)
		if err != nil {
			benchErr = err
			return
		}
		now := time.Now()
		for i := 0; i < benchN; i++ {
			id := fmt.Sprintf("cred_%05d", i)
			c := oauthCred(fmt.Sprintf("project-%03d", i%100), "https://login.example.com/oauth2/token")
			rec := &Record{ID: id, ProjectID: c.ProjectID, ProductID: c.ProductID, InstanceURL: c.InstanceURL,
				AuthType: c.AuthType, Status: StatusActive, CreatedAt: now, UpdatedAt: now}
			if err := m.sealWith(benchKey, rec, &payload{Secrets: c.Secrets}); err != nil {
				benchErr = err
				return
			}
			data, err := encodeFile(rec)
			if err != nil {
				benchErr = err
				return
			}
			if err := os.WriteFile(filepath.Join(benchDir, id+fileSuffix), data, 0o600); err != nil {
				benchErr = err
				return
			}
			// Steady state: credentials written long before they are
			// read (a file modified within the last seconds is checked
			// against its bytes on every Get; see FileStore).
			old := now.Add(-time.Hour)
			if err := os.Chtimes(filepath.Join(benchDir, id+fileSuffix), old, old); err != nil {
				benchErr = err
				return
			}
			benchIDs = append(benchIDs, id)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	s, err := OpenFileStore(benchDir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ring, _ := NewKeyring(benchKey)
	m, err := NewManager(s, ring)
	if err != nil {
		b.Fatal(err)
	}
	return s, m
}

func cleanupBench() {
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
}

// BenchmarkFileStoreGet: Manager.Get (read the file, reuse the parsed
// record, open the envelope, decode the secrets) on 10,000 credentials,
// every file already read once.
func BenchmarkFileStoreGet(b *testing.B) {
	_, m := benchStore(b)
	ctx := context.Background()
	for _, id := range benchIDs {
		if _, err := m.Get(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Get(ctx, benchIDs[i%benchN]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFileStoreGetUncached: the same with the parsed record dropped
// before every Get (the first Get of a credential in a process, or after
// another process changed it).
func BenchmarkFileStoreGetUncached(b *testing.B) {
	s, m := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := benchIDs[i%benchN]
		s.cmu.Lock()
		delete(s.cache, id)
		s.cmu.Unlock()
		if _, err := m.Get(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFileStoreStore: Manager.Store replacing credentials of a
// 10,000-credential store (validate, seal, lock, temp file, fsync, rename,
// folder fsync).
func BenchmarkFileStoreStore(b *testing.B) {
	_, m := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := oauthCred(fmt.Sprintf("project-%03d", (i%benchN)%100), "https://login.example.com/oauth2/token")
		c.ID = benchIDs[i%benchN]
		if _, err := m.Store(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryStoreGet: Manager.Get over a MemoryStore (no file I/O).
func BenchmarkMemoryStoreGet(b *testing.B) {
	ring, _ := NewKeyring(mustKey(b))
	m := mustManager(b, NewMemoryStore(), ring)
	ctx := context.Background()
	id, err := m.Store(ctx, oauthCred("p", "https://login.example.com/oauth2/token"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Get(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineAESGCMOpen: parse and open one stored envelope, nothing
// else: the floor for Get's cryptography.
func BenchmarkBaselineAESGCMOpen(b *testing.B) {
	s, _ := benchStore(b)
	rec, err := s.Get(context.Background(), benchIDs[0])
	if err != nil {
		b.Fatal(err)
	}
	binding := rec.binding()
	if env, err := parseEnvelope(rec.Sealed); err != nil || env.version != envelopeV2 {
		b.Fatal("not a version 2 envelope")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		env, err := parseEnvelope(rec.Sealed)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := env.open(benchKey, binding); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineReadFile: os.ReadFile of one record file: the floor for
// Get's I/O.
func BenchmarkBaselineReadFile(b *testing.B) {
	s, _ := benchStore(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := os.ReadFile(s.path(benchIDs[i%benchN])); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineDurableWrite: write a record-sized temporary file, fsync
// it, rename it into place and fsync the folder: the floor for Store.
func BenchmarkBaselineDurableWrite(b *testing.B) {
	s, _ := benchStore(b)
	data, err := os.ReadFile(s.path(benchIDs[0]))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	final := filepath.Join(dir, "baseline.json")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tmp := filepath.Join(dir, fmt.Sprintf(".tmp-%d", i))
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Write(data); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		if err := os.Rename(tmp, final); err != nil {
			b.Fatal(err)
		}
		d, _ := os.Open(dir)
		if err := d.Sync(); err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
}
