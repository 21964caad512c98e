#include "apiserver/objects.h"

#include <sys/random.h>

#include <cstdio>
#include <ctime>

namespace oc::apiserver {

namespace {
void random_bytes(unsigned char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::getrandom(buf + got, n - got, 0);
    if (r > 0) got += size_t(r);
  }
}
}  // namespace

std::string random_suffix(size_t n) {
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string s;
  unsigned char b[32];
  random_bytes(b, n);
  for (size_t i = 0; i < n; ++i) s.push_back(kAlphabet[b[i] % 27]);
  return s;
}

std::optional<std::string> name_error(const std::string& name, bool dns_label) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.empty()) return std::string("metadata.name: Required value: name or generateName is required");
  bool ok = true;
  if (dns_label) {
    ok = name.size() <= 63 && alnum(name.front()) && alnum(name.back());
    for (char c : name) ok = ok && (alnum(c) || c == '-');
    if (!ok) {
      return "metadata.name: Invalid value: \"" + name +
             "\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
             "or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
             "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    }
    return std::nullopt;
  }
  ok = name.size() <= 253;
  // Each dot-separated part starts and ends with an alphanumeric character.
  size_t start = 0;
  while (ok && start <= name.size()) {
    size_t dot = name.find('.', start);
    std::string part = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    ok = !part.empty() && alnum(part.front()) && alnum(part.back());
    for (char c : part) ok = ok && (alnum(c) || c == '-');
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (!ok) {
    return "metadata.name: Invalid value: \"" + name +
           "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
           "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
           "'example.com', regex used for validation is "
           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }
  return std::nullopt;
}

core::Node& metadata(core::Node& obj) {
  core::Node& m = obj["metadata"];
  if (!m.is_mapping()) m = core::Node::mapping();
  return m;
}

namespace {

struct KindFields {
  const char* group;
  const char* kind;
  std::vector<std::vector<std::string_view>> paths;
};

// Field labels beyond metadata.name/namespace, per kind (kube-apiserver's field label
// conversion functions for these types).
const std::vector<KindFields>& kind_fields() {
  static const std::vector<KindFields> kFields = {
      {"", "Event",
       {{"involvedObject", "kind"},
        {"involvedObject", "namespace"},
        {"involvedObject", "name"},
        {"involvedObject", "uid"},
        {"involvedObject", "apiVersion"},
        {"involvedObject", "resourceVersion"},
        {"involvedObject", "fieldPath"},
        {"reason"},
        {"reportingComponent"},
        {"source"},
        {"type"}}},
      {"events.k8s.io", "Event",
       {{"regarding", "kind"},
        {"regarding", "namespace"},
        {"regarding", "name"},
        {"regarding", "uid"},
        {"regarding", "apiVersion"},
        {"reason"},
        {"reportingController"},
        {"type"}}},
      {"", "Pod",
       {{"spec", "nodeName"},
        {"spec", "restartPolicy"},
        {"spec", "schedulerName"},
        {"spec", "serviceAccountName"},
        {"spec", "hostNetwork"},
        {"status", "phase"},
        {"status", "podIP"},
        {"status", "nominatedNodeName"}}},
      {"", "Secret", {{"type"}}},
      {"", "Namespace", {{"status", "phase"}}},
      {"", "Node", {{"spec", "unschedulable"}}},
      {"apps", "ReplicaSet", {{"status", "replicas"}}},
      {"batch", "Job", {{"status", "successful"}}},
  };
  return kFields;
}

std::string join_path(const std::vector<std::string_view>& p) {
  std::string s;
  for (auto part : p) {
    if (!s.empty()) s += '.';
    s += part;
  }
  return s;
}

}  // namespace

ObjectIndex index_of(const ResourceInfo& r, const core::Node& obj) {
  ObjectIndex idx;
  if (const core::Node* labels = at(obj, {"metadata", "labels"}); labels && labels->is_mapping()) {
    for (const auto& e : labels->entries()) {
      idx.labels.emplace_back(e.key.text(), e.value.is_null() ? "" : e.value.text());
    }
  }
  for (const auto& kf : kind_fields()) {
    if (r.group != kf.group || r.kind != kf.kind) continue;
    for (const auto& p : kf.paths) {
      const core::Node* cur = &obj;
      for (auto k : p) cur = cur && cur->is_mapping() ? cur->find(k) : nullptr;
      std::string v;
      if (cur && cur->is_scalar() && !cur->is_null()) {
        v = cur->text();
      } else if (cur && cur->is_mapping() && p.size() == 1 && p[0] == "source") {
        v = text(*cur, {"component"});  // Event "source" selects on source.component
      }
      idx.fields.emplace_back(join_path(p), std::move(v));
    }
  }
  return idx;
}

std::vector<std::string> supported_fields(const ResourceInfo& r) {
  std::vector<std::string> out = {"metadata.name", "metadata.namespace"};
  for (const auto& kf : kind_fields()) {
    if (r.group != kf.group || r.kind != kf.kind) continue;
    for (const auto& p : kf.paths) out.push_back(join_path(p));
  }
  return out;
}

std::string manager_name(const std::string& field_manager, const std::string& user_agent) {
  if (!field_manager.empty()) return field_manager;
  std::string m = user_agent.substr(0, user_agent.find('/'));
  return m.empty() ? "unknown" : m;
}

namespace {

// Map-typed fields get a "." entry in FieldsV1 (they are owned as a whole as well as per key).
bool map_typed(std::string_view key) {
  return key == "labels" || key == "annotations" || key == "data" || key == "binaryData" ||
         key == "stringData" || key == "matchLabels" || key == "nodeSelector" ||
         key == "selector";
}

core::Node fields_of(const core::Node& value, std::string_view key) {
  core::Node out = core::Node::mapping();
  if (!value.is_mapping() || value.empty()) return out;
  if (map_typed(key)) out.entries().push_back({core::Node::string("."), core::Node::mapping()});
  for (const auto& e : value.entries()) {
    out.entries().push_back({core::Node::string("f:" + e.key.text()), fields_of(e.value, e.key.text())});
  }
  return out;
}

}  // namespace

core::Node fields_v1(const core::Node& obj, bool include_status) {
  core::Node out = core::Node::mapping();
  if (!obj.is_mapping()) return out;
  for (const auto& e : obj.entries()) {
    const std::string& k = e.key.text();
    if (k == "apiVersion" || k == "kind") continue;
    if (k == "status" && !include_status) continue;
    if (k == "metadata") {
      core::Node meta = core::Node::mapping();
      if (e.value.is_mapping()) {
        for (const auto& m : e.value.entries()) {
          const std::string& mk = m.key.text();
          if (mk == "labels" || mk == "annotations" || mk == "finalizers" ||
              mk == "ownerReferences") {
            meta.entries().push_back({core::Node::string("f:" + mk), fields_of(m.value, mk)});
          }
        }
      }
      if (!meta.empty()) out.entries().push_back({core::Node::string("f:metadata"), std::move(meta)});
      continue;
    }
    out.entries().push_back({core::Node::string("f:" + k), fields_of(e.value, k)});
  }
  return out;
}

void record_update(core::Node& obj, const std::string& manager, const std::string& api_version,
                   const std::string& subresource, const core::Node& fields) {
  core::Node& meta = metadata(obj);
  core::Node& mf = meta["managedFields"];
  if (!mf.is_sequence()) mf = core::Node::sequence();
  // One Update entry per (manager, subresource): replace it.
  auto& items = mf.items();
  for (auto it = items.begin(); it != items.end(); ++it) {
    if (text(*it, {"manager"}) == manager && text(*it, {"operation"}) == "Update" &&
        text(*it, {"subresource"}) == subresource) {
      items.erase(it);
      break;
    }
  }
  core::Node entry = core::Node::mapping();
  entry["manager"] = core::Node::string(manager);
  entry["operation"] = core::Node::string("Update");
  entry["apiVersion"] = core::Node::string(api_version);
  entry["time"] = core::Node::string(now_rfc3339());
  entry["fieldsType"] = core::Node::string("FieldsV1");
  entry["fieldsV1"] = fields;
  if (!subresource.empty()) entry["subresource"] = core::Node::string(subresource);
  items.push_back(std::move(entry));
}

}  // namespace oc::apiserver
