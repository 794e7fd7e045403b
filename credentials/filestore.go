package credentials

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/xlr8/connectors/internal/errs"
)

// FileStore is the embedded default Store: one folder, one file per
// credential (<id>.json), so that writing one credential never rewrites the
// others.
//
// Every write takes an exclusive OS lock on the folder's .lock file (flock;
// see lockFile), so that several processes sharing the folder lose no
// write, then writes a temporary file (mode 0600), fsyncs it, renames it
// over the record's file and fsyncs the folder. A crash at any point leaves
// either the old file or the new one, never a mix. Readers take no lock:
// rename is atomic.
//
// Each file holds the record and a SHA-256 checksum of its bytes; a torn or
// garbled file fails the checksum and is reported as an INTERNAL error
// wrapping ErrCorrupt, and is never overwritten by Update (Delete removes
// it). Tampering with the sealed secrets or the metadata bound to them is
// caught when the Manager opens the envelope (ErrTampered).
//
// Get reads the record's one file and reuses the parsed record when the
// bytes are unchanged, so it costs one small read whatever the number of
// credentials. The folder is created with mode 0700 if missing.
type FileStore struct {
	dir  string
	lock *os.File
	mu   sync.Mutex // this process's writers; the flock orders processes

	cmu   sync.RWMutex
	cache map[string]cachedRecord

	// midWrite, when set (tests), runs after half of a record file is
	// written, before it is synced and renamed into place.
	midWrite func(path string)
}

type cachedRecord struct {
	raw []byte
	rec *Record
}

var _ Store = (*FileStore)(nil)

const (
	fileFormat  = "xlr8-credential/1"
	fileSuffix  = ".json"
	tempPrefix  = ".tmp-"
	lockName    = ".lock"
	maxIDLength = 128
)

// OpenFileStore opens (creating if needed) the store in dir. On systems
// without flock (see lockFile) it returns an UNSUPPORTED error: use a
// MemoryStore or a Store of your own there.
func OpenFileStore(dir string) (*FileStore, error) {
	if err := lockSupported(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(dir) == "" {
		return nil, invalidf("credentials file store: empty folder path")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fsErr(err, "creating credentials folder %s", dir)
	}
	lf, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fsErr(err, "opening lock file in %s", dir)
	}
	s := &FileStore{dir: dir, lock: lf, cache: map[string]cachedRecord{}}
	// Temporary files left by a process that died mid-write: no writer is
	// running while we hold the lock, so every one of them is abandoned.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.locked(ctx, func() error {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return fsErr(err, "reading credentials folder %s", dir)
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), tempPrefix) {
				_ = os.Remove(filepath.Join(dir, e.Name()))
			}
		}
		return nil
	}); err != nil {
		lf.Close()
		return nil, err
	}
	return s, nil
}

// Dir returns the store's folder.
func (s *FileStore) Dir() string { return s.dir }

// Close releases the lock file. The store must not be used afterwards.
func (s *FileStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return nil
	}
	err := s.lock.Close()
	s.lock = nil
	if err != nil {
		return fsErr(err, "closing lock file in %s", s.dir)
	}
	return nil
}

// validID reports whether an id is usable as a file name: 1 to 128 of
// A-Z a-z 0-9 . _ - , not starting with a dot or a dash.
func validID(id string) error {
	if id == "" || len(id) > maxIDLength {
		return invalidf("credential id must be 1 to %d characters (got %d)", maxIDLength, len(id))
	}
	if id[0] == '.' || id[0] == '-' {
		return invalidf("credential id %q must not start with %q", id, id[:1])
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return invalidf("credential id %q: only letters, digits, '.', '_' and '-' are allowed", id)
		}
	}
	return nil
}

func (s *FileStore) path(id string) string { return filepath.Join(s.dir, id+fileSuffix) }

// Get reads the record's file.
func (s *FileStore) Get(ctx context.Context, id string) (*Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, errs.FromContext(err, "", "credentials store")
	}
	if err := validID(id); err != nil {
		return nil, err
	}
	return s.read(id)
}

