//go:build unix

package partial

import "syscall"

// statFile returns the state of the file at p that changes whenever its
// content does: size, modification and change times, inode. The change
// time is set by the kernel on every write and cannot be set back by
// tools that restore modification times (cp -p, rsync -t, touch -d).
func statFile(p string) (fileStat, bool) {
	var st syscall.Stat_t
	for {
		err := syscall.Stat(p, &st)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
			return fileStat{}, false
		}
		return statOf(&st), true
	}
}

// fstatFile is statFile of an open descriptor.
func fstatFile(fd int) (fileStat, bool) {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return fileStat{}, false
	}
	return statOf(&st), true
}

func statOf(st *syscall.Stat_t) fileStat {
	return fileStat{
		size:  st.Size,
		mtime: st.Mtim.Sec*1e9 + st.Mtim.Nsec,
		ctime: st.Ctim.Sec*1e9 + st.Ctim.Nsec,
		ino:   int64(st.Ino),
	}
}
