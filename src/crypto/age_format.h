// The age v1 header: version line, recipient stanzas, MAC line (C2SP age.md; parsing as strict
// as FiloSottile/age internal/format). Parsing is canonical, so marshal(parse(x)) == x.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "crypto/byte_io.h"

namespace oc::crypto::age {

constexpr std::string_view kIntro = "age-encryption.org/v1\n";

struct Stanza {
  std::string type;
  std::vector<std::string> args;
  std::string body;
};

struct Header {
  std::vector<Stanza> stanzas;
  std::string mac;  // 32 bytes
};

// Reads a header from `in`, leaving it at the first payload byte. Errors describe the
// malformation ("malformed closing line", …); a read error from `in` is passed through.
core::Result<Header> parse_header(BufferedSource& in);

// The header bytes the MAC covers: everything up to and including the final "---".
std::string marshal_without_mac(const Header& h);
// The whole header, MAC line included.
std::string marshal(const Header& h);

}  // namespace oc::crypto::age
