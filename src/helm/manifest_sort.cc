// Splitting rendered templates into documents and ordering them as Helm installs them
// (pkg/releaseutil: SplitManifests, SortManifests with InstallOrder, hooks), and the
// `helm template` output stream ("---\n# Source: <path>\n<doc>\n").
#include <re2/re2.h>

#include <algorithm>
#include <unordered_map>

#include "core/scalar.h"
#include "core/yaml.h"
#include "helm/manifest_head.h"
#include "helm/render.h"

namespace oc::helm {

namespace {

const std::vector<std::string>& install_order() {
  static const std::vector<std::string> order = {"PriorityClass",
                                                 "Namespace",
                                                 "NetworkPolicy",
                                                 "ResourceQuota",
                                                 "LimitRange",
                                                 "PodSecurityPolicy",
                                                 "PodDisruptionBudget",
                                                 "ServiceAccount",
                                                 "Secret",
                                                 "SecretList",
                                                 "ConfigMap",
                                                 "StorageClass",
                                                 "PersistentVolume",
                                                 "PersistentVolumeClaim",
                                                 "CustomResourceDefinition",
                                                 "ClusterRole",
                                                 "ClusterRoleList",
                                                 "ClusterRoleBinding",
                                                 "ClusterRoleBindingList",
                                                 "Role",
                                                 "RoleList",
                                                 "RoleBinding",
                                                 "RoleBindingList",
                                                 "Service",
                                                 "DaemonSet",
                                                 "Pod",
                                                 "ReplicationController",
                                                 "ReplicaSet",
                                                 "Deployment",
                                                 "HorizontalPodAutoscaler",
                                                 "StatefulSet",
                                                 "Job",
                                                 "CronJob",
                                                 "IngressClass",
                                                 "Ingress",
                                                 "APIService",
                                                 "MutatingWebhookConfiguration",
                                                 "ValidatingWebhookConfiguration"};
  return order;
}

int kind_rank(const std::string& kind) {
  static const std::unordered_map<std::string, int> ranks = [] {
    std::unordered_map<std::string, int> m;
    const auto& o = install_order();
    for (size_t i = 0; i < o.size(); ++i) m[o[i]] = static_cast<int>(i);
    return m;
  }();
  auto it = ranks.find(kind);
  return it == ranks.end() ? -1 : it->second;
}

// lessByKind
bool less_by_kind(const std::string& a, const std::string& b) {
  int ra = kind_rank(a), rb = kind_rank(b);
  if (ra < 0 && rb < 0) return a < b;
  if (ra < 0) return false;
  if (rb < 0) return true;
  return ra < rb;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim_space(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// SplitManifests: Go's regexp.Split with `(?:^|\s*\n)---\s*` over the trimmed text.
std::vector<std::string> split_manifests(std::string_view big) {
  static const RE2 sep(R"((?:^|\s*\n)---\s*)");
  std::string_view s = trim_space(big);
  std::vector<std::string> out;
  size_t beg = 0, pos = 0;
  re2::StringPiece input(s.data(), s.size()), m;
  while (pos <= s.size() && sep.Match(input, pos, s.size(), RE2::UNANCHORED, &m, 1)) {
    size_t a = static_cast<size_t>(m.data() - s.data());
    size_t b = a + m.size();
    if (b != 0) {
      std::string_view d = trim_space(s.substr(beg, a - beg));
      if (!d.empty() || a > beg) {
        if (!s.substr(beg, a - beg).empty()) out.emplace_back(d);
      }
    }
    beg = b;
    pos = b > a ? b : b + 1;
  }
  if (beg <= s.size()) {
    std::string_view rest = s.substr(beg);
    if (!rest.empty()) out.emplace_back(trim_space(rest));
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

}  // namespace

core::Status sort_manifests(const std::map<std::string, std::string>& files, RenderResult& result) {
  static const std::vector<std::pair<std::string, std::string>> kEvents = {
      {"pre-install", "pre-install"},
      {"post-install", "post-install"},
      {"pre-delete", "pre-delete"},
      {"post-delete", "post-delete"},
      {"pre-upgrade", "pre-upgrade"},
      {"post-upgrade", "post-upgrade"},
      {"pre-rollback", "pre-rollback"},
      {"post-rollback", "post-rollback"},
      {"test", "test"},
      {"test-success", "test"}};
  std::vector<Manifest> generic;
  std::vector<Hook> hooks;
  for (const auto& [path, content] : files) {  // std::map: sorted by path
    size_t s = path.rfind('/');
    if (path.compare(s == std::string::npos ? 0 : s + 1, 1, "_") == 0) continue;
    if (trim_space(content).empty()) continue;
    for (auto& doc : split_manifests(content)) {
      auto head = parse_manifest_head(doc, path);
      if (!head.ok()) return head.error();
      Manifest m{path, doc, head->kind, head->name};
      const std::string* hook_types = nullptr;
      for (const auto& [k, v] : head->annotations) {
        if (k == "helm.sh/hook") hook_types = &v;
      }
      if (!head->has_annotations || !hook_types) {
        generic.push_back(std::move(m));
        continue;
      }
      Hook h;
      h.manifest = std::move(m);
      bool unknown = false;
      size_t p = 0;
      for (;;) {
        size_t q = hook_types->find(',', p);
        std::string ev =
            lower(trim_space(std::string_view(*hook_types)
                                 .substr(p, q == std::string::npos ? std::string::npos : q - p)));
        bool found = false;
        for (const auto& [name, canon] : kEvents) {
          if (name == ev) {
            h.events.push_back(canon);
            found = true;
          }
        }
        if (!found) unknown = true;
        if (q == std::string::npos || unknown) break;
        p = q + 1;
      }
      if (unknown) continue;  // Helm skips unknown hooks with a log line
      for (const auto& [k, v] : head->annotations) {
        if (k == "helm.sh/hook-weight") {
          char* end = nullptr;
          long w = std::strtol(v.c_str(), &end, 10);
          h.weight = (end && *end == 0 && !v.empty()) ? static_cast<int>(w) : 0;
        }
        if (k == "helm.sh/hook-delete-policy") {
          size_t a = 0;
          for (;;) {
            size_t b = v.find(',', a);
            std::string pol(trim_space(
                std::string_view(v).substr(a, b == std::string::npos ? std::string::npos : b - a)));
            if (!pol.empty()) h.delete_policies.push_back(pol);
            if (b == std::string::npos) break;
            a = b + 1;
          }
        }
      }
      hooks.push_back(std::move(h));
    }
  }
  std::stable_sort(generic.begin(), generic.end(), [](const Manifest& a, const Manifest& b) {
    return less_by_kind(a.kind, b.kind);
  });
  std::stable_sort(hooks.begin(), hooks.end(), [](const Hook& a, const Hook& b) {
    return less_by_kind(a.manifest.kind, b.manifest.kind);
  });
  result.manifests = std::move(generic);
  result.hooks = std::move(hooks);
  return {};
}

std::string manifest_stream(const RenderResult& r, bool include_crds) {
  std::string out;
  if (include_crds) {
    for (const auto& c : r.crds) out += "---\n# Source: " + c.name + "\n" + c.data + "\n";
  }
  for (const auto& m : r.manifests) out += "---\n# Source: " + m.source + "\n" + m.content + "\n";
  for (const auto& h : r.hooks) {
    out += "---\n# Source: " + h.manifest.source + "\n" + h.manifest.content + "\n";
  }
  return out;
}

}  // namespace oc::helm
