#include "kube/merge_patch.h"

namespace oc::kube {

void apply_merge_patch(core::Node& target, const core::Node& patch) {
  if (!patch.is_mapping()) {
    target = patch;
    return;
  }
  if (!target.is_mapping()) target = core::Node::mapping();
  for (const auto& e : patch.entries()) {
    const std::string& k = e.key.text();
    if (e.value.is_null()) {
      target.erase(k);
      continue;
    }
    core::Node* cur = target.find(k);
    if (!cur) {
      core::Node fresh;
      apply_merge_patch(fresh, e.value);
      target.entries().push_back({core::Node::string(k), std::move(fresh)});
    } else {
      apply_merge_patch(*cur, e.value);
    }
  }
}

core::Node create_merge_patch(const core::Node& from, const core::Node& to) {
  if (!from.is_mapping() || !to.is_mapping()) return to;
  core::Node patch = core::Node::mapping();
  for (const auto& e : from.entries()) {
    if (!to.find(e.key.text())) patch[e.key.text()] = core::Node::null();
  }
  for (const auto& e : to.entries()) {
    const core::Node* old = from.find(e.key.text());
    if (!old) {
      patch[e.key.text()] = e.value;
    } else if (!(*old == e.value)) {
      patch[e.key.text()] = old->is_mapping() && e.value.is_mapping()
                                ? create_merge_patch(*old, e.value)
                                : e.value;
    }
  }
  return patch;
}

}  // namespace oc::kube
