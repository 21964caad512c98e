#include "source/tar_writer.h"

#include <cstring>

namespace oc::source::detail {

namespace {

constexpr size_t kBlock = 512;
constexpr size_t kNameSize = 100;
constexpr size_t kPrefixSize = 155;

// Field offsets of the USTAR header block.
constexpr size_t kName = 0, kMode = 100, kUid = 108, kGid = 116, kSize = 124, kMtime = 136,
                 kChksum = 148, kTypeflag = 156, kMagic = 257, kVersion = 263, kDevMajor = 329,
                 kDevMinor = 337, kPrefix = 345;

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || c == 0) return false;
  }
  return true;
}

// Go's toASCII: drops every rune ≥ 0x80 (and invalid bytes, which decode as U+FFFD).
std::string to_ascii(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x80 && c != 0) out += char(c);
  }
  return out;
}

// formatter.formatString: copy, NUL-terminate when shorter; a truncated value must not end
// in '/' (readers would take a file for a directory).
void format_string(char* b, size_t n, std::string_view s) {
  std::memcpy(b, s.data(), std::min(n, s.size()));
  if (s.size() < n) b[s.size()] = 0;
  if (s.size() > n && b[n - 1] == '/') {
    size_t k = n;
    while (k > 0 && s[k - 1] == '/') --k;
    b[k] = 0;
  }
}

bool fits_in_octal(size_t n, int64_t x) {
  unsigned bits = unsigned(n - 1) * 3;
  return x >= 0 && (n >= 22 || x < (int64_t(1) << bits));
}

// formatter.formatOctal: zero-padded octal leaving room for a NUL; 0 when it does not fit.
void format_octal(char* b, size_t n, int64_t x) {
  if (!fits_in_octal(n, x)) x = 0;
  char digits[24];
  int len = 0;
  uint64_t v = uint64_t(x);
  do {
    digits[len++] = char('0' + (v & 7));
    v >>= 3;
  } while (v);
  std::string s;
  if (size_t(len) + 1 < n) s.assign(n - size_t(len) - 1, '0');
  while (len) s += digits[--len];
  format_string(b, n, s);
}

// block.setFormat for USTAR/PAX: magic, version, then the checksum ("%06o\0 ").
void finish_block(char* b) {
  std::memcpy(b + kMagic, "ustar\0", 6);
  std::memcpy(b + kVersion, "00", 2);
  int64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    sum += (i >= kChksum && i < kChksum + 8) ? ' ' : (unsigned char)b[i];
  }
  format_octal(b + kChksum, 7, sum);
  b[kChksum + 7] = ' ';
}

// splitUSTARPath.
bool split_ustar_path(std::string_view name, std::string_view* prefix, std::string_view* suffix) {
  size_t length = name.size();
  if (length <= kNameSize || !is_ascii(name)) return false;
  if (length > kPrefixSize + 1) {
    length = kPrefixSize + 1;
  } else if (name[length - 1] == '/') {
    --length;
  }
  size_t i = name.substr(0, length).rfind('/');
  if (i == std::string_view::npos || i == 0) return false;
  size_t nlen = name.size() - i - 1;
  if (nlen > kNameSize || nlen == 0 || i > kPrefixSize) return false;
  *prefix = name.substr(0, i);
  *suffix = name.substr(i + 1);
  return true;
}

// templateV7Plus with the values Flux's sanitised headers carry.
void template_v7_plus(char* b, std::string_view name, char typeflag, int64_t mode, int64_t size) {
  b[kTypeflag] = typeflag;
  format_string(b + kName, kNameSize, name);
  format_string(b + 157, 100, "");  // linkname
  format_octal(b + kMode, 8, mode);
  format_octal(b + kUid, 8, 0);
  format_octal(b + kGid, 8, 0);
  format_octal(b + kSize, 12, size);
  format_octal(b + kMtime, 12, 0);  // the zero time is written as the Unix epoch
  format_string(b + 265, 32, "");   // uname
  format_string(b + 297, 32, "");   // gname
  format_octal(b + kDevMajor, 8, 0);
  format_octal(b + kDevMinor, 8, 0);
}

