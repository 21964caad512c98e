#include "crypto/armor.h"

#include <algorithm>
#include <cstring>

#include "crypto/base64.h"
#include "crypto/parallel.h"

namespace oc::crypto::age {

namespace {

constexpr size_t kMaxWhitespace = 1024;
constexpr size_t kColumns = 64;
constexpr size_t kBytesPerLine = 48;

// Length of the Unicode white space (Go's unicode.IsSpace) at the start of s, 0 if none.
size_t space_len(std::string_view s) {
  unsigned char c = s[0];
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (s.size() >= 2 && c == 0xC2 && (uint8_t(s[1]) == 0x85 || uint8_t(s[1]) == 0xA0)) return 2;
  if (s.size() >= 3) {
    uint32_t cp = uint32_t(c & 0x0F) << 12 | uint32_t(s[1] & 0x3F) << 6 | uint32_t(s[2] & 0x3F);
    if ((c & 0xF0) == 0xE0 && (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
                               cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)) {
      return 3;
    }
  }
  return 0;
}

// Whether s is all Unicode white space (bytes.TrimSpace(s) is empty).
bool all_space(std::string_view s) {
  while (!s.empty()) {
    size_t k = space_len(s);
    if (!k) return false;
    s.remove_prefix(k);
  }
  return true;
}

std::string_view strip_eol(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string quoted(std::string_view s) {
  std::string q = "\"";
  for (unsigned char c : s.substr(0, 80)) q += (c < 32 || c > 126) ? '?' : char(c);
  return q + "\"";
}

}  // namespace

bool looks_armored(std::string_view start) {
  while (!start.empty()) {
    size_t k = space_len(start);
    if (!k) break;
    start.remove_prefix(k);
  }
  return start.substr(0, kArmorHeader.size()) == kArmorHeader;
}

ArmorReader::ArmorReader(Source& in) : in_(in) {}

core::Result<size_t> ArmorReader::fail(std::string msg) {
  armor_failed_ = true;
  done_ = true;
  pending_ = core::Error("invalid armor: " + msg);
  return *pending_;
}

core::Status ArmorReader::drain_trailing() {
  uint8_t buf[kMaxWhitespace];
  auto n = in_.read_full(buf, sizeof buf);
  if (!n.ok()) return n.error();
  std::string_view rest(reinterpret_cast<const char*>(buf), *n);
  if (!all_space(rest)) {
    armor_failed_ = true;
    return core::Error("invalid armor: trailing data after armored file");
  }
  if (*n == kMaxWhitespace) {
    armor_failed_ = true;
    return core::Error("invalid armor: too much trailing whitespace");
  }
  return {};
}

core::Result<size_t> ArmorReader::decode_line(std::string_view line, uint8_t* out) {
  if (line.empty()) return fail("empty line in armored data");
  if (line.size() > kColumns) return fail("column limit exceeded");
  auto n = base64::decode_strict(line, true, out);
  if (!n) return fail("illegal base64 data in line " + quoted(line));
  return *n;
}

// After a short data line only the END line may follow.
core::Result<size_t> ArmorReader::after_short_line() {
  auto line = in_.next_line();
  if (!line.ok()) return line.error();
  if (!*line) return fail("unexpected end of input: no END line");
  if (strip_eol(**line) != kArmorFooter) return fail("invalid closing line: " + quoted(**line));
  done_ = true;
  if (auto s = drain_trailing(); !s.ok()) pending_ = s.error();
  return size_t(0);
}

core::Result<size_t> ArmorReader::read(uint8_t* buf, size_t n) {
  if (unread_pos_ < unread_len_) {
    size_t k = std::min(n, unread_len_ - unread_pos_);
    std::memcpy(buf, unread_ + unread_pos_, k);
    unread_pos_ += k;
    return k;
  }
  if (done_) {
    if (pending_) return *pending_;
    return size_t(0);
  }
  if (n == 0) return size_t(0);
  if (!started_) {
    size_t removed = 0;
    for (;;) {
      auto line = in_.next_line();
      if (!line.ok()) return line.error();
      if (!*line) return fail("unexpected end of input");
      if (all_space(**line)) {
        removed += strip_eol(**line).size() + 1;
        if (removed > kMaxWhitespace) return fail("too much leading whitespace");
        continue;
      }
      if (strip_eol(**line) != kArmorHeader) return fail("invalid first line: " + quoted(**line));
      started_ = true;
      break;
    }
  }
  size_t out = 0;
  while (!done_ && (out == 0 || n - out >= kBytesPerLine)) {
    auto line = in_.next_line();
    if (!line.ok()) return line.error();
    if (!*line) {
      if (out) return out;
      return fail("unexpected end of input");
    }
    std::string_view l = strip_eol(**line);
    if (l == kArmorFooter) {
      done_ = true;
      if (auto s = drain_trailing(); !s.ok()) pending_ = s.error();
      break;
    }
    bool direct = n - out >= kBytesPerLine;
    uint8_t* dst = direct ? buf + out : unread_;
    auto k = decode_line(l, dst);
    if (!k.ok()) {
      if (out) {
        // Hand out what was decoded; the error stays pending.
        return out;
      }
      return k.error();
    }
    if (direct) {
      out += *k;
    } else {
      unread_pos_ = 0;
      unread_len_ = *k;
      size_t c = std::min(n - out, unread_len_);
      std::memcpy(buf + out, unread_, c);
      unread_pos_ = c;
      out += c;
    }
    if (*k < kBytesPerLine) {
      auto t = after_short_line();
      if (!t.ok() && out == 0) return t.error();
      break;
    }
  }
  if (out == 0 && done_) {
    if (pending_) return *pending_;
  }
  return out;
}

ArmorWriter::ArmorWriter(Sink& out, size_t threads)
    : out_(out), threads_(threads ? threads : Workers::default_threads()) {}

ArmorWriter::~ArmorWriter() = default;

char* ArmorWriter::grow(size_t n) {
  // std::string::resize zero-fills; grow geometrically so that happens once, not per block.
  if (buf_.size() < len_ + n) buf_.resize(std::max(len_ + n, buf_.size() * 2));
  char* p = buf_.data() + len_;
  len_ += n;
  return p;
}

core::Status ArmorWriter::flush() {
  auto s = out_.write(reinterpret_cast<const uint8_t*>(buf_.data()), len_);
  len_ = 0;
  return s;
}

void ArmorWriter::start() {
  if (started_) return;
  started_ = true;
  std::memcpy(grow(kArmorHeader.size()), kArmorHeader.data(), kArmorHeader.size());
  *grow(1) = '\n';
}

core::Status ArmorWriter::write(const uint8_t* p, size_t n) {
  start();
  if (pending_len_) {
    size_t k = std::min(n, kBytesPerLine - pending_len_);
    std::memcpy(pending_ + pending_len_, p, k);
    pending_len_ += k;
    p += k;
    n -= k;
    if (pending_len_ == kBytesPerLine) {
      char* o = grow(kColumns + 1);
      base64::encode(pending_, kBytesPerLine, o, true);
      o[kColumns] = '\n';
      pending_len_ = 0;
    }
  }
  size_t lines = n / kBytesPerLine;
  if (lines) {
    char* o = grow(lines * (kColumns + 1));
    auto encode_lines = [&](size_t, size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        base64::encode(p + i * kBytesPerLine, kBytesPerLine, o + i * (kColumns + 1), true);
        o[i * (kColumns + 1) + kColumns] = '\n';
      }
    };
    // Threads pay off from about a STREAM block (4 MiB) down to a few hundred KiB.
    constexpr size_t kParallelLines = 8192;
    if (threads_ > 1 && lines >= kParallelLines) {
      if (!workers_) workers_ = std::make_unique<Workers>(threads_);
      workers_->run(lines, encode_lines);
    } else {
      encode_lines(0, 0, lines);
    }
    p += lines * kBytesPerLine;
    n -= lines * kBytesPerLine;
  }
  std::memcpy(pending_ + pending_len_, p, n);
  pending_len_ += n;
  if (len_ >= (size_t(1) << 16)) return flush();
  return {};
}

core::Status ArmorWriter::close() {
  start();
  if (pending_len_) {
    char* o = grow(base64::encoded_size(pending_len_, true) + 1);
    base64::encode(pending_, pending_len_, o, true);
    o[base64::encoded_size(pending_len_, true)] = '\n';
    pending_len_ = 0;
  }
  std::memcpy(grow(kArmorFooter.size()), kArmorFooter.data(), kArmorFooter.size());
  *grow(1) = '\n';
  return flush();
}

}  // namespace oc::crypto::age
