// semvergo: checks (constraint, version) pairs with Masterminds/semver v3, the library Flux
// and Helm use. Input: lines "CONSTRAINT\tVERSION"; output per line: true, false, badc
// (constraint does not parse) or badv (version does not parse).
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	semver "github.com/Masterminds/semver/v3"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 2)
		if len(parts) != 2 {
			fmt.Fprintln(w, "badline")
			continue
		}
		c, err := semver.NewConstraint(parts[0])
		if err != nil {
			fmt.Fprintln(w, "badc")
			continue
		}
		v, err := semver.NewVersion(parts[1])
		if err != nil {
			fmt.Fprintln(w, "badv")
			continue
		}
		fmt.Fprintln(w, c.Check(v))
	}
}