// formatPAXRecord: "<len> key=value\n" where <len> counts the whole record.
std::string pax_record(std::string_view key, std::string_view value) {
  size_t size = key.size() + value.size() + 3;
  size += std::to_string(size).size();
  std::string rec = std::to_string(size) + " " + std::string(key) + "=" + std::string(value) + "\n";
  if (rec.size() != size) {
    size = rec.size();
    rec = std::to_string(size) + " " + std::string(key) + "=" + std::string(value) + "\n";
  }
  return rec;
}

}  // namespace

std::string go_tar_header(std::string_view name, EntryType type, int64_t mode, int64_t size) {
  char typeflag = char(type);
  // Header.allowedFormats for our fields: the name decides between USTAR and PAX, and so does
  // a size that 11 octal digits cannot hold.
  bool name_fits = is_ascii(name) && name.size() <= kNameSize;
  std::string_view prefix, suffix;
  bool splittable = !name_fits && split_ustar_path(name, &prefix, &suffix);
  bool size_fits = fits_in_octal(12, size);
  std::string out;
  if ((name_fits || splittable) && size_fits) {
    out.assign(kBlock, '\0');
    template_v7_plus(out.data(), splittable ? suffix : name, typeflag, mode, size);
    if (splittable) format_string(out.data() + kPrefix, kPrefixSize, prefix);
    finish_block(out.data());
    return out;
  }

  // PAX: records sorted by key ("path" < "size"), in an 'x' entry named
  // <dir>/PaxHeaders.0/<file>, then a main header whose strings are made ASCII.
  std::string records;
  if (!name_fits) records += pax_record("path", name);
  if (!size_fits) records += pax_record("size", std::to_string(size));
  size_t slash = name.rfind('/');
  std::string dir = slash == std::string_view::npos ? "" : std::string(name.substr(0, slash + 1));
  std::string file = std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
  std::string xname = to_ascii(dir + "PaxHeaders.0/" + file);
  if (xname.size() > kNameSize) xname.resize(kNameSize);
  while (!xname.empty() && xname.back() == '/') xname.pop_back();

  out.assign(kBlock, '\0');
  char* x = out.data();
  x[kTypeflag] = 'x';
  format_string(x + kName, kNameSize, xname);
  format_octal(x + kMode, 8, 0);
  format_octal(x + kUid, 8, 0);
  format_octal(x + kGid, 8, 0);
  format_octal(x + kSize, 12, int64_t(records.size()));
  format_octal(x + kMtime, 12, 0);
  finish_block(x);
  out += records;
  out.append((kBlock - records.size() % kBlock) % kBlock, '\0');

  std::string main(kBlock, '\0');
  template_v7_plus(main.data(), to_ascii(name), typeflag, mode, size);
  finish_block(main.data());
  out += main;
  return out;
}

core::Status TarWriter::end_entry() {
  if (remaining_ != 0) {
    return core::Error("tar: " + std::to_string(remaining_) +
                       " bytes of the entry were not written");
  }
  if (pad_) {
    static const char kZeros[kBlock] = {};
    core::Status s = out_.write(std::string_view(kZeros, size_t(pad_)));
    pad_ = 0;
    if (!s.ok()) return s;
  }
  return core::Status::success();
}

core::Status TarWriter::add_directory(std::string_view name, int64_t mode) {
  core::Status s = end_entry();
  if (!s.ok()) return s;
  return out_.write(go_tar_header(name, EntryType::kDirectory, mode, 0));
}

core::Status TarWriter::begin_file(std::string_view name, int64_t mode, int64_t size) {
  core::Status s = end_entry();
  if (!s.ok()) return s;
  s = out_.write(go_tar_header(name, EntryType::kFile, mode, size));
  if (!s.ok()) return s;
  remaining_ = size;
  pad_ = (int64_t(kBlock) - size % int64_t(kBlock)) % int64_t(kBlock);
  return core::Status::success();
}

core::Status TarWriter::write(std::string_view data) {
  if (int64_t(data.size()) > remaining_) return core::Error("tar: write longer than the entry");
  remaining_ -= int64_t(data.size());
  return out_.write(data);
}

core::Status TarWriter::finish() {
  core::Status s = end_entry();
  if (!s.ok()) return s;
  static const char kZeros[2 * kBlock] = {};
  return out_.write(std::string_view(kZeros, sizeof kZeros));
}

}  // namespace oc::source::detail
