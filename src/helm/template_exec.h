// Go text/template execution (exec.go) over Value, plus the template-set operations Helm's
// functions need (include, tpl).
//
// A TemplateSet is immutable once built and may be shared by concurrent renders. An Executor
// is one render's state (variables, recursion counters, limits); it is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "helm/funcs.h"
#include "helm/go_value.h"
#include "helm/template_ast.h"

namespace oc::helm {

// Named templates (files and {{define}}s), with text/template's AddParseTree rules: a later
// definition replaces an earlier one, except that an empty body never replaces a non-empty one.
// The trees are not owned: they must outlive the set (a chart's parse cache holds a render's
// trees, ExecOptions::arena or the Executor those of tpl and of a text rendered on its own).
class TemplateSet {
 public:
  void add(const std::vector<std::shared_ptr<Tree>>& trees);
  const Tree* find(std::string_view name) const;
  size_t size() const { return trees_.size(); }

 private:
  // Keyed by a view of the tree's own name: a render builds this set from thousands of cached
  // trees, and copying every name (or counting references to every tree, atomically once a
  // second thread exists) was a visible part of it.
  std::unordered_map<std::string_view, const Tree*> trees_;
};

// Resource bounds for one render. Exceeding one is an execution error naming the template.
struct ExecLimits {
  // Bytes one template (or include/tpl result) may produce.
  size_t max_output_bytes = size_t(128) << 20;
  // Actions, commands and loop iterations one render may execute (stops runaway loops).
  uint64_t max_steps = 500'000'000;
  // Machine stack one render may use for nested template/include/tpl calls and control
  // structures. render() runs the templates on a thread of its own with this much stack plus
  // headroom; an Executor used directly needs a thread with that much stack.
  size_t max_stack_bytes = size_t(48) << 20;
  // Helm's limit on nested include of one name (engine.go recursionMaxNums).
  int max_include_depth = 1000;
  // tpl calls nested in one another. Helm has no limit (Go's stack overflows near 1 GB); each
  // level re-parses its text, so this also bounds that work.
  size_t max_tpl_depth = 1000;
  // Elements/bytes one function may create (until, seq, repeat, …).
  size_t max_collection = 10'000'000;
};

// An execution failure. `message` is Go's text ("template: NAME:LINE:COL: executing …").
struct TemplateError {
  std::string message;
  std::string file;  // the template file the failing node is in
  int line = 0;
  int column = 0;  // 1-based
};

// Helm's lookup function: apiVersion, kind, namespace, name → object (or list), or an error.
using LookupFn =
    std::function<core::Result<Value>(const std::string& api_version, const std::string& kind,
                                      const std::string& ns, const std::string& name)>;

// Trees whose string literals values may still reference. Values produced by an execution can
// hold a template's literal strings (shared, not copied); whoever owns those values keeps the
// trees alive with an arena that outlives them (render() declares one first).
using TreeArena = std::vector<std::shared_ptr<Tree>>;

struct ExecOptions {
  bool strict = false;  // missingkey=error instead of missingkey=zero
  ExecLimits limits;
  LookupFn lookup;  // empty: lookup returns an empty map, as `helm template` does offline
  // Receives the trees tpl parses; when null the Executor keeps them until it is destroyed.
  std::shared_ptr<TreeArena> arena;
};

class Executor {
 public:
  Executor(const TemplateSet& set, ExecOptions opts);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Executes the named template with `data` as dot, appending to `out`. On failure `out` holds
  // what was written so far.
  core::Status execute(std::string_view name, const Value& data, std::string& out);

  // Helm's include: executes a named template into a string (throws FuncError).
  std::string include(std::string_view name, const Value& data);
  // Helm's tpl: parses `src` against the current set and executes it (throws FuncError).
  std::string tpl(std::string_view src, const Value& data);

  const ExecOptions& options() const { return opts_; }
  // Counts work against max_steps; throws when exceeded.
  void step(uint64_t n = 1);
  // Checks a size a function is about to create against max_collection.
  void check_size(size_t n, std::string_view what) const;
  // Records a map a function changed (set, merge, mergeOverwrite). A template can make a map
  // contain itself (`set $d "k" $d`), a cycle reference counting never frees; the Executor
  // empties every changed map when it is destroyed, which breaks such cycles. So no value of a
  // render may be used after its Executor is gone (render() returns only text).
  void note_changed(MapObj* m);

  // Results of fromYaml by input text, for this render. Charts convert the same helper output
  // over and over (kyverno's label helpers call fromYaml 637 times on a handful of texts, and
  // a parse of two lines of YAML costs 29,000 instructions, a clone of its result a few hundred).
  // Callers hand out clones: a template may change the map it gets.
  const Value* from_yaml_memo(std::string_view text) const;
  void remember_from_yaml(std::string_view text, const Value& v);

  struct State;

 private:
  friend struct State;
  const Tree* lookup_tree(std::string_view name) const;
  void run(const Tree* tree, const Value& data, std::string& out);

  const TemplateSet& set_;
  ExecOptions opts_;
  // Trees added by tpl (a clone of the set in Helm), innermost last.
  std::vector<std::unique_ptr<TemplateSet>> overlays_;
  TreeArena retained_;  // tpl's trees when no arena is given
  std::unordered_map<const Tree*, int> included_;  // include depth per template
  int call_depth_ = 0;            // include and tpl calls in progress
  std::vector<MapObj*> changed_;  // note_changed, each holding a reference
  std::unordered_set<const MapObj*> changed_set_;
  uint64_t steps_ = 0;
  const char* stack_base_ = nullptr;
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Value, TextHash, std::equal_to<>> from_yaml_memo_;
  size_t from_yaml_memo_bytes_ = 0;  // text held by the memo (bounded)
};

// Parse errors and execution errors as Helm reports them for a template file
// (engine.go cleanupParseError / cleanupExecError): "parse error at (FILE:LINE): MSG",
// "execution error at (FILE:LINE:COL): MSG" for required/fail, else the Go text.
std::string helm_parse_error_message(const std::string& go_message);
std::string helm_exec_error_message(const std::string& go_message);

}  // namespace oc::helm
