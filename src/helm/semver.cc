#include "helm/semver.h"

#include <re2/re2.h>

#include "helm/go_strconv.h"

namespace oc::helm {

namespace {

constexpr std::string_view kNum = "0123456789";
constexpr std::string_view kAllowed =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

bool contains_only(std::string_view s, std::string_view set) {
  for (char c : s) {
    if (set.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t p = 0;
  for (;;) {
    size_t q = s.find(sep, p);
    out.push_back(s.substr(p, q == std::string_view::npos ? std::string_view::npos : q - p));
    if (q == std::string_view::npos) break;
    p = q + 1;
  }
  return out;
}

const char* validate_prerelease(std::string_view p) {
  for (auto part : split(p, '.')) {
    if (contains_only(part, kNum)) {
      if (part.size() > 1 && part[0] == '0') return "Version segment starts with 0";
    } else if (!contains_only(part, kAllowed)) {
      return "Invalid Prerelease string";
    }
  }
  return nullptr;
}

const char* validate_metadata(std::string_view m) {
  for (auto part : split(m, '.')) {
    if (!contains_only(part, kAllowed)) return "Invalid Metadata string";
  }
  return nullptr;
}

constexpr const char* kSemVerRegex = R"(v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?)"
                                     R"((-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
                                     R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)";
constexpr const char* kCvRegex = R"(v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?)"
                                 R"((-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
                                 R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)";
constexpr const char* kOps = R"(=||!=|>|<|>=|=>|<=|=<|~|~>|\^)";

// Compiled on first use, the version pattern on its own: every chart load parses a version,
// few renders a constraint, and compiling all five took 1.8 million instructions (a third of a
// `helm template` of a one-line chart).
const RE2& version_rx() {
  static const RE2 r{std::string("^") + kSemVerRegex + "$"};
  return r;
}

struct Regexes {
  RE2 constraint{std::string(R"(^\s*()") + kOps + R"()\s*()" + kCvRegex + R"()\s*$)"};
  RE2 range{std::string(R"(\s*()") + kCvRegex + R"()\s+-\s+()" + kCvRegex + R"()\s*)"};
  RE2 find{std::string("(") + kOps + R"()\s*()" + kCvRegex + ")"};
  RE2 valid{std::string(R"(^(\s*()") + kOps + R"()\s*()" + kCvRegex + R"()\s*)((?:\s+|,\s*)()" +
            kOps + R"()\s*()" + kCvRegex + R"()\s*)*$)"};
};

const Regexes& rx() {
  static const Regexes r;
  return r;
}

// All submatches of re at the start position.
bool submatches(const RE2& re, std::string_view s, size_t start, std::vector<std::string_view>* out,
                size_t* match_begin = nullptr, size_t* match_end = nullptr) {
  int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> g(static_cast<size_t>(n));
  if (!re.Match(re2::StringPiece(s.data(), s.size()), start, s.size(), RE2::UNANCHORED, g.data(),
                n)) {
    return false;
  }
  out->clear();
  for (auto& p : g)
    out->emplace_back(p.data() ? std::string_view(p.data(), p.size()) : std::string_view());
  if (match_begin) *match_begin = static_cast<size_t>(g[0].data() - s.data());
  if (match_end) *match_end = static_cast<size_t>(g[0].data() - s.data()) + g[0].size();
  return true;
}

bool is_x(std::string_view x) {
  return x == "x" || x == "*" || x == "X";
}

int compare_pre_part(std::string_view s, std::string_view o) {
  if (s == o) return 0;
  if (s.empty()) return o.empty() ? 1 : -1;
  if (o.empty()) return 1;
  auto oi = go_parse_uint(o, 10);
  auto si = go_parse_uint(s, 10);
  if (!oi && !si) return s > o ? 1 : -1;
  if (!oi) return -1;
  if (!si) return 1;
  return *si > *oi ? 1 : -1;
}

int compare_prerelease(std::string_view v, std::string_view o) {
  auto sp = split(v, '.');
  auto op = split(o, '.');
  size_t l = std::max(sp.size(), op.size());
  for (size_t i = 0; i < l; ++i) {
    std::string_view a = i < sp.size() ? sp[i] : std::string_view();
    std::string_view b = i < op.size() ? op[i] : std::string_view();
    int d = compare_pre_part(a, b);
    if (d != 0) return d;
  }
  return 0;
}

}  // namespace

std::string SemVersion::str() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!pre.empty()) s += "-" + pre;
  if (!metadata.empty()) s += "+" + metadata;
  return s;
}

int SemVersion::compare(const SemVersion& o) const {
  auto seg = [](uint64_t a, uint64_t b) { return a < b ? -1 : a > b ? 1 : 0; };
  if (int d = seg(major, o.major)) return d;
  if (int d = seg(minor, o.minor)) return d;
  if (int d = seg(patch, o.patch)) return d;
  if (pre.empty() && o.pre.empty()) return 0;
  if (pre.empty()) return 1;
  if (o.pre.empty()) return -1;
  return compare_prerelease(pre, o.pre);
}

