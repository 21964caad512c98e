#include "core/semver.h"

#include <charconv>

namespace oc::core {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// [0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*
bool valid_idents(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (i == start) return false;
      start = i + 1;
    } else if (!ident_char(s[i])) {
      return false;
    }
  }
  return true;
}

bool parse_number(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

int compare_prerelease(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  if (a.empty()) return 1;  // a release ranks above its prereleases
  if (b.empty()) return -1;
  size_t ia = 0, ib = 0;
  for (;;) {
    size_t ea = a.find('.', ia), eb = b.find('.', ib);
    std::string_view pa = a.substr(ia, ea == std::string_view::npos ? std::string_view::npos : ea - ia);
    std::string_view pb = b.substr(ib, eb == std::string_view::npos ? std::string_view::npos : eb - ib);
    uint64_t na = 0, nb = 0;
    bool da = parse_number(pa, na), db = parse_number(pb, nb);
    int c = 0;
    if (da && db) {
      c = na < nb ? -1 : na > nb ? 1 : 0;
    } else if (da) {
      c = -1;  // numeric identifiers rank below alphanumeric ones
    } else if (db) {
      c = 1;
    } else {
      c = pa < pb ? -1 : pa > pb ? 1 : 0;
    }
    if (c) return c;
    bool more_a = ea != std::string_view::npos, more_b = eb != std::string_view::npos;
    if (!more_a && !more_b) return 0;
    if (!more_a) return -1;
    if (!more_b) return 1;
    ia = ea + 1;
    ib = eb + 1;
  }
}

bool is_x(std::string_view s) { return s == "x" || s == "X" || s == "*"; }

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::optional<Version> Version::parse(std::string_view s) {
  Version v;
  v.original = std::string(s);
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    v.metadata = std::string(s.substr(plus + 1));
    if (!valid_idents(v.metadata)) return std::nullopt;
    s = s.substr(0, plus);
  }
  size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    v.prerelease = std::string(s.substr(dash + 1));
    if (!valid_idents(v.prerelease)) return std::nullopt;
    s = s.substr(0, dash);
  }
  uint64_t* parts[3] = {&v.major, &v.minor, &v.patch};
  int n = 0;
  size_t p = 0;
  while (p <= s.size()) {
    size_t dot = s.find('.', p);
    std::string_view part = s.substr(p, dot == std::string_view::npos ? std::string_view::npos : dot - p);
    if (n == 3 || !parse_number(part, *parts[n])) return std::nullopt;
    ++n;
    if (dot == std::string_view::npos) break;
    p = dot + 1;
  }
  if (n == 0) return std::nullopt;
  return v;
}

int Version::compare(const Version& o) const {
  if (major != o.major) return major < o.major ? -1 : 1;
  if (minor != o.minor) return minor < o.minor ? -1 : 1;
  if (patch != o.patch) return patch < o.patch ? -1 : 1;
  return compare_prerelease(prerelease, o.prerelease);
}

std::string Version::to_string() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!prerelease.empty()) s += "-" + prerelease;
  if (!metadata.empty()) s += "+" + metadata;
  return s;
}

namespace {

// [0-9xX*|]+ — a version part as Masterminds' cvRegex accepts it.
bool version_part(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(is_digit(c) || c == 'x' || c == 'X' || c == '*' || c == '|')) return false;
  }
  return true;
}

}  // namespace