// read returns the record with the id, reusing the cached parse when the
// file's bytes have not changed.
func (s *FileStore) read(id string) (*Record, error) {
	p := s.path(id)
	raw, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notFound(id)
		}
		return nil, fsErr(err, "reading %s", p)
	}
	s.cmu.RLock()
	c, ok := s.cache[id]
	s.cmu.RUnlock()
	if ok && bytes.Equal(c.raw, raw) {
		return c.rec, nil
	}
	rec, err := decodeFile(p, id, raw)
	if err != nil {
		return nil, err
	}
	s.cmu.Lock()
	s.cache[id] = cachedRecord{raw: raw, rec: rec}
	s.cmu.Unlock()
	return rec, nil
}

type fileEnvelope struct {
	Format string          `json:"format"`
	SHA256 string          `json:"sha256"`
	Record json.RawMessage `json:"record"`
}

func encodeFile(rec *Record) ([]byte, error) {
	body, err := json.Marshal(rec)
	if err != nil {
		return nil, newErr(errs.CodeInternal, err, "encoding credential record %q", rec.ID)
	}
	sum := sha256.Sum256(body)
	out := make([]byte, 0, len(body)+128)
	out = append(out, `{"format":"`+fileFormat+`","sha256":"`...)
	out = hex.AppendEncode(out, sum[:])
	out = append(out, `","record":`...)
	out = append(out, body...)
	out = append(out, "}\n"...)
	return out, nil
}

func decodeFile(path, id string, raw []byte) (*Record, error) {
	var f fileEnvelope
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, corrupt(path, "not a complete JSON document (%d bytes): %s", len(raw), jsonProblem(err))
	}
	if f.Format != fileFormat {
		if strings.HasPrefix(f.Format, "xlr8-credential/") {
			return nil, errs.Newf(errs.CodeUnsupported, "credential file %s has format %q; this library reads %q (written by a newer version?)",
				path, f.Format, fileFormat)
		}
		return nil, corrupt(path, "missing or unknown format marker")
	}
	sum := sha256.Sum256(f.Record)
	if got, err := hex.DecodeString(f.SHA256); err != nil || !bytes.Equal(got, sum[:]) {
		return nil, corrupt(path, "checksum mismatch (torn write, disk error or hand edit)")
	}
	rec := &Record{}
	if err := json.Unmarshal(f.Record, rec); err != nil {
		return nil, corrupt(path, "record does not decode: %s", jsonProblem(err))
	}
	if rec.ID != id {
		return nil, corrupt(path, "record id %q does not match its file name", rec.ID)
	}
	return rec, nil
}

// jsonProblem describes a decoding error without quoting the input.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("unexpected JSON %s for field %q", typ.Value, typ.Field)
	}
	if strings.HasPrefix(err.Error(), "field ") { // from Record.UnmarshalJSON: names the field, never the value
		return err.Error()
	}
	return "malformed JSON"
}

func corrupt(path, format string, args ...any) *errs.Error {
	return newErr(errs.CodeInternal, ErrCorrupt, "credential file %s is corrupt: %s", path, fmt.Sprintf(format, args...))
}

