// Name references (api/internal/accumulator/namereferencetransformer.go, api/filters/nameref):
// once prefixes, suffixes and hashes have renamed objects, every field that refers to one of
// them by name (a Deployment's configMapRef, a RoleBinding's roleRef, an Ingress backend…, per
// the nameReference table) is rewritten to the new name.
//
// kustomize scans every resource for every referring field; we index the renamed objects by
// their previous names, so a build stays linear in the number of references.
#include <unordered_map>

#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::Status;

namespace {

struct Referral {
  const NameBackReference* target;
  const FieldSpec* spec;
};

class Fixer {
 public:
  Fixer(ResMap& m) : m_(m), schema_(m.schema()) {
    for (auto& r : m_.list()) {
      cur_.emplace(r.get(), r->cur_id(schema_));
      std::vector<ResId> prev = r->prev_res_ids();
      org_.emplace(r.get(), prev.empty() ? cur_.at(r.get()) : prev[0]);
      for (const auto& p : r->prev_ids) {
        auto& v = by_prev_name_[p.name];
        if (v.empty() || v.back() != r.get()) v.push_back(r.get());
      }
      prev_.emplace(r.get(), std::move(prev));
      by_org_ns_[std::string(org_.at(r.get()).effective_namespace())].push_back(r.get());
    }
  }

  Status run(const std::vector<NameBackReference>& refs) {
    // determineFilters: for each referrer, the (field, referenced kind) pairs that apply to it,
    // in configuration order.
    std::unordered_map<Resource*, std::vector<Referral>> filters;
    for (const auto& ref : refs) {
      for (const auto& spec : ref.referrers) {
        for (auto& r : m_.list()) {
          if (org_.at(r.get()).gvk.is_selected_by(spec.gvk)) {
            filters[r.get()].push_back(Referral{&ref, &spec});
          }
        }
      }
    }
    for (auto& rp : m_.list()) {
      auto it = filters.find(rp.get());
      if (it == filters.end()) continue;
      Resource& referrer = *rp;
      if (Status s = set_subset(referrer); !s.ok()) return s;
      for (const auto& f : it->second) {
        Gvk gvk = referrer.gvk();
        FieldSpec fs = *f.spec;
        fs.gvk = gvk;
        SetFn set = [&](Node& node) { return update(referrer, f, node); };
        if (Status s = apply_field_spec(referrer.obj, gvk, fs, CreateKind::kNone, set); !s.ok()) {
          return Error("updating name reference in '" + f.spec->path + "' field of '" +
                       cur_.at(&referrer).to_string() + "': " + s.error().message);
        }
      }
    }
    m_.invalidate();
    return {};
  }

 private:
  // SubsetThatCouldBeReferencedByResource, kept as a predicate.
  Status set_subset(const Resource& referrer) {
    referrer_id_ = cur_.at(&referrer);
    rolebinding_ns_.clear();
    if (referrer.kind() != "RoleBinding") return {};
    const Node* subjects = referrer.obj.find("subjects");
    if (subjects == nullptr || !subjects->is_sequence()) return {};
    for (const auto& s : subjects->items()) {
      if (!s.is_mapping()) continue;
      const Node* ns = s.find("namespace");
      const Node* kind = s.find("kind");
      if (ns == nullptr || kind == nullptr || kind->text() != "ServiceAccount") continue;
      if (!ns->is_scalar() || ns->is_null()) {
        return Error("Invalid Input: namespace is blank for resource \"" +
                     referrer_id_.to_string() + "\"");
      }
      rolebinding_ns_.push_back(ns->text());
    }
    return {};
  }

  bool in_subset(const Resource* target) const {
    if (referrer_id_.cluster_scoped) return true;
    const ResId& id = cur_.at(target);
    if (id.cluster_scoped) return true;
    if (id.effective_namespace() == referrer_id_.effective_namespace()) return true;
    for (const auto& ns : rolebinding_ns_) {
      if (ns == target->ns()) return true;
    }
    return false;
  }

  bool prev_selected_by(const Resource* r, const Gvk& g) const {
    for (const auto& id : prev_.at(r)) {
      if (id.gvk.is_selected_by(g)) return true;
    }
    return false;
  }

