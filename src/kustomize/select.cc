// Resource selection for `patches[].target` and replacement targets (resWrangler.Select,
// types.SelectorRegex): each of group/version/kind/name/namespace is a Go regex anchored as
// ^(?:…)$; name and namespace match the original or the current id; label and annotation
// selectors use Kubernetes' selector syntax.
#include "kube/selector.h"
#include "kustomize/regex.h"
#include "kustomize/transformers.h"

namespace oc::kustomize {

namespace {

struct Matcher {
  std::optional<Regex> re;
  bool matches(std::string_view s) const { return !re || re->matches(s); }
};

core::Result<Matcher> make(const std::string& pattern) {
  Matcher m;
  if (pattern.empty()) return m;
  auto re = Regex::compile("^(?:" + pattern + ")$");
  if (!re.ok()) return re.error();
  m.re = *re;
  return m;
}

kube::Labels to_labels(std::vector<std::pair<std::string, std::string>> kv) {
  return kube::Labels(kv.begin(), kv.end());
}

}  // namespace

core::Result<std::vector<Resource*>> select_resources(ResMap& m, const Selector& s) {
  auto group = make(s.gvk.group), version = make(s.gvk.version), kind = make(s.gvk.kind),
       name = make(s.name), ns = make(s.ns);
  for (auto* r : {&group, &version, &kind, &name, &ns}) {
    if (!r->ok()) return r->error();
  }
  std::optional<kube::LabelSelector> labels, annotations;
  if (!s.label_selector.empty()) {
    auto sel = kube::LabelSelector::parse(s.label_selector);
    if (!sel.ok()) return sel.error();
    labels = std::move(*sel);
  }
  if (!s.annotation_selector.empty()) {
    auto sel = kube::LabelSelector::parse(s.annotation_selector);
    if (!sel.ok()) return sel.error();
    annotations = std::move(*sel);
  }
  const OpenApiSchema& schema = m.schema();
  std::vector<Resource*> out;
  for (auto& rp : m.list()) {
    Resource& r = *rp;
    ResId cur = r.cur_id(schema);
    ResId org = r.org_id(schema);
    if (!ns->matches(org.effective_namespace()) && !ns->matches(cur.effective_namespace()))
      continue;
    if (!name->matches(org.name) && !name->matches(cur.name)) continue;
    if (!s.gvk.group.empty() && !group->matches(cur.gvk.group)) continue;
    if (!s.gvk.version.empty() && !version->matches(cur.gvk.version)) continue;
    if (!s.gvk.kind.empty() && !kind->matches(cur.gvk.kind)) continue;
    if (labels && !labels->matches(to_labels(r.labels()))) continue;
    if (annotations && !annotations->matches(to_labels(r.annotations()))) continue;
    out.push_back(&r);
  }
  return out;
}

}  // namespace oc::kustomize
