// Label and field selectors with Kubernetes' syntax and semantics
// (k8s.io/apimachinery/pkg/labels/selector.go, pkg/fields/selector.go).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace oc::kube {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Requirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist, kGreaterThan, kLessThan };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;
};

// `app=web,tier in (a,b),!legacy`. An empty selector matches everything.
class LabelSelector {
 public:
  static core::Result<LabelSelector> parse(std::string_view text);
  bool matches(const Labels& labels) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }

 private:
  std::vector<Requirement> requirements_;
};

// `metadata.name=x,status.phase!=Running`: equality on named fields only.
class FieldSelector {
 public:
  static core::Result<FieldSelector> parse(std::string_view text);
  // Fields absent from `fields` compare as the empty string, as in Kubernetes.
  bool matches(const Labels& fields) const;
  // The same with the field values supplied by `get` ("" when absent).
  bool matches(const std::function<std::string_view(std::string_view)>& get) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }

 private:
  std::vector<Requirement> requirements_;
};

}  // namespace oc::kube