  // Filter.selectReferral.
  core::Result<Resource*> select(const Resource& referrer, const Referral& f,
                                 std::vector<Resource*> candidates,
                                 bool with_namespace) {
    std::vector<Resource*> c;
    for (Resource* r : candidates) {
      if (!prev_selected_by(r, f.target->gvk)) continue;
      c.push_back(r);
    }
    const std::string& path = f.spec->path;
    if (path.size() >= 12 && path.compare(path.size() - 12, 12, "roleRef/name") == 0) {
      const Node* role_ref = referrer.obj.find("roleRef");
      const Node* group = role_ref && role_ref->is_mapping() ? role_ref->find("apiGroup") : nullptr;
      const Node* kind = role_ref && role_ref->is_mapping() ? role_ref->find("kind") : nullptr;
      if (group && kind) {
        Gvk g{group->text(), "", kind->text()};
        std::erase_if(c, [&](Resource* r) { return !prev_selected_by(r, g); });
      }
    }
    if (!referrer_id_.cluster_scoped) {
      std::erase_if(c, [&](Resource* r) {
        const ResId& id = cur_.at(r);
        return !(id.cluster_scoped || r->kind() == "ServiceAccount" ||
                 id.effective_namespace() == referrer_id_.effective_namespace());
      });
    }
    if (c.size() == 1) return c[0];
    std::erase_if(c, [&](Resource* r) { return !r->prefixes_suffixes_equal(referrer, true); });
    if (c.size() > 1) {
      std::erase_if(c, [&](Resource* r) { return !r->prefixes_suffixes_equal(referrer, false); });
    }
    if (c.size() == 1) return c[0];
    if (c.empty()) return static_cast<Resource*>(nullptr);
    bool identical = true;
    for (Resource* r : c) {
      identical &= r->name() == c[0]->name() && (!with_namespace || r->ns() == c[0]->ns());
    }
    if (identical) return c[0];
    std::string ids;
    for (size_t i = 0; i < c.size(); ++i) ids += (i ? ", " : "") + cur_.at(c[i]).to_string();
    return Error("found multiple possible referrals: " + ids);
  }

  // Resources that once had `name` and could be referred to by the current referrer.
  std::vector<Resource*> named(const std::string& name) const {
    std::vector<Resource*> out;
    auto it = by_prev_name_.find(name);
    if (it == by_prev_name_.end()) return out;
    for (Resource* r : it->second) {
      if (in_subset(r)) out.push_back(r);
    }
    return out;
  }

  Status set_scalar(const Resource& referrer, const Referral& f, Node& node) {
    if (!node.is_scalar()) return {};
    auto referral = select(referrer, f, named(node.text()), false);
    if (!referral.ok()) return referral.error();
    if (*referral == nullptr) return {};
    if ((*referral)->name() != node.text()) node = Node::string(std::string((*referral)->name()));
    return {};
  }

  Status set_mapping(const Resource& referrer, const Referral& f, Node& node) {
    Node* name = node.find("name");
    if (name == nullptr) return Error("path config error; no 'name' field in node");
    std::string old_name = name->is_scalar() ? name->text() : "";
    std::vector<Resource*> candidates = named(old_name);
    if (const Node* ns = node.find("namespace")) {
      // filterMapCandidatesByNamespace: by original namespace if any match, else current;
      // cluster-scoped objects are in neither group.
      std::string want = ns->is_scalar() ? ns->text() : "";
      std::vector<Resource*> by_org, by_cur;
      for (Resource* r : candidates) {
        const ResId& org = org_.at(r);
        const ResId& cur = cur_.at(r);
        if (org.effective_namespace() != kNotNamespaceable && org.effective_namespace() == want) {
          by_org.push_back(r);
        }
        if (cur.effective_namespace() != kNotNamespaceable && cur.effective_namespace() == want) {
          by_cur.push_back(r);
        }
      }
      candidates = !by_org.empty() ? by_org : by_cur;
      // GroupedByOriginalNamespace only has groups for namespaces some candidate had.
      if (by_org.empty()) {
        auto it = by_org_ns_.find(want);
        if (it != by_org_ns_.end() && want != kNotNamespaceable) {
          for (Resource* r : it->second) {
            if (in_subset(r)) {
              candidates.clear();
              break;
            }
          }
        }
      }
    }
    auto referral = select(referrer, f, candidates, true);
    if (!referral.ok()) return referral.error();
    Resource* r = *referral;
    if (r == nullptr) return {};
    if (r->name() == old_name && r->ns().empty()) return {};
    node.set("name", Node::string(std::string(r->name())));
    if (r->ns().empty()) return {};
    node.set("namespace", Node::string(std::string(r->ns())));
    return {};
  }

  Status update(const Resource& referrer, const Referral& f, Node& node) {
    if (node.is_null()) return {};
    if (node.is_scalar()) return set_scalar(referrer, f, node);
    if (node.is_mapping()) return set_mapping(referrer, f, node);
    for (auto& item : node.items()) {
      if (item.is_null()) continue;
      if (item.is_scalar()) {
        if (Status s = set_scalar(referrer, f, item); !s.ok()) return s;
      } else if (item.is_mapping()) {
        if (Status s = set_mapping(referrer, f, item); !s.ok()) return s;
      } else {
        return Error("a name reference list item must be a string or a map of strings");
      }
    }
    return {};
  }

  ResMap& m_;
  const OpenApiSchema& schema_;
  std::unordered_map<const Resource*, ResId> cur_;
  std::unordered_map<const Resource*, ResId> org_;
  std::unordered_map<const Resource*, std::vector<ResId>> prev_;
  std::unordered_map<std::string, std::vector<Resource*>> by_prev_name_;
  std::unordered_map<std::string, std::vector<Resource*>> by_org_ns_;
  ResId referrer_id_;
  std::vector<std::string> rolebinding_ns_;
};

}  // namespace

Status fix_name_references(ResMap& m, const std::vector<NameBackReference>& refs) {
  Fixer f(m);
  return f.run(refs);
}

}  // namespace oc::kustomize