// List reads every record of the project.
func (s *FileStore) List(ctx context.Context, projectID string) ([]*Record, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fsErr(err, "reading credentials folder %s", s.dir)
	}
	out := make([]*Record, 0, len(ents))
	var bad []string
	for i, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, fileSuffix) || strings.HasPrefix(name, ".") || !e.Type().IsRegular() {
			continue
		}
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, errs.FromContext(err, "", "listing credentials")
			}
		}
		id := strings.TrimSuffix(name, fileSuffix)
		if validID(id) != nil {
			continue
		}
		rec, err := s.read(id)
		switch {
		case errs.CodeOf(err) == errs.CodeNotFound:
			continue // deleted since ReadDir
		case errors.Is(err, ErrCorrupt) || errs.CodeOf(err) == errs.CodeUnsupported:
			bad = append(bad, id)
			continue
		case err != nil:
			return nil, err
		}
		if projectID == "" || rec.ProjectID == projectID {
			out = append(out, rec)
		}
	}
	if len(bad) > 0 {
		return nil, newErr(errs.CodeInternal, ErrCorrupt,
			"credentials folder %s: %d record file(s) cannot be read: %s (Delete them or restore them from a backup)",
			s.dir, len(bad), strings.Join(bad, ", ")).WithDetail("corrupt", bad)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Update replaces the record under the folder's lock.
func (s *FileStore) Update(ctx context.Context, id string, fn func(*Record) (*Record, error)) (*Record, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	var out *Record
	err := s.locked(ctx, func() error {
		cur, err := s.read(id)
		if err != nil && errs.CodeOf(err) != errs.CodeNotFound {
			return err
		}
		next, err := fn(cur.Clone())
		if err != nil {
			return err
		}
		if next == nil {
			out = cur
			return nil
		}
		next = next.Clone()
		next.ID = id
		next.Revision = 1
		if cur != nil {
			next.Revision = cur.Revision + 1
		}
		if err := s.write(id, next); err != nil {
			return err
		}
		out = next
		return nil
	})
	return out, err
}

// write replaces the record's file atomically: temporary file, fsync,
// rename, folder fsync.
func (s *FileStore) write(id string, rec *Record) error {
	data, err := encodeFile(rec)
	if err != nil {
		return err
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return newErr(errs.CodeInternal, err, "naming a temporary file")
	}
	final := s.path(id)
	tmp := filepath.Join(s.dir, tempPrefix+id+"-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fsErr(err, "creating %s", tmp)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	half := len(data) / 2
	if _, err := f.Write(data[:half]); err != nil {
		return fsErr(err, "writing %s", tmp)
	}
	if s.midWrite != nil {
		s.midWrite(final)
	}
	if _, err := f.Write(data[half:]); err != nil {
		return fsErr(err, "writing %s", tmp)
	}
	if err := f.Sync(); err != nil {
		return fsErr(err, "syncing %s", tmp)
	}
	if err := f.Close(); err != nil {
		return fsErr(err, "closing %s", tmp)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fsErr(err, "renaming %s into place", tmp)
	}
	ok = true
	s.cmu.Lock()
	s.cache[id] = cachedRecord{raw: data, rec: rec}
	s.cmu.Unlock()
	return s.syncDir()
}

func (s *FileStore) syncDir() error {
	d, err := os.Open(s.dir)
	if err != nil {
		return fsErr(err, "opening %s to sync it", s.dir)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fsErr(err, "syncing folder %s", s.dir)
	}
	return nil
}

// Delete removes the record's file.
func (s *FileStore) Delete(ctx context.Context, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	return s.locked(ctx, func() error {
		p := s.path(id)
		if err := os.Remove(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return notFound(id)
			}
			return fsErr(err, "removing %s", p)
		}
		s.cmu.Lock()
		delete(s.cache, id)
		s.cmu.Unlock()
		return s.syncDir()
	})
}

// locked runs fn holding this process's writer mutex and the folder's
// exclusive file lock, waiting for the lock no longer than ctx allows.
func (s *FileStore) locked(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return errs.FromContext(err, "", "credentials store")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return invalidf("credentials file store %s is closed", s.dir)
	}
	wait := time.Millisecond
	for {
		got, err := lockFile(s.lock)
		if err != nil {
			return fsErr(err, "locking %s", filepath.Join(s.dir, lockName))
		}
		if got {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errs.FromContext(ctx.Err(), "", "waiting for the credentials store lock")
		case <-t.C:
		}
		if wait < 20*time.Millisecond {
			wait *= 2
		}
	}
	defer unlockFile(s.lock)
	return fn()
}

// fsErr wraps a file system error. Paths are not secret; the OS error is
// summarized by its errno when it has one.
func fsErr(err error, format string, args ...any) *errs.Error {
	msg := fmt.Sprintf(format, args...)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	code := errs.CodeInternal
	if errors.Is(err, fs.ErrPermission) {
		code = errs.CodePermissionDenied
	}
	return &errs.Error{Code: code, Message: msg, Err: err}
}
