//go:build unix

package credentials

import (
	"errors"
	"os"
	"syscall"
)

func lockSupported() error { return nil }

// lockFile tries to take an exclusive flock(2) on f without blocking: the
// lock is advisory, held by the open file, and released by the kernel when
// the process dies, so a crashed writer never leaves the store locked.
func lockFile(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		}
		return false, err
	}
}

func unlockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
