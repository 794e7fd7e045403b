//go:build !unix

package credentials

import (
	"os"

	"github.com/xlr8/connectors/internal/errs"
)

// lockSupported refuses the FileStore where flock(2) does not exist: two
// processes sharing a folder there could lose writes, and silently doing so
// is worse than refusing. Use a MemoryStore or a Store of your own.
func lockSupported() error {
	return errs.New(errs.CodeUnsupported,
		"credentials file store needs flock(2), which this operating system does not offer; use a MemoryStore or your own Store")
}

func lockFile(*os.File) (bool, error) { return false, lockSupported() }

func unlockFile(*os.File) error { return lockSupported() }
