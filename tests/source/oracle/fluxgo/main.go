// fluxgo: what Flux's Go code does, for the differential tests of src/source. Go standard
// library only (Debian's golang-go), written for these tests.
//
//	fluxgo tar DIR OUT   archive DIR as fluxcd/pkg artifact/storage Archive does (no filter):
//	                     filepath.Walk, tar.FileInfoHeader, the sanitised header, gzip
//	fluxgo match         stdin: "pattern\tname" lines; stdout: "1" or "0" per line
//	                     (path/filepath.Match; a syntax error counts as no match)
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func archive(dir, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	gw := gzip.NewWriter(f)
	tw := tar.NewWriter(gw)
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if m := fi.Mode(); !(m.IsRegular() || m.IsDir()) {
			return nil
		}
		h, err := tar.FileInfoHeader(fi, p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		// The sanitising Flux applies: relative name, no owner, zero times, default modes.
		h.Name = rel
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
		h.ModTime, h.AccessTime, h.ChangeTime = time.Time{}, time.Time{}, time.Time{}
		switch {
		case h.FileInfo().IsDir():
			h.Mode = 0o750
		case h.FileInfo().Mode()&0o111 != 0:
			h.Mode = 0o700
		default:
			h.Mode = 0o600
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gw.Close()
}

func match() error {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 2)
		if len(parts) != 2 {
			return fmt.Errorf("bad line %q", sc.Text())
		}
		ok, err := filepath.Match(parts[0], parts[1])
		if ok && err == nil {
			fmt.Fprintln(w, "1")
		} else {
			fmt.Fprintln(w, "0")
		}
	}
	return sc.Err()
}

func main() {
	var err error
	switch {
	case len(os.Args) == 4 && os.Args[1] == "tar":
		err = archive(os.Args[2], os.Args[3])
	case len(os.Args) == 2 && os.Args[1] == "match":
		err = match()
	default:
		err = fmt.Errorf("usage: fluxgo tar DIR OUT | fluxgo match")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fluxgo:", err)
		os.Exit(1)
	}
}
