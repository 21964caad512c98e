// fluxignore: Flux's own gitignore matcher (github.com/fluxcd/pkg/sourceignore/gitignore, the
// go-git v5 copy source-controller uses), for an optional differential test. Built only when
// OC_FLUXCD_PKG_DIR points at a fluxcd/pkg checkout (GOPATH mode, no network).
//
// stdin: "P<TAB>domain/comp/s<TAB>pattern" lines define patterns in priority order (domain may
// be empty), then "M<TAB>0|1<TAB>path" lines ask whether path (is_dir 0/1) is excluded;
// stdout: "1" or "0" per M line.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/fluxcd/pkg/sourceignore/gitignore"
)

func main() {
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	var m gitignore.Matcher
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) != 3 {
			fmt.Fprintln(os.Stderr, "fluxignore: bad line", sc.Text())
			os.Exit(1)
		}
		switch parts[0] {
		case "P":
			var domain []string
			if parts[1] != "" {
				domain = strings.Split(parts[1], "/")
			}
			ps = append(ps, gitignore.ParsePattern(parts[2], domain))
			m = nil
		case "M":
			if m == nil {
				m = gitignore.NewMatcher(ps)
			}
			if m.Match(strings.Split(parts[2], "/"), parts[1] == "1") {
				fmt.Fprintln(w, "1")
			} else {
				fmt.Fprintln(w, "0")
			}
		}
	}
}