core::Result<SemVersion> parse_semver(std::string_view v) {
  std::vector<std::string_view> m;
  if (!submatches(version_rx(), v, 0, &m)) return core::Error("Invalid Semantic Version");
  SemVersion sv;
  sv.metadata = std::string(m[8]);
  sv.pre = std::string(m[5]);
  sv.original = std::string(v);
  auto seg = [](std::string_view s, uint64_t* out) -> bool {
    if (!s.empty() && s[0] == '.') s.remove_prefix(1);
    auto u = go_parse_uint(s, 10);
    if (!u) return false;
    *out = *u;
    return true;
  };
  if (!seg(m[1], &sv.major)) {
    return core::Error("Error parsing version segment: strconv.ParseUint: parsing " +
                       std::string("\"") + std::string(m[1]) + "\": value out of range");
  }
  if (!m[2].empty() && !seg(m[2], &sv.minor)) return core::Error("Error parsing version segment");
  if (!m[3].empty() && !seg(m[3], &sv.patch)) return core::Error("Error parsing version segment");
  if (!sv.pre.empty()) {
    if (const char* e = validate_prerelease(sv.pre)) return core::Error(e);
  }
  if (!sv.metadata.empty()) {
    if (const char* e = validate_metadata(sv.metadata)) return core::Error(e);
  }
  return sv;
}

core::Result<SemVersion> parse_semver_strict(std::string_view v) {
  if (v.empty()) return core::Error("Version string empty");
  auto parts = split(v, '.');
  if (parts.size() < 3) return core::Error("Invalid Semantic Version");
  std::string_view p2 = v.substr(static_cast<size_t>(parts[2].data() - v.data()));
  SemVersion sv;
  sv.original = std::string(v);
  std::string_view nums[3] = {parts[0], parts[1], p2};
  if (p2.find_first_of("-+") != std::string_view::npos) {
    size_t plus = p2.find('+');
    if (plus != std::string_view::npos) {
      sv.metadata = std::string(p2.substr(plus + 1));
      p2 = p2.substr(0, plus);
    }
    size_t dash = p2.find('-');
    if (dash != std::string_view::npos) {
      sv.pre = std::string(p2.substr(dash + 1));
      p2 = p2.substr(0, dash);
    }
    nums[2] = p2;
  }
  uint64_t* dst[3] = {&sv.major, &sv.minor, &sv.patch};
  for (int i = 0; i < 3; ++i) {
    if (!contains_only(nums[i], kNum)) return core::Error("Invalid characters in version");
    if (nums[i].size() > 1 && nums[i][0] == '0')
      return core::Error("Version segment starts with 0");
  }
  for (int i = 0; i < 3; ++i) {
    auto u = go_parse_uint(nums[i], 10);
    if (!u) return core::Error("Invalid Semantic Version");
    *dst[i] = *u;
  }
  if (!sv.pre.empty()) {
    if (const char* e = validate_prerelease(sv.pre)) return core::Error(e);
  }
  if (!sv.metadata.empty()) {
    if (const char* e = validate_metadata(sv.metadata)) return core::Error(e);
  }
  return sv;
}

struct SemConstraint::Term {
  SemVersion con;
  std::string orig, op;
  bool minor_dirty = false, dirty = false, patch_dirty = false;

  bool check(const SemVersion& v) const {
    bool v_pre = !v.pre.empty();
    bool c_pre = !con.pre.empty();
    if (op == "" || op == "=") {
      if (v_pre && !c_pre) return false;
      if (dirty) return tilde(v);
      return v.compare(con) == 0;
    }
    if (op == "!=") {
      if (dirty) {
        if (v_pre && !c_pre) return false;
        if (con.major != v.major) return true;
        if (con.minor != v.minor && !minor_dirty) return true;
        if (minor_dirty) return false;
        if (con.patch != v.patch && !patch_dirty) return true;
        if (patch_dirty) {
          if (v_pre || c_pre) return compare_prerelease(v.pre, con.pre) != 0;
          return false;
        }
      }
      return v.compare(con) != 0;
    }
    if (v_pre && !c_pre) return false;
    if (op == ">") {
      if (!dirty) return v.compare(con) == 1;
      if (v.major > con.major) return true;
      if (v.major < con.major) return false;
      if (minor_dirty) return false;
      if (patch_dirty) return v.minor > con.minor;
      return v.compare(con) == 1;
    }
    if (op == "<") return v.compare(con) < 0;
    if (op == ">=" || op == "=>") return v.compare(con) >= 0;
    if (op == "<=" || op == "=<") {
      if (!dirty) return v.compare(con) <= 0;
      if (v.major > con.major) return false;
      if (v.major == con.major && v.minor > con.minor && !minor_dirty) return false;
      return true;
    }
    if (op == "~" || op == "~>") return tilde(v);
    if (op == "^") {
      if (v.compare(con) < 0) return false;
      if (con.major > 0 || minor_dirty) return v.major == con.major;
      if (con.major == 0 && v.major > 0) return false;
      if (con.minor > 0 || patch_dirty) return v.minor == con.minor;
      if (con.minor == 0 && v.minor > 0) return false;
      return con.patch == v.patch;
    }
    return false;
  }

