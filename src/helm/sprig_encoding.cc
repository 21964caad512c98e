// Sprig's encoding, path and URL functions: b64enc/b64dec, b32enc/b32dec (Go's
// encoding/base64|base32 including their error texts), base/dir/clean/ext/isAbs (package path,
// and path/filepath on Linux), urlParse/urlJoin (net/url), getHostByName.
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <random>

#include "core/base64.h"
#include "helm/func_util.h"

namespace oc::helm {

namespace {

// Go's StdEncoding decoder (decodeQuantum), for its exact error offsets.
std::string b64_decode(std::string_view src, bool* ok, size_t* bad) {
  static int8_t map[256];
  static bool init = [] {
    std::memset(map, -1, sizeof map);
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) map[static_cast<unsigned char>(a[i])] = static_cast<int8_t>(i);
    return true;
  }();
  (void)init;
  std::string out;
  size_t si = 0;
  *ok = true;
  while (true) {
    uint8_t dbuf[4] = {0, 0, 0, 0};
    int dlen = 4;
    bool done = false;
    for (int j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return out;
        *ok = false;
        *bad = si - static_cast<size_t>(j);
        return out;
      }
      unsigned char in = static_cast<unsigned char>(src[si]);
      ++si;
      if (map[in] >= 0) {
        dbuf[j] = static_cast<uint8_t>(map[in]);
        continue;
      }
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=') {
        *ok = false;
        *bad = si - 1;
        return out;
      }
      if (j == 0 || j == 1) {
        *ok = false;
        *bad = si - 1;
        return out;
      }
      if (j == 2) {
        while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) ++si;
        if (si == src.size()) {
          *ok = false;
          *bad = src.size();
          return out;
        }
        if (src[si] != '=') {
          *ok = false;
          *bad = si - 1;
          return out;
        }
        ++si;
      }
      while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) ++si;
      if (si < src.size()) {
        *ok = false;
        *bad = si;
      }
      dlen = j;
      done = true;
      break;
    }
    uint32_t val =
        (uint32_t(dbuf[0]) << 18) | (uint32_t(dbuf[1]) << 12) | (uint32_t(dbuf[2]) << 6) | dbuf[3];
    char b[3] = {static_cast<char>(val >> 16), static_cast<char>(val >> 8), static_cast<char>(val)};
    out.append(b, static_cast<size_t>(dlen - 1));
    if (done || !*ok) return out;
  }
}

Value f_b64enc(CallCtx&, Args a) {
  return str_value(core::base64_encode(a[0].str()));
}
Value f_b64dec(CallCtx&, Args a) {
  bool ok;
  size_t bad = 0;
  std::string out = b64_decode(a[0].str(), &ok, &bad);
  if (!ok) return str_value("illegal base64 data at input byte " + std::to_string(bad));
  return str_value(std::move(out));
}

constexpr char kB32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

Value f_b32enc(CallCtx&, Args a) {
  std::string_view s = a[0].str();
  std::string out;
  for (size_t i = 0; i < s.size(); i += 5) {
    uint8_t b[5] = {0, 0, 0, 0, 0};
    size_t n = std::min<size_t>(5, s.size() - i);
    for (size_t k = 0; k < n; ++k) b[k] = static_cast<uint8_t>(s[i + k]);
    uint64_t v = 0;
    for (int k = 0; k < 5; ++k) v = (v << 8) | b[k];
    static const size_t chars[6] = {0, 2, 4, 5, 7, 8};
    size_t nc = chars[n];
    for (size_t k = 0; k < 8; ++k) {
      out.push_back(k < nc ? kB32[(v >> (35 - 5 * k)) & 31] : '=');
    }
  }
  return str_value(std::move(out));
}

Value f_b32dec(CallCtx&, Args a) {
  std::string_view s = a[0].str();
  std::string clean;
  for (char c : s) {
    if (c != '\n' && c != '\r') clean.push_back(c);
  }
  std::string out;
  if (clean.size() % 8 != 0) {
    return str_value("illegal base32 data at input byte " + std::to_string(clean.size() / 8 * 8));
  }
  for (size_t i = 0; i < clean.size(); i += 8) {
    uint64_t v = 0;
    size_t n = 0;
    for (size_t k = 0; k < 8; ++k) {
      char c = clean[i + k];
      const char* p = c ? std::strchr(kB32, c) : nullptr;
      if (c == '=') {
        v <<= 5;
        continue;
      }
      if (!p) return str_value("illegal base32 data at input byte " + std::to_string(i + k));
      v = (v << 5) | static_cast<uint64_t>(p - kB32);
      ++n;
    }
    static const size_t bytes[9] = {0, 0, 1, 1, 2, 3, 3, 4, 5};
    size_t nb = bytes[n];
    for (size_t k = 0; k < nb; ++k) out.push_back(static_cast<char>(v >> (32 - 8 * k)));
  }
  return str_value(std::move(out));
}

