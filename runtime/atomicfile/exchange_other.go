//go:build !linux

package atomicfile

import "errors"

// exchange is not available here: Replace falls back to a rename.
func exchange(a, b string) error { return errors.ErrUnsupported }
