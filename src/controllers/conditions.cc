#include "controllers/conditions.h"

#include <algorithm>

#include "kube/object.h"

namespace oc::controllers {

namespace {

core::Node* conditions_of(core::Node& obj) {
  core::Node& status = kube::ensure(obj, {"status"});
  core::Node& list = status["conditions"];
  if (!list.is_sequence()) list = core::Node::sequence();
  return &list;
}

}  // namespace

const core::Node* find_condition(const core::Node& obj, std::string_view type) {
  const core::Node* list = kube::at(obj, {"status", "conditions"});
  if (!list || !list->is_sequence()) return nullptr;
  for (const auto& c : list->items()) {
    if (kube::text(c, {"type"}) == type) return &c;
  }
  return nullptr;
}

std::string condition_status(const core::Node& obj, std::string_view type) {
  const core::Node* c = find_condition(obj, type);
  return c ? kube::text(*c, {"status"}) : std::string();
}

std::string condition_reason(const core::Node& obj, std::string_view type) {
  const core::Node* c = find_condition(obj, type);
  return c ? kube::text(*c, {"reason"}) : std::string();
}

std::string condition_message(const core::Node& obj, std::string_view type) {
  const core::Node* c = find_condition(obj, type);
  return c ? kube::text(*c, {"message"}) : std::string();
}

bool is_ready(const core::Node& obj) { return condition_status(obj, kReady) == "True"; }

void set_condition(core::Node& obj, std::string_view type, std::string_view status,
                   std::string_view reason, std::string_view message) {
  core::Node* list = conditions_of(obj);
  int64_t gen = kube::generation(obj);
  core::Node* existing = nullptr;
  for (auto& c : list->items()) {
    if (kube::text(c, {"type"}) == type) existing = &c;
  }
  std::string transition = kube::now_rfc3339();
  if (existing && kube::text(*existing, {"status"}) == status) {
    std::string prev = kube::text(*existing, {"lastTransitionTime"});
    if (!prev.empty()) transition = prev;
  }
  core::Node c = core::Node::mapping();
  c.set("type", core::Node::string(std::string(type)));
  c.set("status", core::Node::string(std::string(status)));
  c.set("observedGeneration", core::Node::integer(gen));
  c.set("lastTransitionTime", core::Node::string(transition));
  c.set("reason", core::Node::string(std::string(reason)));
  c.set("message", core::Node::string(std::string(message)));
  if (existing) {
    *existing = std::move(c);
  } else {
    list->push_back(std::move(c));
  }
  // Ready first, then by type.
  std::stable_sort(list->items().begin(), list->items().end(), [](const core::Node& a, const core::Node& b) {
    std::string ta = kube::text(a, {"type"}), tb = kube::text(b, {"type"});
    if ((ta == kReady) != (tb == kReady)) return ta == kReady;
    return ta < tb;
  });
}

void remove_condition(core::Node& obj, std::string_view type) {
  core::Node* list = const_cast<core::Node*>(kube::at(obj, {"status", "conditions"}));
  if (!list || !list->is_sequence()) return;
  auto& items = list->items();
  items.erase(std::remove_if(items.begin(), items.end(),
                             [&](const core::Node& c) { return kube::text(c, {"type"}) == type; }),
              items.end());
}

}  // namespace oc::controllers