// --- package path ---
std::string path_clean(std::string_view p) {
  if (p.empty()) return ".";
  bool rooted = p[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view seg = p.substr(i, j - i);
    if (seg.empty() || seg == ".") {
    } else if (seg == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(seg);
      }
    } else {
      parts.push_back(seg);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += "/";
    out += parts[k];
  }
  if (out.empty()) return ".";
  return out;
}

std::string path_base(std::string_view p) {
  if (p.empty()) return ".";
  while (p.size() > 0 && p.back() == '/') p.remove_suffix(1);
  size_t i = p.rfind('/');
  if (i != std::string_view::npos) p = p.substr(i + 1);
  if (p.empty()) return "/";
  return std::string(p);
}

std::string path_dir(std::string_view p) {
  size_t i = p.rfind('/');
  std::string_view dir = i == std::string_view::npos ? std::string_view() : p.substr(0, i + 1);
  return path_clean(dir);
}

std::string path_ext(std::string_view p) {
  for (size_t i = p.size(); i > 0 && p[i - 1] != '/'; --i) {
    if (p[i - 1] == '.') return std::string(p.substr(i - 1));
  }
  return "";
}

Value f_base(CallCtx&, Args a) {
  return str_value(path_base(a[0].str()));
}
Value f_dir(CallCtx&, Args a) {
  return str_value(path_dir(a[0].str()));
}
Value f_clean(CallCtx&, Args a) {
  return str_value(path_clean(a[0].str()));
}
Value f_ext(CallCtx&, Args a) {
  return str_value(path_ext(a[0].str()));
}
Value f_is_abs(CallCtx&, Args a) {
  return Value::boolean(!a[0].str().empty() && a[0].str()[0] == '/');
}

// --- net/url (the parts urlParse/urlJoin expose) ---
int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool url_unescape(std::string_view s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return false;
      int h = unhex(s[i + 1]), l = unhex(s[i + 2]);
      if (h < 0 || l < 0) return false;
      out->push_back(static_cast<char>(h * 16 + l));
      i += 2;
    } else {
      out->push_back(s[i]);
    }
  }
  return true;
}

bool should_escape_path(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return false;
  switch (c) {
    case '-':
    case '_':
    case '.':
    case '~':
      return false;
    case '$':
    case '&':
    case '+':
    case ',':
    case '/':
    case ':':
    case ';':
    case '=':
    case '@':
      return false;
    default:
      return true;
  }
}

