// libFuzzer target for the Kubernetes protobuf body decoder (src/apiserver/protobuf.cc).
//
// The first input byte picks a kind from the schema tables and the rest is that kind's message,
// wrapped in a runtime.Unknown envelope here, so mutations explore object messages rather than
// the envelope; an input starting with "k8s\0" is decoded as a whole body instead. Properties:
// no crash, no leak, every refusal is a 400 or 415 with a message, and every decoded tree is a
// JSON object that writes, reads back and writes the same again.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "apiserver/protobuf.h"
#include "apiserver/protobuf_schema.h"
#include "core/json.h"

namespace {

void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "k8s protobuf property failed: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(char(v | 0x80));
    v >>= 7;
  }
  out.push_back(char(v));
}

void put_bytes(std::string& out, int number, std::string_view b) {
  put_varint(out, uint64_t(number) << 3 | 2);
  put_varint(out, b.size());
  out.append(b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oc;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string body;
  if (in.substr(0, 4) == std::string_view("k8s\0", 4) || in.empty()) {
    body = in;
  } else {
    const auto& root = apiserver::pb::kRoots[uint8_t(in[0]) % apiserver::pb::kRootCount];
    std::string type_meta;
    put_bytes(type_meta, 1, root.api_version);
    put_bytes(type_meta, 2, root.kind);
    body.assign("k8s\0", 4);
    put_bytes(body, 1, type_meta);
    put_bytes(body, 2, in.substr(1));
  }
  auto r = apiserver::decode_kube_protobuf(body);
  if (!r.ok()) {
    if ((r.error().code != 400 && r.error().code != 415) || r.error().message.empty()) {
      fail("refusal without a 400/415 code and message", r.error().message);
    }
    return 0;
  }
  if (!r->is_mapping()) fail("decoded value is not an object", "");
  auto json = core::write_json(*r);
  if (!json.ok()) fail("decoded tree cannot be written as JSON", json.error().message);
  auto back = core::parse_json(*json);
  if (!back.ok()) fail("written JSON does not parse", *json);
  // Embedded raw JSON keeps its number spelling until written once (1.50 → 1.5), so equality
  // is checked from the second writing on.
  auto again = core::write_json(*back);
  if (!again.ok()) fail("re-read JSON cannot be written", *json);
  auto back2 = core::parse_json(*again);
  if (!back2.ok()) fail("second write does not parse", *again);
  auto third = core::write_json(*back2);
  if (!third.ok() || *third != *again) fail("JSON does not read back equal", *again);
  return 0;
}
