#include "helm/manifest_head.h"

#include <yaml.h>

#include <optional>

#include "core/node.h"
#include "core/yaml.h"

namespace oc::helm {

namespace {

constexpr size_t kMaxBytes = size_t(256) << 20;  // core::ParseOptions' default
constexpr size_t kMaxDepth = 900;                 // below core's 1000: deeper goes the full way

core::ParseOptions head_parse_options() {
  core::ParseOptions po;
  po.comments = false;
  po.allow_duplicate_keys = true;
  return po;
}

// The text a head field gets from a scalar, as the full parse's node would give it: empty for
// a null. The node is made by core's reader's rule (src/core/yaml_reader.cc, scalar events);
// the tests and fuzz/manifest_head_fuzz compare the two paths.
std::string scalar_text(const yaml_event_t& ev) {
  const auto& s = ev.data.scalar;
  core::ScalarStyle style = core::ScalarStyle::kPlain;
  switch (s.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      style = core::ScalarStyle::kSingleQuoted;
      break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      style = core::ScalarStyle::kDoubleQuoted;
      break;
    case YAML_LITERAL_SCALAR_STYLE:
      style = core::ScalarStyle::kLiteral;
      break;
    case YAML_FOLDED_SCALAR_STYLE:
      style = core::ScalarStyle::kFolded;
      break;
    default:
      break;
  }
  core::ScalarType type = (!s.tag && style != core::ScalarStyle::kPlain)
                              ? core::ScalarType::kString
                              : core::ScalarType::kUnresolved;
  core::Node n = core::Node::scalar(
      std::string(reinterpret_cast<const char*>(s.value), s.length), type, style);
  if (s.tag) n.set_tag(reinterpret_cast<const char*>(s.tag));
  return n.is_null() ? std::string() : n.text();
}

// The scan: libyaml's events, the head's fields taken on the way. Like the full parse's
// Node::find, the first of duplicate keys counts. nullopt: take the full parse.
class HeadScan {
 public:
  std::optional<ManifestHead> run(const std::string& doc) {
    if (doc.size() > kMaxBytes) return std::nullopt;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return std::nullopt;
    struct ParserGuard {
      yaml_parser_t* p;
      ~ParserGuard() { yaml_parser_delete(p); }
    } parser_guard{&parser};
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(doc.data()),
                                 doc.size());
    int documents = 0;
    for (;;) {
      yaml_event_t ev;
      if (!yaml_parser_parse(&parser, &ev)) return std::nullopt;
      struct EventGuard {
        yaml_event_t* e;
        ~EventGuard() { yaml_event_delete(e); }
      } event_guard{&ev};
      switch (ev.type) {
        case YAML_STREAM_END_EVENT:
          return head_;
        case YAML_DOCUMENT_START_EVENT:
          if (++documents > 1) return std::nullopt;
          break;
        case YAML_ALIAS_EVENT:
          return std::nullopt;
        case YAML_SCALAR_EVENT:
          scalar(ev);
          break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
          if (stack_.size() >= kMaxDepth) return std::nullopt;
          open(ev.type == YAML_MAPPING_START_EVENT);
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          stack_.pop_back();
          done_node();
          break;
        default:
          break;
      }
    }
  }

 private:
  enum class Role : uint8_t { kRoot, kMetadata, kAnnotations, kOther };
  struct Frame {
    bool mapping = false;
    Role role = Role::kOther;
    bool has_key = false;  // a key was read; its value comes next
    bool key_is_scalar = false;
    std::string key;
  };

  // The mapping whose value is being read, if its key was a scalar.
  Frame* value_of_mapping() {
    if (stack_.empty()) return nullptr;
    Frame& f = stack_.back();
    return f.mapping && f.has_key ? &f : nullptr;
  }

