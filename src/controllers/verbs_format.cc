#include "controllers/verbs_format.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "controllers/conditions.h"
#include "controllers/verbs_common.h"
#include "core/json.h"
#include "kube/format.h"
#include "kube/object.h"

namespace oc::controllers::verbs {

namespace {

using core::Node;
using detail::iequals;
using detail::lower;

// Display width: one column per code point (flux's tablewriter counts runewidth; our cells are
// names, revisions and messages, where the two agree).
size_t width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::vector<std::string> split_lines(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, nl - start));
    start = nl + 1;
  }
}

std::string pad_right(const std::string& s, size_t w) {
  size_t n = width(s);
  return n >= w ? s : s + std::string(w - n, ' ');
}

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}


bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// RFC 3339 (with or without a fraction, 'Z' or an offset) → seconds since the epoch.
std::optional<int64_t> parse_time(std::string_view ts) {
  if (ts.size() < 19) return std::nullopt;
  std::tm tm{};
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(ts[i]))) return -1;
      v = v * 10 + (ts[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), s = num(17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  int64_t t = int64_t(timegm(&tm));
  size_t p = 19;
  if (p < ts.size() && ts[p] == '.') {
    ++p;
    while (p < ts.size() && std::isdigit(static_cast<unsigned char>(ts[p]))) ++p;
  }
  if (p < ts.size() && (ts[p] == '+' || ts[p] == '-') && ts.size() >= p + 6) {
    int oh = num(p + 1, 2), om = num(p + 4, 2);
    if (oh >= 0 && om >= 0) {
      int64_t off = oh * 3600 + om * 60;
      t += ts[p] == '+' ? -off : off;
    }
  }
  return t;
}

std::string title_bool(bool b) {
  return b ? "True" : "False";
}

bool spec_suspended(const Node& obj) {
  const Node* s = kube::at(obj, {"spec", "suspend"});
  return s && s->is_scalar() && s->text() == "true";
}

std::string revision_of(const FluxKind& kind, const Node& obj) {
  switch (kind.revision) {
    case FluxKind::Revision::kNone:
      return "";
    case FluxKind::Revision::kArtifact:
      return kube::text(obj, {"status", "artifact", "revision"});
    case FluxKind::Revision::kLastApplied:
      return kube::text(obj, {"status", "lastAppliedRevision"});
    case FluxKind::Revision::kHelmRelease: {
      // flux2 get_helmrelease.go: the latest history snapshot's chart version.
      const Node* h = kube::at(obj, {"status", "history"});
      if (h && h->is_sequence() && !h->empty())
        return kube::text(h->items().front(), {"chartVersion"});
      return kube::text(obj, {"status", "lastAttemptedRevision"});
    }
  }
  return "";
}

}  // namespace

std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
  size_t cols = header.size();
  for (const auto& r : rows) cols = std::max(cols, r.size());
  std::vector<size_t> w(cols, 0);
  for (size_t i = 0; i < header.size(); ++i) w[i] = std::max(w[i], width(header[i]));
  std::vector<std::vector<std::vector<std::string>>> cells;  // row → column → lines
  for (const auto& r : rows) {
    auto& row = cells.emplace_back(cols);
    for (size_t i = 0; i < cols; ++i) {
      row[i] = split_lines(i < r.size() ? r[i] : "");
      for (const auto& l : row[i]) w[i] = std::max(w[i], width(l));
    }
  }
  std::string out;
  if (!header.empty()) {
    for (size_t i = 0; i < cols; ++i) {
      out += pad_right(upper(i < header.size() ? header[i] : ""), w[i]);
      out += i + 1 == cols ? " " : "\t";
    }
    out += "\n";
  }
  for (const auto& row : cells) {
    size_t height = 1;
    for (const auto& c : row) height = std::max(height, c.size());
    for (size_t x = 0; x < height; ++x) {
      for (size_t i = 0; i < cols; ++i) {
        out += pad_right(x < row[i].size() ? row[i][x] : "", w[i]);
        out += "\t";
      }
      out += "\n";
    }
  }
  return out;
}

