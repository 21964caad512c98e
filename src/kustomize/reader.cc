#include "kustomize/reader.h"

#include <deque>

#include "core/scalar.h"
#include "core/yaml.h"

namespace oc::kustomize {

using core::Error;
using core::Node;

namespace {

std::string text_field(const Node& m, std::string_view key) {
  const Node* n = m.is_mapping() ? m.find(key) : nullptr;
  if (n == nullptr || n->is_null() || (n->is_mapping() || n->is_sequence())) return "";
  return n->text();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool nil_or_empty(const Node& n) {
  return n.is_null() || ((n.is_mapping() || n.is_sequence()) && n.empty());
}

// GetValidatedMetadata.
core::Status validate(const Node& n, const std::string& file) {
  auto fail = [&](const std::string& why) {
    return Error(why, file, static_cast<int>(n.mark().line), static_cast<int>(n.mark().column));
  };
  if (!n.is_mapping())
    return fail("expected a Kubernetes object (a mapping with kind and metadata)");
  std::string kind = text_field(n, "kind");
  if (kind.empty()) return fail("missing kind in object");
  if (ends_with(kind, "List")) return {};
  const Node* md = n.find("metadata");
  if (md == nullptr || !md->is_mapping() || text_field(*md, "name").empty()) {
    return fail("missing metadata.name in object of kind " + kind);
  }
  return {};
}

}  // namespace

core::Result<std::vector<Node>> read_resources(std::string_view text, const std::string& file) {
  core::ParseOptions po;
  po.file = file;
  po.comments = false;
  auto docs = core::parse_yaml_stream(text, po);
  if (!docs.ok()) return docs.error();
  std::deque<Node> queue;
  if (docs->size() == 1 && (*docs)[0].is_mapping()) {
    Node& only = (*docs)[0];
    std::string kind = text_field(only, "kind");
    const Node* items = only.find("items");
    if ((kind == "List" || kind == "ResourceList") && (items || only.find("functionConfig"))) {
      if (items && items->is_sequence()) {
        for (const auto& item : items->items()) queue.push_back(item);
      }
      docs->clear();
    }
  }
  for (auto& d : *docs) queue.push_back(std::move(d));
  // dropBadNodes, then inlineAnyEmbeddedLists (list items go to the end of the queue).
  std::vector<Node> out;
  std::vector<Node> checked;
  for (auto& n : queue) {
    if (nil_or_empty(n)) continue;
    if (auto s = validate(n, file); !s.ok()) return s.error();
    checked.push_back(std::move(n));
  }
  std::deque<Node> work(std::make_move_iterator(checked.begin()),
                        std::make_move_iterator(checked.end()));
  while (!work.empty()) {
    Node n = std::move(work.front());
    work.pop_front();
    std::string kind = text_field(n, "kind");
    if (!ends_with(kind, "List")) {
      out.push_back(std::move(n));
      continue;
    }
    const Node* items = n.find("items");
    if (items == nullptr) {
      out.push_back(std::move(n));
      continue;
    }
    if (items->is_null()) continue;
    if (!items->is_sequence()) {
      return Error("expected array in " + kind + "/items", file,
                   static_cast<int>(items->mark().line), static_cast<int>(items->mark().column));
    }
    for (const auto& item : items->items()) {
      // Items go through JSON (convertObjectSliceToNodeSlice).
      auto model = core::to_json_model(item, core::Schema::kYaml12);
      if (!model.ok()) return model.error().in_file(file);
      if (nil_or_empty(*model)) continue;
      if (auto s = validate(item, file); !s.ok()) return s.error();
      work.push_back(std::move(*model));
    }
  }
  return out;
}

}  // namespace oc::kustomize
