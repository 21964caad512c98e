// yamlgo: a test oracle that runs the Go YAML libraries the reference tools use, so the C++
// document tree can be compared with them byte for byte. Built from Debian's Go packages
// (tests/oracles/build.sh); never part of opencenter itself.
//
//	yamlgo kustomize   YAML stream on stdin → what kustomize prints for those resources:
//	                   yaml.v3 decode → encoding/json → sigs.k8s.io/yaml.JSONToYAML, joined by "---\n"
//	yamlgo json2yaml   one JSON value per line on stdin → sigs.k8s.io/yaml.JSONToYAML each,
//	                   joined by "---\n"
//	yamlgo helm        YAML on stdin → sigs.k8s.io/yaml.Unmarshal (go-yaml v2 typing) → JSON
//	yamlgo v3 N        YAML stream on stdin → yaml.v3 Node decode → encode with indent N
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	yamlv3 "gopkg.in/yaml.v3"
	sigsyaml "sigs.k8s.io/yaml"
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, "yamlgo:", err)
	os.Exit(1)
}

func kustomize(in []byte) {
	dec := yamlv3.NewDecoder(bytes.NewReader(in))
	first := true
	for {
		var v interface{}
		err := dec.Decode(&v)
		if err == io.EOF {
			return
		}
		if err != nil {
			fail(err)
		}
		if v == nil {
			continue
		}
		j, err := json.Marshal(v)
		if err != nil {
			fail(err)
		}
		y, err := sigsyaml.JSONToYAML(j)
		if err != nil {
			fail(err)
		}
		if !first {
			os.Stdout.WriteString("---\n")
		}
		first = false
		os.Stdout.Write(y)
	}
}

func json2yaml(in []byte) {
	sc := bufio.NewScanner(bytes.NewReader(in))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	first := true
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		y, err := sigsyaml.JSONToYAML(line)
		if err != nil {
			fail(err)
		}
		if !first {
			os.Stdout.WriteString("---\n")
		}
		first = false
		os.Stdout.Write(y)
	}
	if err := sc.Err(); err != nil {
		fail(err)
	}
}

func helm(in []byte) {
	var v map[string]interface{}
	if err := sigsyaml.Unmarshal(in, &v); err != nil {
		fail(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(j)
	os.Stdout.WriteString("\n")
}

func v3(in []byte, indent int) {
	dec := yamlv3.NewDecoder(bytes.NewReader(in))
	var buf bytes.Buffer
	enc := yamlv3.NewEncoder(&buf)
	enc.SetIndent(indent)
	for {
		var n yamlv3.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
		if err := enc.Encode(&n); err != nil {
			fail(err)
		}
	}
	enc.Close()
	os.Stdout.Write(buf.Bytes())
}

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: yamlgo kustomize|json2yaml|helm|v3 N"))
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	switch os.Args[1] {
	case "kustomize":
		kustomize(in)
	case "json2yaml":
		json2yaml(in)
	case "helm":
		helm(in)
	case "v3":
		n := 4
		if len(os.Args) > 2 {
			n, _ = strconv.Atoi(os.Args[2])
		}
		v3(in, n)
	default:
		fail(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
}