  void scalar(const yaml_event_t& ev) {
    if (stack_.empty()) return;  // a scalar document: no head
    Frame& f = stack_.back();
    if (!f.mapping) return;
    if (!f.has_key) {
      f.has_key = true;
      f.key_is_scalar = true;
      f.key.assign(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
      return;
    }
    take_value(f, scalar_text(ev));
    f.has_key = false;
  }

  // A value of the head: `text` for a scalar (empty for a collection).
  void take_value(Frame& f, std::string text) {
    if (f.role == Role::kAnnotations) {
      head_.annotations.emplace_back(f.key_is_scalar ? f.key : std::string(), std::move(text));
      return;
    }
    if (!f.key_is_scalar) return;
    if (f.role == Role::kRoot) {
      if (f.key == "kind" && !kind_seen_) {
        kind_seen_ = true;
        head_.kind = std::move(text);
      } else if (f.key == "metadata") {
        metadata_seen_ = true;
      }
    } else if (f.role == Role::kMetadata) {
      if (f.key == "name" && !name_seen_) {
        name_seen_ = true;
        head_.name = std::move(text);
      } else if (f.key == "annotations") {
        annotations_seen_ = true;
      }
    }
  }

  void open(bool mapping) {
    Role role = Role::kOther;
    if (stack_.empty()) {
      role = mapping ? Role::kRoot : Role::kOther;
    } else if (Frame* parent = value_of_mapping()) {
      if (parent->key_is_scalar && parent->role == Role::kRoot && parent->key == "metadata" &&
          !metadata_seen_ && mapping) {
        role = Role::kMetadata;
      } else if (parent->key_is_scalar && parent->role == Role::kMetadata &&
                 parent->key == "annotations" && !annotations_seen_ && mapping) {
        role = Role::kAnnotations;
      }
      // A collection as a value: the fields it would set are empty, and a first `metadata`
      // or `annotations` that is a mapping is the one read.
      if (role == Role::kOther) take_value(*parent, std::string());
      if (role == Role::kMetadata) metadata_seen_ = true;
      if (role == Role::kAnnotations) annotations_seen_ = true;
    }
    Frame f;
    f.mapping = mapping;
    f.role = role;
    stack_.push_back(std::move(f));
  }

  // A collection ended: it was a key or a value of the mapping below it, or an item.
  void done_node() {
    if (stack_.empty()) return;
    Frame& f = stack_.back();
    if (!f.mapping) return;
    if (!f.has_key) {  // a collection as a key
      f.has_key = true;
      f.key_is_scalar = false;
      f.key.clear();
    } else {
      f.has_key = false;
    }
  }

  ManifestHead head_;
  std::vector<Frame> stack_;
  bool kind_seen_ = false, metadata_seen_ = false, name_seen_ = false, annotations_seen_ = false;
};

}  // namespace

core::Result<ManifestHead> parse_manifest_head_full(const std::string& doc,
                                                    const std::string& path) {
  auto n = core::parse_yaml(doc, head_parse_options());
  if (!n.ok()) return core::Error("YAML parse error on " + path + ": " + n.error().to_string());
  ManifestHead h;
  if (!n->is_mapping()) return h;
  auto text = [](const core::Node* v) -> std::string {
    if (!v || !v->is_scalar() || v->is_null()) return "";
    return v->text();
  };
  h.kind = text(n->find("kind"));
  if (const core::Node* md = n->find("metadata"); md && md->is_mapping()) {
    h.name = text(md->find("name"));
    if (const core::Node* an = md->find("annotations"); an && an->is_mapping()) {
      h.has_annotations = !an->entries().empty();
      for (const auto& e : an->entries()) h.annotations.emplace_back(e.key.text(), text(&e.value));
    }
  }
  return h;
}

core::Result<ManifestHead> parse_manifest_head(const std::string& doc, const std::string& path) {
  if (auto h = HeadScan().run(doc)) {
    h->has_annotations = !h->annotations.empty();
    return std::move(*h);
  }
  return parse_manifest_head_full(doc, path);
}

}  // namespace oc::helm