std::string truncate_hex(std::string_view s) {
  std::vector<std::string> hits;
  for (size_t i = 0; i < s.size();) {
    if (!is_lower_hex(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && is_lower_hex(s[j])) ++j;
    bool start_ok = i == 0 || !is_word(s[i - 1]);
    bool end_ok = j == s.size() || !is_word(s[j]);
    size_t len = j - i;
    if (start_ok && end_ok && len >= 40 && len <= 128) hits.emplace_back(s.substr(i, len));
    i = j;
  }
  std::string out(s);
  for (const auto& h : hits) {
    for (size_t p = out.find(h); p != std::string::npos; p = out.find(h, p + 8))
      out.replace(p, h.size(), h.substr(0, 8));
  }
  return out;
}

const std::vector<FluxKind>& flux_kinds() {
  using R = FluxKind::Revision;
  static const std::vector<FluxKind> kinds = {
      {"OCIRepository", "source.toolkit.fluxcd.io/v1", R::kArtifact, true, "", true},
      {"Bucket", "source.toolkit.fluxcd.io/v1", R::kArtifact, true, "", true},
      {"GitRepository", "source.toolkit.fluxcd.io/v1", R::kArtifact, true, "", true},
      {"HelmRepository", "source.toolkit.fluxcd.io/v1", R::kArtifact, true, "", true},
      {"HelmChart", "source.toolkit.fluxcd.io/v1", R::kArtifact, true, "", true},
      {"HelmRelease", "helm.toolkit.fluxcd.io/v2", R::kHelmRelease, true, "", false},
      {"Kustomization", "kustomize.toolkit.fluxcd.io/v1", R::kLastApplied, true, "", false},
      {"Receiver", "notification.toolkit.fluxcd.io/v1", R::kNone, true, "", false},
      {"Provider", "notification.toolkit.fluxcd.io/v1beta3", R::kNone, false, "Provider is Ready",
       false},
      {"Alert", "notification.toolkit.fluxcd.io/v1beta3", R::kNone, true, "Alert is Ready", false},
  };
  return kinds;
}

const FluxKind* find_flux_kind(std::string_view kind) {
  for (const auto& k : flux_kinds()) {
    if (iequals(k.kind, kind)) return &k;
  }
  return nullptr;
}

std::pair<std::string, std::string> ready_status_and_message(const Node& obj) {
  if (const Node* c = find_condition(obj, kReady))
    return {kube::text(*c, {"status"}), kube::text(*c, {"message"})};
  return {"False", "waiting to be reconciled"};
}

std::vector<std::string> get_header(const FluxKind& kind, bool all_namespaces) {
  std::vector<std::string> h = {"Name"};
  if (kind.revision != FluxKind::Revision::kNone) h.push_back("Revision");
  if (kind.suspend_column) h.push_back("Suspended");
  h.push_back("Ready");
  h.push_back("Message");
  if (all_namespaces) h.insert(h.begin(), "Namespace");
  return h;
}

std::vector<std::string> get_row(const FluxKind& kind, const Node& obj, bool all_namespaces,
                                 bool with_kind) {
  std::vector<std::string> row;
  std::string name = kube::text(obj, {"metadata", "name"});
  if (with_kind) name = lower(kind.kind) + "/" + name;
  if (all_namespaces) row.push_back(kube::text(obj, {"metadata", "namespace"}));
  row.push_back(name);
  if (kind.revision != FluxKind::Revision::kNone) {
    std::string rev = revision_of(kind, obj);
    // flux shortens hex digests, except a HelmChart's revision (a SemVer).
    row.push_back(kind.kind == "HelmChart" ? rev : truncate_hex(rev));
  }
  if (kind.suspend_column) row.push_back(title_bool(spec_suspended(obj)));
  auto [status, msg] = kind.static_ready_message.empty()
                           ? ready_status_and_message(obj)
                           : std::pair<std::string, std::string>{"True", kind.static_ready_message};
  row.push_back(status);
  row.push_back(truncate_hex(msg));
  return row;
}

std::optional<std::string> status_selector_error(std::string_view selector) {
  std::string_view sep = selector.find("!=") != std::string_view::npos ? "!=" : "=";
  if (selector.find(sep) == std::string_view::npos) {
    return "expected status selector in type=status or type!=status format, but found: " +
           std::string(selector);
  }
  return std::nullopt;
}

bool status_selector_matches(std::string_view selector, const Node& obj) {
  bool negate = selector.find("!=") != std::string_view::npos;
  std::string_view sep = negate ? "!=" : "=";
  size_t p = selector.find(sep);
  if (p == std::string_view::npos) return true;
  std::string_view type = selector.substr(0, p), want = selector.substr(p + sep.size());
  bool match = false;
  if (const Node* conds = kube::at(obj, {"status", "conditions"}); conds && conds->is_sequence()) {
    // flux takes the last condition whose type matches case-insensitively.
    const Node* found = nullptr;
    for (const auto& c : conds->items()) {
      if (iequals(kube::text(c, {"type"}), type)) found = &c;
    }
    match = found && iequals(kube::text(*found, {"status"}), want);
  }
  return negate ? !match : match;
}

// --- events ------------------------------------------------------------------------------------

int64_t event_time(const Node& ev) {
  if (kube::at(ev, {"series"})) {
    if (auto t = parse_time(kube::text(ev, {"series", "lastObservedTime"}))) return *t;
  }
  if (auto t = parse_time(kube::text(ev, {"lastTimestamp"}))) return *t;
  if (auto t = parse_time(kube::text(ev, {"eventTime"}))) return *t;
  return 0;
}

std::string event_last_seen(const Node& ev, int64_t now) {
  auto since = [&](std::string_view ts) -> std::string {
    auto t = parse_time(ts);
    if (!t) return "<unknown>";
    return kube::human_duration(std::max<int64_t>(0, now - *t));
  };
  std::string event_time_text = kube::text(ev, {"eventTime"});
  std::string first =
      !event_time_text.empty() ? since(event_time_text) : since(kube::text(ev, {"firstTimestamp"}));
  if (kube::at(ev, {"series"})) {
    return since(kube::text(ev, {"series", "lastObservedTime"})) + " (x" +
           kube::text(ev, {"series", "count"}) + " over " + first + ")";
  }
  std::string count = kube::text(ev, {"count"});
  if (!count.empty() && std::atoll(count.c_str()) > 1) {
    return since(kube::text(ev, {"lastTimestamp"})) + " (x" + count + " over " + first + ")";
  }
  return first;
}

std::vector<std::string> event_header(bool show_namespace) {
  std::vector<std::string> h = {"Last seen", "Type", "Reason", "Object", "Message"};
  if (show_namespace) h.insert(h.begin(), "Namespace");
  return h;
}

std::vector<std::string> event_row(const Node& ev, bool show_namespace, int64_t now) {
  std::vector<std::string> row;
  if (show_namespace) row.push_back(kube::text(ev, {"metadata", "namespace"}));
  row.push_back(event_last_seen(ev, now));
  row.push_back(kube::text(ev, {"type"}));
  row.push_back(kube::text(ev, {"reason"}));
  row.push_back(kube::text(ev, {"involvedObject", "kind"}) + "/" +
                kube::text(ev, {"involvedObject", "name"}));
  row.push_back(kube::text(ev, {"message"}));
  return row;
}

// --- logs --------------------------------------------------------------------------------------

std::optional<std::string> format_log_line(std::string_view line, const LogFilter& f) {
  if (line.empty() || line.front() != '{') return std::nullopt;
  auto parsed = core::parse_json(line);
  if (!parsed.ok() || !parsed->is_mapping()) return std::nullopt;
  const Node& l = *parsed;
  std::string ts = kube::text(l, {"ts"}), level = kube::text(l, {"level"}),
              msg = kube::text(l, {"msg"}), error = kube::text(l, {"error"}),
              kind = kube::text(l, {"reconciler kind"}), ckind = kube::text(l, {"controllerKind"}),
              name = kube::text(l, {"name"}), ns = kube::text(l, {"namespace"});
  if (!f.level.empty() && f.level != level) return std::nullopt;
  if (!f.kind.empty() && !iequals(f.kind, kind) && !iequals(f.kind, ckind)) return std::nullopt;
  if (!f.name.empty() && !iequals(f.name, name)) return std::nullopt;
  if (!f.all_namespaces && !iequals(f.namespace_name, ns)) return std::nullopt;
  if (f.since) {
    auto t = parse_time(ts);
    if (t && *t < *f.since) return std::nullopt;
  }
  std::string out = ts + " " + level + " " + (kind.empty() ? ckind : kind);
  if (!name.empty()) out += "/" + name + "." + ns;
  out += " - " + msg + " " + error + "\n";
  return out;
}

// --- tree --------------------------------------------------------------------------------------

namespace {

void print_items(std::string& out, const std::vector<InventoryTree>& items,
                 std::vector<bool>& spaces) {
  for (size_t i = 0; i < items.size(); ++i) {
    bool last = i + 1 == items.size();
    for (bool space : spaces) out += space ? "    " : "│   ";
    out += last ? "└── " : "├── ";
    out += items[i].resource.subject() + "\n";
    if (!items[i].children.empty()) {
      spaces.push_back(last);
      print_items(out, items[i].children, spaces);
      spaces.pop_back();
    }
  }
}

}  // namespace

std::string print_tree(const InventoryTree& tree) {
  std::string out = tree.resource.subject() + "\n";
  std::vector<bool> spaces;
  print_items(out, tree.children, spaces);
  return out;
}

Node tree_to_node(const InventoryTree& tree) {
  // cli-utils ObjMetadata has no JSON tags: Go's field names are the keys.
  Node gk = Node::mapping();
  gk.set("Group", Node::string(tree.resource.group));
  gk.set("Kind", Node::string(tree.resource.kind));
  Node res = Node::mapping();
  res.set("Namespace", Node::string(tree.resource.ns));
  res.set("Name", Node::string(tree.resource.name));
  res.set("GroupKind", std::move(gk));
  Node n = Node::mapping();
  n.set("resource", std::move(res));
  if (!tree.children.empty()) {
    Node list = Node::sequence();
    for (const auto& c : tree.children) list.push_back(tree_to_node(c));
    n.set("resources", std::move(list));
  }
  return n;
}

// --- trace -------------------------------------------------------------------------------------

std::string go_time_string(std::string_view rfc3339) {
  auto t = parse_time(rfc3339);
  if (!t) return std::string(rfc3339);
  std::time_t tt = std::time_t(*t);
  std::tm tm;
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::string out = buf;
  // Go prints the fraction without trailing zeros.
  size_t dot = rfc3339.find('.', 19);
  if (dot == 19) {
    size_t e = dot + 1;
    while (e < rfc3339.size() && std::isdigit(static_cast<unsigned char>(rfc3339[e]))) ++e;
    std::string frac(rfc3339.substr(dot + 1, e - dot - 1));
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (!frac.empty()) out += "." + frac;
  }
  return out + " +0000 UTC";
}

std::string trace_kustomization_report(const Node& obj, const Node& ks, const Node* source) {
  // flux2 cmd/flux/trace.go traceKustomization's template, line for line.
  std::string out = "\nObject:          " + kube::text(obj, {"kind"}) + "/" +
                    kube::text(obj, {"metadata", "name"});
  std::string ns = kube::text(obj, {"metadata", "namespace"});
  if (!ns.empty()) out += "\nNamespace:       " + ns;
  out += "\nStatus:          Managed by Flux";
  out += "\n---\nKustomization:   " + kube::text(ks, {"metadata", "name"});
  out += "\nNamespace:       " + kube::text(ks, {"metadata", "namespace"});
  if (std::string t = kube::text(ks, {"spec", "targetNamespace"}); !t.empty())
    out += "\nTarget:          " + t;
  out += "\nPath:            " + kube::text(ks, {"spec", "path"});
  out += "\nRevision:        " + kube::text(ks, {"status", "lastAppliedRevision"});
  if (const Node* c = find_condition(ks, kReady)) {
    out += "\nStatus:          Last reconciled at " +
           go_time_string(kube::text(*c, {"lastTransitionTime"}));
    out += "\nMessage:         " + kube::text(*c, {"message"});
  } else {
    out += "\nStatus:          Unknown";
  }
  if (source) {
    std::string kind = kube::text(*source, {"kind"});
    const Node& s = *source;
    if (kind == "GitRepository") {
      out += "\n---\nGitRepository:   " + kube::text(s, {"metadata", "name"});
      out += "\nNamespace:       " + kube::text(s, {"metadata", "namespace"});
      out += "\nURL:             " + kube::text(s, {"spec", "url"});
      if (kube::at(s, {"spec", "ref"})) {
        if (std::string v = kube::text(s, {"spec", "ref", "tag"}); !v.empty()) {
          out += "\nTag:             " + v;
        } else if (std::string v = kube::text(s, {"spec", "ref", "semver"}); !v.empty()) {
          out += "\nTag:             " + v;
        } else if (std::string v = kube::text(s, {"spec", "ref", "branch"}); !v.empty()) {
          out += "\nBranch:          " + v;
        }
      }
    } else if (kind == "OCIRepository") {
      out += "\n---\nOCIRepository:   " + kube::text(s, {"metadata", "name"});
      out += "\nNamespace:       " + kube::text(s, {"metadata", "namespace"});
      out += "\nURL:             " + kube::text(s, {"spec", "url"});
      if (kube::at(s, {"spec", "ref"})) {
        if (std::string v = kube::text(s, {"spec", "ref", "tag"}); !v.empty()) {
          out += "\nTag:             " + v;
        } else if (std::string v = kube::text(s, {"spec", "ref", "semver"}); !v.empty()) {
          out += "\nTag:             " + v;
        } else if (std::string v = kube::text(s, {"spec", "ref", "digest"}); !v.empty()) {
          out += "\nDigest:          " + v;
        }
      }
    } else {
      out += "\n---\n" + kind + ":" + std::string(kind.size() < 16 ? 16 - kind.size() : 0, ' ') +
             " " + kube::text(s, {"metadata", "name"});
      out += "\nNamespace:       " + kube::text(s, {"metadata", "namespace"});
    }
    if (kube::at(s, {"status", "artifact"}))
      out += "\nRevision:        " + kube::text(s, {"status", "artifact", "revision"});
    if (const Node* c = find_condition(s, kReady)) {
      bool failed = kube::text(*c, {"status"}) == "False";
      out += failed ? "\nStatus:          Last reconciliation failed at "
                    : "\nStatus:          Last reconciled at ";
      out += go_time_string(kube::text(*c, {"lastTransitionTime"}));
      out += "\nMessage:         " + kube::text(*c, {"message"});
    } else {
      out += "\nStatus:          Unknown";
    }
  }
  return out + "\n";
}

}  // namespace oc::controllers::verbs
