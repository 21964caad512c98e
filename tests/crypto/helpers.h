// Shared helpers for the crypto tests: conformance paths, hex, SHA-256, zlib.
#pragma once

#include <zlib.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/file.h"
#include "crypto/primitives.h"

namespace oc::crypto::test {

inline const std::string kConformance = OC_CONFORMANCE_DIR;

inline bool have_conformance(const std::string& sub) {
  std::error_code ec;
  return !kConformance.empty() && std::filesystem::is_directory(kConformance + "/" + sub, ec);
}

inline std::string hex(std::string_view data) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : data) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

inline std::string unhex(std::string_view h) {
  std::string out;
  auto v = [](char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; };
  for (size_t i = 0; i + 1 < h.size(); i += 2) out += char(v(h[i]) << 4 | v(h[i + 1]));
  return out;
}

inline std::string sha256_hex(std::string_view data) {
  auto d = sha256(data);
  return hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

inline std::string inflate_zlib(std::string_view in) {
  z_stream zs{};
  inflateInit(&zs);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[1 << 16];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&zs);
  return out;
}

// Files directly in a conformance folder, sorted.
inline std::vector<std::string> files_in(const std::string& sub) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!have_conformance(sub)) return out;
  for (const auto& e : std::filesystem::directory_iterator(kConformance + "/" + sub, ec)) {
    if (e.is_regular_file()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A gtest-safe case name.
inline std::string case_name(const std::string& s) {
  std::string n;
  for (char c : s) n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return n;
}

}  // namespace oc::crypto::test