  bool tilde(const SemVersion& v) const {
    if (!v.pre.empty() && con.pre.empty()) return false;
    if (v.compare(con) < 0) return false;
    if (con.major == 0 && con.minor == 0 && con.patch == 0 && !minor_dirty && !patch_dirty)
      return true;
    if (v.major != con.major) return false;
    if (v.minor != con.minor && !minor_dirty) return false;
    return true;
  }
};

core::Result<SemConstraint> SemConstraint::parse(std::string_view c_in) {
  const Regexes& r = rx();
  // rewriteRange: "a - b" → ">= a, <= b"
  std::string c(c_in);
  {
    std::string out;
    size_t pos = 0;
    std::vector<std::string_view> m;
    size_t b, e;
    std::string src = c;
    bool any = false;
    while (pos <= src.size() && submatches(r.range, src, pos, &m, &b, &e)) {
      any = true;
      out.append(src, pos, b - pos);
      out += ">= " + std::string(m[1]) + ", <= " + std::string(m[11]);
      pos = e > b ? e : e + 1;
      if (e == b) {
        if (b < src.size()) out.push_back(src[b]);
      }
    }
    if (any) {
      if (pos < src.size()) out.append(src, pos, std::string::npos);
      c = out;
    }
  }
  SemConstraint out;
  // strings.Split(c, "||")
  std::vector<std::string> ors;
  {
    size_t p = 0;
    for (;;) {
      size_t q = c.find("||", p);
      ors.push_back(c.substr(p, q == std::string::npos ? std::string::npos : q - p));
      if (q == std::string::npos) break;
      p = q + 2;
    }
  }
  for (const std::string& v : ors) {
    if (!RE2::FullMatch(v, r.valid)) return core::Error("improper constraint: " + v);
    std::vector<std::string> cs;
    {
      std::vector<std::string_view> m;
      size_t pos = 0, b, e;
      while (pos <= v.size() && submatches(r.find, v, pos, &m, &b, &e)) {
        cs.emplace_back(v.substr(b, e - b));
        pos = e > b ? e : e + 1;
      }
    }
    if (cs.empty()) cs.push_back(v);
    std::vector<std::shared_ptr<const Term>> terms;
    for (const std::string& s : cs) {
      auto t = std::make_shared<Term>();
      if (s.empty()) {
        t->con = SemVersion{};
        t->dirty = true;
        terms.push_back(t);
        continue;
      }
      std::vector<std::string_view> m;
      if (!submatches(r.constraint, s, 0, &m)) return core::Error("improper constraint: " + s);
      t->orig = std::string(m[2]);
      t->op = std::string(m[1]);
      std::string ver = std::string(m[2]);
      auto trim_dot = [](std::string_view x) {
        if (!x.empty() && x[0] == '.') x.remove_prefix(1);
        return x;
      };
      if (is_x(m[3]) || m[3].empty()) {
        ver = "0.0.0" + std::string(m[6]);
        t->dirty = true;
      } else if (is_x(trim_dot(m[4])) || m[4].empty()) {
        t->minor_dirty = true;
        t->dirty = true;
        ver = std::string(m[3]) + ".0.0" + std::string(m[6]);
      } else if (is_x(trim_dot(m[5])) || m[5].empty()) {
        t->dirty = true;
        t->patch_dirty = true;
        ver = std::string(m[3]) + std::string(m[4]) + ".0" + std::string(m[6]);
      }
      auto con = parse_semver(ver);
      if (!con.ok()) return core::Error("constraint Parser Error");
      t->con = *con;
      terms.push_back(t);
    }
    out.ors_.push_back(std::move(terms));
  }
  return out;
}

bool SemConstraint::check(const SemVersion& v) const {
  for (const auto& terms : ors_) {
    bool joy = true;
    for (const auto& t : terms) {
      if (!t->check(v)) {
        joy = false;
        break;
      }
    }
    if (joy) return true;
  }
  return false;
}

bool semver_compatible(std::string_view constraint, std::string_view version) {
  auto c = SemConstraint::parse(constraint);
  if (!c.ok()) return false;
  auto v = parse_semver(version);
  if (!v.ok()) return false;
  return c->check(*v);
}

}  // namespace oc::helm