std::string escape_path(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (should_escape_path(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

Value f_url_parse(CallCtx&, Args a) {
  std::string_view raw = a[0].str();
  std::string fragment;
  size_t hash = raw.find('#');
  std::string_view rest = raw;
  if (hash != std::string_view::npos) {
    if (!url_unescape(raw.substr(hash + 1), &fragment)) {
      func_fail("unable to parse url: parse \"" + std::string(raw) + "\": invalid URL escape");
    }
    rest = raw.substr(0, hash);
  }
  std::string scheme;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) continue;
    if (c == ':' && i > 0) {
      scheme = std::string(rest.substr(0, i));
      for (char& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      rest = rest.substr(i + 1);
    }
    break;
  }
  std::string query;
  size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  std::string opaque, host, userinfo, path;
  if (!scheme.empty() && !rest.empty() && rest[0] != '/') {
    opaque = std::string(rest);
  } else {
    if (rest.substr(0, 2) == "//") {
      rest = rest.substr(2);
      size_t slash = rest.find('/');
      std::string_view auth = rest.substr(0, slash);
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
      size_t at = auth.rfind('@');
      if (at != std::string_view::npos) {
        userinfo = std::string(auth.substr(0, at));
        auth = auth.substr(at + 1);
      }
      host = std::string(auth);
    }
    if (!url_unescape(rest, &path)) {
      func_fail("unable to parse url: parse \"" + std::string(raw) + "\": invalid URL escape");
    }
  }
  std::string hostname = host;
  if (!hostname.empty() && hostname[0] == '[') {
    size_t e = hostname.find(']');
    hostname = hostname.substr(1, e == std::string::npos ? std::string::npos : e - 1);
  } else {
    size_t colon = hostname.rfind(':');
    if (colon != std::string::npos) hostname = hostname.substr(0, colon);
  }
  Value m = Value::map(GoType::kMapIface);
  MapObj* mo = m.map_obj();
  mo->set("scheme", Value::string(scheme));
  mo->set("host", Value::string(host));
  mo->set("hostname", Value::string(hostname));
  mo->set("path", Value::string(path));
  mo->set("query", Value::string(query));
  mo->set("opaque", Value::string(opaque));
  mo->set("fragment", Value::string(fragment));
  mo->set("userinfo", Value::string(userinfo));
  return m;
}

std::string dict_get_or_empty(const Value& d, const char* key) {
  const MapObj* m = d.map_obj();
  const Value* v = m ? m->find(key) : nullptr;
  if (!v) return "";
  if (v->kind() != Kind::kString) {
    std::string kind = v->kind() == Kind::kNil ? "invalid" : v->type_name();
    func_fail(std::string("unable to parse ") + key + " key, must be of type string, but " + kind +
              " found");
  }
  return std::string(v->str());
}

Value f_url_join(CallCtx&, Args a) {
  std::string scheme = dict_get_or_empty(a[0], "scheme");
  std::string host = dict_get_or_empty(a[0], "host");
  std::string path = dict_get_or_empty(a[0], "path");
  std::string query = dict_get_or_empty(a[0], "query");
  std::string opaque = dict_get_or_empty(a[0], "opaque");
  std::string fragment = dict_get_or_empty(a[0], "fragment");
  std::string userinfo = dict_get_or_empty(a[0], "userinfo");
  std::string out;
  if (!scheme.empty()) out += scheme + ":";
  if (!opaque.empty()) {
    out += opaque;
  } else {
    if (!scheme.empty() || !host.empty() || !userinfo.empty()) {
      if (!host.empty() || !path.empty() || !userinfo.empty()) out += "//";
      if (!userinfo.empty()) out += userinfo + "@";
      out += host;
    }
    std::string ep = escape_path(path);
    if (!ep.empty() && ep[0] != '/' && !host.empty()) out += "/";
    if (out.empty()) {
      size_t colon = ep.find(':');
      size_t slash = ep.find('/');
      if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) out += "./";
    }
    out += ep;
  }
  if (!query.empty()) out += "?" + query;
  if (!fragment.empty()) out += "#" + escape_path(fragment);
  return str_value(std::move(out));
}

Value f_get_host_by_name(CallCtx&, Args a) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::vector<std::string> addrs;
  if (getaddrinfo(std::string(a[0].str()).c_str(), nullptr, &hints, &res) == 0) {
    for (addrinfo* p = res; p; p = p->ai_next) {
      char buf[INET6_ADDRSTRLEN];
      const void* src =
          p->ai_family == AF_INET
              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr)
              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr);
      if (inet_ntop(p->ai_family, src, buf, sizeof buf)) addrs.emplace_back(buf);
    }
    freeaddrinfo(res);
  }
  if (addrs.empty()) func_fail("runtime error: index out of range [0] with length 0");
  std::random_device rd;
  return str_value(addrs[rd() % addrs.size()]);
}

}  // namespace

void add_sprig_encoding_funcs(FuncTable& t) {
  using P = Param;
  def(t, "b64enc", {P::kString}, f_b64enc);
  def(t, "b64dec", {P::kString}, f_b64dec);
  def(t, "b32enc", {P::kString}, f_b32enc);
  def(t, "b32dec", {P::kString}, f_b32dec);
  def(t, "base", {P::kString}, f_base);
  def(t, "dir", {P::kString}, f_dir);
  def(t, "clean", {P::kString}, f_clean);
  def(t, "ext", {P::kString}, f_ext);
  def(t, "isAbs", {P::kString}, f_is_abs);
  def(t, "osBase", {P::kString}, f_base);
  def(t, "osDir", {P::kString}, f_dir);
  def(t, "osClean", {P::kString}, f_clean);
  def(t, "osExt", {P::kString}, f_ext);
  def(t, "osIsAbs", {P::kString}, f_is_abs);
  def(t, "urlParse", {P::kString}, f_url_parse);
  def(t, "urlJoin", {P::kMapIface}, f_url_join);
  def(t, "getHostByName", {P::kString}, f_get_host_by_name);
}

}  // namespace oc::helm
