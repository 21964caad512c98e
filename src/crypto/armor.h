// age's ASCII armor: strict PEM with the label "AGE ENCRYPTED FILE", 64 columns, padded
// base64 (C2SP age.md "ASCII armor"). The reader accepts exactly what FiloSottile/age's
// armor.NewReader accepts (research/sops-age.md §1.7): whitespace-only lines around the block
// (up to 1 KiB each side), CRLF line ends, a missing final EOL; nothing else.
#pragma once

#include <memory>
#include <string_view>

#include "crypto/byte_io.h"

namespace oc::crypto {
class Workers;
}

namespace oc::crypto::age {

constexpr std::string_view kArmorHeader = "-----BEGIN AGE ENCRYPTED FILE-----";
constexpr std::string_view kArmorFooter = "-----END AGE ENCRYPTED FILE-----";

// Whether `start` (the first bytes of an input, ≥ 1 KiB + header when available) is armored:
// after leading whitespace it begins with the BEGIN line.
bool looks_armored(std::string_view start);

// Decodes an armored stream. Errors are prefixed "invalid armor: " and armor_failed() tells
// them apart from read errors of the underlying source. Data decoded before an error is
// returned first; the error comes with the next read, as in Go.
class ArmorReader : public Source {
 public:
  explicit ArmorReader(Source& in);
  core::Result<size_t> read(uint8_t* buf, size_t n) override;
  bool armor_failed() const { return armor_failed_; }

 private:
  core::Result<size_t> fail(std::string msg);
  core::Status drain_trailing();
  // Decodes one data line into out (48 bytes room); returns its size or an error.
  core::Result<size_t> decode_line(std::string_view line, uint8_t* out);
  core::Result<size_t> after_short_line();

  BufferedSource in_;
  bool started_ = false, done_ = false, armor_failed_ = false;
  std::optional<core::Error> pending_;
  uint8_t unread_[48];
  size_t unread_pos_ = 0, unread_len_ = 0;
};

// Encodes what is written to it as an armored file on `out`. close() writes the last line and
// the END line; it must be called once. Large writes (a STREAM block) are encoded by `threads`
// threads (0: the CPU count), in line-aligned ranges.
class ArmorWriter : public Sink {
 public:
  using Sink::write;
  explicit ArmorWriter(Sink& out, size_t threads = 1);
  ~ArmorWriter() override;
  core::Status write(const uint8_t* p, size_t n) override;
  core::Status close();

 private:
  void start();          // the BEGIN line, once
  char* grow(size_t n);  // n more bytes at the end of buf_, uninitialized
  core::Status flush();
  Sink& out_;
  size_t threads_;
  std::unique_ptr<Workers> workers_;
  bool started_ = false;
  uint8_t pending_[48];
  size_t pending_len_ = 0;
  std::string buf_;  // buf_[0, len_) is encoded output not yet written
  size_t len_ = 0;
};

}  // namespace oc::crypto::age