Result<Constraint> Constraint::parse(std::string_view text) {
  Constraint c;
  std::string all(text);
  auto improper = [&](const std::string& seg) { return Error("improper constraint: " + seg); };
  size_t start = 0;
  for (;;) {
    size_t bar = all.find("||", start);
    std::string alt = all.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    // "a - b" ranges become ">= a, <= b" (rewriteRange).
    size_t hy = alt.find(" - ");
    if (hy != std::string::npos) alt = ">= " + trim(alt.substr(0, hy)) + ", <= " + trim(alt.substr(hy + 3));
    std::vector<Cond> conds;
    size_t i = 0;
    bool first = true;
    for (;;) {
      size_t sep = i;
      while (i < alt.size() && (alt[i] == ' ' || alt[i] == '\t' || alt[i] == ',')) ++i;
      if (i >= alt.size()) break;
      // Conditions after the first are separated by whitespace or a comma.
      if (!first && i == sep) return improper(alt);
      if (!first && alt.find(',', sep) < i && alt.substr(sep, i - sep).find_first_not_of(" \t,") == std::string::npos) {
        // ", " or " ," — at most one comma between two conditions.
        size_t commas = 0;
        for (size_t k = sep; k < i; ++k) commas += alt[k] == ',';
        if (commas > 1) return improper(alt);
      }
      first = false;
      size_t op_start = i;
      while (i < alt.size() && std::string_view("=!<>~^").find(alt[i]) != std::string_view::npos) ++i;
      std::string op = alt.substr(op_start, i - op_start);
      while (i < alt.size() && (alt[i] == ' ' || alt[i] == '\t')) ++i;
      size_t vs = i;
      while (i < alt.size() && alt[i] != ' ' && alt[i] != ',' && alt[i] != '\t') ++i;
      std::string ver = alt.substr(vs, i - vs);
      if (!(op.empty() || op == "=" || op == "!=" || op == ">" || op == "<" || op == ">=" ||
            op == "=>" || op == "<=" || op == "=<" || op == "~" || op == "~>" || op == "^")) {
        return improper(alt);
      }
      // Split ver into v? major (.minor)? (.patch)? (-pre)? (+meta)?
      std::string rest = ver;
      if (!rest.empty() && rest[0] == 'v') rest = rest.substr(1);
      std::string meta, pre;
      if (size_t p = rest.find('+'); p != std::string::npos) {
        meta = rest.substr(p + 1);
        rest = rest.substr(0, p);
        if (!valid_idents(meta)) return improper(alt);
      }
      if (size_t p = rest.find('-'); p != std::string::npos) {
        pre = rest.substr(p + 1);
        rest = rest.substr(0, p);
        if (!valid_idents(pre)) return improper(alt);
      }
      std::vector<std::string> parts;
      size_t p = 0;
      while (p <= rest.size()) {
        size_t d = rest.find('.', p);
        parts.push_back(rest.substr(p, d == std::string::npos ? std::string::npos : d - p));
        if (d == std::string::npos) break;
        p = d + 1;
      }
      if (parts.size() > 3) return improper(alt);
      for (const auto& part : parts) {
        if (!version_part(part)) return improper(alt);
      }
      Cond cd;
      cd.op = op == "=>" ? ">=" : op == "=<" ? "<=" : op == "~>" ? "~" : op.empty() ? "=" : op;
      std::string pre_suffix = pre.empty() ? "" : "-" + pre;
      std::string normalized;
      if (is_x(parts[0])) {
        cd.dirty = true;
        normalized = "0.0.0" + pre_suffix;
      } else if (parts.size() < 2 || is_x(parts[1])) {
        cd.dirty = cd.minor_dirty = true;
        normalized = parts[0] + ".0.0" + pre_suffix;
      } else if (parts.size() < 3 || is_x(parts[2])) {
        cd.dirty = cd.patch_dirty = true;
        normalized = parts[0] + "." + parts[1] + ".0" + pre_suffix;
      } else {
        normalized = ver;
      }
      auto v = Version::parse(normalized);
      if (!v) return improper(alt);
      cd.v = *v;
      conds.push_back(std::move(cd));
    }
    if (conds.empty()) return improper(alt);
    c.any_of_.push_back(std::move(conds));
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  return c;
}

// The operators of Masterminds/semver v3 (constraints.go): wildcard ("dirty") handling and
// "prerelease versions only satisfy conditions that name a prerelease".
bool Constraint::cond_ok(const Cond& c, const Version& v) {
  const Version& k = c.v;
  bool pre_excluded = !v.prerelease.empty() && k.prerelease.empty();
  auto tilde = [&]() {
    if (pre_excluded) return false;
    if (v.compare(k) < 0) return false;
    if (k.major == 0 && k.minor == 0 && k.patch == 0 && !c.minor_dirty && !c.patch_dirty) return true;
    if (v.major != k.major) return false;
    if (v.minor != k.minor && !c.minor_dirty) return false;
    return true;
  };
  if (c.op == "=") {
    if (pre_excluded) return false;
    if (c.dirty) return tilde();
    return v.compare(k) == 0;
  }
  if (c.op == "!=") {
    if (c.dirty) {
      if (pre_excluded) return false;
      if (k.major != v.major) return true;
      if (k.minor != v.minor && !c.minor_dirty) return true;
      if (c.minor_dirty) return false;
      if (k.patch != v.patch && !c.patch_dirty) return true;
      if (c.patch_dirty) {
        if (!v.prerelease.empty() || !k.prerelease.empty()) {
          return compare_prerelease(v.prerelease, k.prerelease) != 0;
        }
        return false;
      }
    }
    return v.compare(k) != 0;
  }
  if (pre_excluded) return false;
  if (c.op == ">") {
    if (!c.dirty) return v.compare(k) > 0;
    if (v.major != k.major) return v.major > k.major;
    if (c.minor_dirty) return false;
    if (c.patch_dirty) return v.minor > k.minor;
    return v.compare(k) > 0;
  }
  if (c.op == ">=") return v.compare(k) >= 0;
  if (c.op == "<") return v.compare(k) < 0;
  if (c.op == "<=") {
    if (!c.dirty) return v.compare(k) <= 0;
    if (v.major > k.major) return false;
    if (v.major == k.major && v.minor > k.minor && !c.minor_dirty) return false;
    return true;
  }
  if (c.op == "~") return tilde();
  if (c.op == "^") {
    if (v.compare(k) < 0) return false;
    if (k.major > 0 || c.minor_dirty) return v.major == k.major;
    if (v.major > 0) return false;
    if (k.minor > 0 || c.patch_dirty) return v.minor == k.minor;
    if (v.minor > 0) return false;
    return k.patch == v.patch;
  }
  return false;
}

bool Constraint::check(const Version& v) const {
  for (const auto& all : any_of_) {
    bool ok = true;
    for (const auto& c : all) ok = ok && cond_ok(c, v);
    if (ok) return true;
  }
  return false;
}

}  // namespace oc::core
