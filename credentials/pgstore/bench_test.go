package pgstore

// The PostgreSQL store against the embedded file store, same run, through
// the Manager (what a host calls):
//
//	go test ./credentials/pgstore -run '^$' -bench . -benchmem

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xlr8/connectors/credentials"
)

// benchStore opens the named store: the PostgreSQL server runs with its
// default durability (fsync on), like the file store.
func benchStore(b *testing.B, name string) credentials.Store {
	if name == "pgstore" {
		return open(b, database(b))
	}
	fs, err := credentials.OpenFileStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { fs.Close() })
	return fs
}

func BenchmarkManagerGet(b *testing.B) {
	key, _ := credentials.GenerateKey()
	for _, name := range []string{"filestore", "pgstore"} {
		s := benchStore(b, name)
		m := manager(b, s, key)
		ctx := context.Background()
		var ids []string
		for i := 0; i < 100; i++ {
			id, err := m.Store(ctx, basic(fmt.Sprintf("SECRET-pw-%d", i)))
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		if fs, ok := s.(*credentials.FileStore); ok {
			// Steady state: files written long before they are read (the
			// file store checks a just-written file against its bytes).
			old := time.Now().Add(-time.Hour)
			for _, id := range ids {
				if err := os.Chtimes(filepath.Join(fs.Dir(), id+".json"), old, old); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := m.Get(ctx, ids[i%len(ids)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkManagerStore(b *testing.B) {
	key, _ := credentials.GenerateKey()
	for _, name := range []string{"filestore", "pgstore"} {
		s := benchStore(b, name)
		m := manager(b, s, key)
		ctx := context.Background()
		c := basic("SECRET-pw")
		id, err := m.Store(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		c.ID = id
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Store(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
