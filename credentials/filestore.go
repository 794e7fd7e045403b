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
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
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
// Get stats the record's file and reuses the parsed record while the file
// is unchanged (same file, size, modification and change times), so it
// costs one stat whatever the number of credentials; a changed file (or one
// modified too recently for its times to be trusted) is read again and
// reparsed only if its bytes changed. The folder is created with mode 0700
// if missing.
//
// Rollback: next to each record the store keeps its revision in a small
// file (.<id>.rev, written with the record, before the folder is synced).
// A record file older than it (restored from a backup) is refused, by
// every process, with an INTERNAL error wrapping ErrRollback, and Update
// will not build on it: a retired refresh token or a revoked credential
// does not come back. Restoring the revision files too cannot be told from
// the real thing. Delete removes a record's revision file as well, so that
// its id can be reused (by any process: no process keeps a revision in
// memory that a Delete elsewhere would make stale).
//
// FileStore implements RefreshLocker with a per-credential lock file
// (.<id>.refresh, flock): refreshes of one credential are serialised
// across every process sharing the folder.
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
	info    os.FileInfo
	raw     []byte
	rec     *Record
	trusted bool // info is old enough that any later change alters it
}

// racyWindow: a file modified less than this long before it was read may
// be modified again without its times changing (coarse file system
// clocks), so its cached parse is checked against its bytes until it is
// older.
const racyWindow = 2 * time.Second

var (
	_ Store         = (*FileStore)(nil)
	_ RefreshLocker = (*FileStore)(nil)
)

const (
	fileFormat  = "xlr8-credential/1"
	fileSuffix  = ".json"
	revSuffix   = ".rev"
	lockSuffix  = ".refresh"
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

// read returns the record with the id: the cached parse while the file's
// stat is unchanged and trusted, else the file read again (reparsed only if
// its bytes changed), checked against the highest revision known.
func (s *FileStore) read(id string) (*Record, error) {
	p := s.path(id)
	s.cmu.RLock()
	c, cached := s.cache[id]
	s.cmu.RUnlock()
	if cached && c.trusted {
		if fi, err := os.Stat(p); err == nil && sameFile(fi, c.info) {
			return c.rec, nil
		}
	}
	known := s.readRevision(id) // before the record file: a write renames the record first, then the revision file
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notFound(id)
		}
		return nil, fsErr(err, "reading %s", p)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fsErr(err, "reading %s", p)
	}
	raw, err := readFileOfSize(f, fi.Size())
	if err != nil {
		return nil, fsErr(err, "reading %s", p)
	}
	rec := c.rec
	if !cached || !bytes.Equal(c.raw, raw) {
		if rec, err = decodeFile(p, id, raw); err != nil {
			return nil, err
		}
	}
	if rec.Revision < known {
		return nil, newErr(errs.CodeInternal, ErrRollback,
			"credential file %s holds revision %d, older than revision %d already written (restored from a backup?); Delete it and store the credential again",
			p, rec.Revision, known)
	}
	trusted := fi.ModTime().Before(time.Now().Add(-racyWindow))
	s.cmu.Lock()
	s.cache[id] = cachedRecord{info: fi, raw: raw, rec: rec, trusted: trusted}
	s.cmu.Unlock()
	return rec, nil
}

// sameFile reports whether two stats are of the same, unchanged file: same
// device and inode, size, modification time and (where the system has one)
// change time, which a restore cannot set back.
func sameFile(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime()) && sameChangeTime(a, b)
}

// readFileOfSize reads a file of the given size (and any growth past it).
func readFileOfSize(f *os.File, size int64) ([]byte, error) {
	buf := make([]byte, 0, size+1)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

func (s *FileStore) revisionPath(id string) string { return filepath.Join(s.dir, "."+id+revSuffix) }

// readRevision returns the revision recorded next to the record: 0 when
// there is none or it cannot be read (it never makes a good record fail).
func (s *FileStore) readRevision(id string) uint64 {
	b, err := os.ReadFile(s.revisionPath(id))
	if err != nil {
		return 0
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0
	}
	return n
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
		// The marker is not covered by the checksum: only a well-formed
		// later version ("xlr8-credential/" and a number above 1, no
		// leading zero) reads as written by a newer library; anything else
		// is damage.
		if v, ok := strings.CutPrefix(f.Format, "xlr8-credential/"); ok && laterVersion(v) {
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

func laterVersion(v string) bool {
	if v == "" || len(v) > 6 || v[0] == '0' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return v != "1"
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
		case errors.Is(err, ErrCorrupt) || errors.Is(err, ErrRollback) || errs.CodeOf(err) == errs.CodeUnsupported:
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
		next, err := ApplyUpdate(id, cur, fn)
		if err != nil {
			return err
		}
		if next == nil {
			out = cur
			return nil
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
	// The revision file is written before the rename and renamed after it,
	// so that it never names a revision the record file does not hold yet;
	// the folder sync below makes both durable. It is not synced itself:
	// lost in a crash it reads as 0, which weakens the rollback check and
	// never fails a good record.
	revTmp := filepath.Join(s.dir, tempPrefix+"rev-"+id+"-"+hex.EncodeToString(rnd[:]))
	revErr := os.WriteFile(revTmp, []byte(strconv.FormatUint(rec.Revision, 10)+"\n"), 0o600)
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(revTmp)
		return fsErr(err, "renaming %s into place", tmp)
	}
	ok = true
	if revErr == nil {
		if os.Rename(revTmp, s.revisionPath(id)) != nil {
			os.Remove(revTmp)
		}
	}
	fi, statErr := os.Stat(final)
	s.cmu.Lock()
	if statErr == nil {
		s.cache[id] = cachedRecord{info: fi, raw: data, rec: rec}
	} else {
		delete(s.cache, id)
	}
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
		if err := os.Remove(s.revisionPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fsErr(err, "removing %s", s.revisionPath(id))
		}
		s.cmu.Lock()
		delete(s.cache, id)
		s.cmu.Unlock()
		return s.syncDir()
	})
}

// LockRefresh runs fn holding the credential's refresh lock: an exclusive
// flock on .<id>.refresh, which every process sharing the folder takes
// around its read-refresh-write of the credential (see RefreshLocker). The
// kernel releases it if the holder dies. The lock file is left in place.
func (s *FileStore) LockRefresh(ctx context.Context, id string, fn func(ctx context.Context) error) error {
	if err := validID(id); err != nil {
		return err
	}
	p := filepath.Join(s.dir, "."+id+lockSuffix)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fsErr(err, "opening %s", p)
	}
	defer f.Close()
	if err := waitLock(ctx, f, p); err != nil {
		return err
	}
	defer unlockFile(f)
	return fn(ctx)
}

// waitLock takes an exclusive flock on f, polling with a growing pause,
// no longer than ctx allows.
func waitLock(ctx context.Context, f *os.File, path string) error {
	wait := time.Millisecond
	for {
		got, err := lockFile(f)
		if err != nil {
			return fsErr(err, "locking %s", path)
		}
		if got {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errs.FromContext(ctx.Err(), "", "waiting for the lock "+path)
		case <-t.C:
		}
		if wait < 20*time.Millisecond {
			wait *= 2
		}
	}
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
	if err := waitLock(ctx, s.lock, filepath.Join(s.dir, lockName)); err != nil {
		return err
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
