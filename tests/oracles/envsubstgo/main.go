// envsubstgo: the differential oracle for src/kube/envsubst.cc. It evaluates cases with
// github.com/drone/envsubst (Debian: golang-github-drone-envsubst-dev), the library Flux's
// fluxcd/pkg/envsubst forks. The fork adds strict mode and stops treating `\` as an escape
// outside ${...}; in non-strict mode and without backslashes both behave the same.
//
// Input, one case per line: h+hex(text) followed by h+hex(name)=h+hex(value) pairs,
// space-separated (the "h" keeps empty strings visible).
// Output, one line per case: "ok <hex(result)>", "err <hex(message)>" or "panic <hex(value)>".
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/drone/envsubst"
)

func unhex(s string) string {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "h"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "envsubstgo: bad hex %q\n", s)
		os.Exit(2)
	}
	return string(b)
}

func eval(text string, vars map[string]string) (line string) {
	defer func() {
		if r := recover(); r != nil {
			line = "panic " + hex.EncodeToString([]byte(fmt.Sprint(r)))
		}
	}()
	out, err := envsubst.Eval(text, func(name string) string { return vars[name] })
	if err != nil {
		return "err " + hex.EncodeToString([]byte(err.Error()))
	}
	return "ok " + hex.EncodeToString([]byte(out))
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		fields := strings.Fields(in.Text())
		if len(fields) == 0 {
			continue
		}
		vars := map[string]string{}
		for _, kv := range fields[1:] {
			k, v, _ := strings.Cut(kv, "=")
			vars[unhex(k)] = unhex(v)
		}
		fmt.Fprintln(out, eval(unhex(fields[0]), vars))
	}
}
