#include "controllers/kustomization.h"

#include <algorithm>
#include <optional>
#include <set>
#include <thread>

#include "controllers/apply.h"
#include "controllers/conditions.h"
#include "controllers/flux.h"
#include "core/base64.h"
#include "core/cpu_pool.h"
#include "core/json.h"
#include "core/scalar.h"
#include "core/yaml.h"
#include "crypto/age_keys.h"
#include "crypto/sops.h"
#include "kube/envsubst.h"
#include "kube/kstatus.h"
#include "kube/object.h"
#include "kustomize/kustomize.h"

namespace oc::controllers {

using core::Node;
using namespace std::chrono_literals;

namespace {

constexpr const char* kKind = "Kustomization";
constexpr const char* kGroup = "kustomize.toolkit.fluxcd.io";
const char* const kKustomizationFiles[] = {"kustomization.yaml", "kustomization.yml", "Kustomization"};

std::string join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

// spec.path cleaned to a relative directory ("" = the root); nullopt when it escapes the root.
std::optional<std::string> clean_relative(const std::string& p) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    std::string part = p.substr(i, j - i);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& s : parts) out += (out.empty() ? "" : "/") + s;
  return out;
}

std::string source_subject(const std::string& kind, const std::string& ns, const std::string& name) {
  return kind + "/" + ns + "/" + name;
}

// Flux's generator walk: lexical order, a subdirectory with a kustomization is one resource.
core::Status collect_resources(const ArtifactTree& tree, const std::string& root, const std::string& dir,
                               std::vector<std::string>& out) {
  std::vector<std::pair<std::string, bool>> entries;  // name, is_dir
  for (const auto& f : tree.files_in(dir)) entries.emplace_back(f, false);
  for (const auto& d : tree.subdirs_of(dir)) entries.emplace_back(d, true);
  std::sort(entries.begin(), entries.end());
  for (const auto& [path, is_dir] : entries) {
    std::string rel = path.substr(root.empty() ? 0 : root.size() + 1);
    if (is_dir) {
      bool has_kustomization = false;
      for (const char* k : kKustomizationFiles) has_kustomization = has_kustomization || tree.files.count(join(path, k));
      if (has_kustomization) {
        out.push_back(rel);
        continue;
      }
      if (auto st = collect_resources(tree, root, path, out); !st.ok()) return st;
      continue;
    }
    bool yaml = (path.size() > 5 && path.compare(path.size() - 5, 5, ".yaml") == 0) ||
                (path.size() > 4 && path.compare(path.size() - 4, 4, ".yml") == 0);
    if (!yaml) continue;
    core::ParseOptions po;
    po.file = path;
    po.comments = false;
    auto docs = core::parse_yaml_stream(tree.files.at(path), po);
    if (!docs.ok()) return core::Error("failed to decode Kubernetes YAML from " + path + ": " + docs.error().to_string());
    for (const auto& d : *docs) {
      if (d.is_null()) continue;
      if (!d.is_mapping() || kube::text(d, {"kind"}).empty() || kube::text(d, {"apiVersion"}).empty()) {
        return core::Error("failed to decode Kubernetes YAML from " + path +
                           ": missing Resource metadata (apiVersion and kind are required)");
      }
    }
    out.push_back(rel);
  }
  return core::Status();
}

Node string_seq(const std::vector<std::string>& v) {
  Node s = Node::sequence();
  for (const auto& x : v) s.push_back(Node::string(x));
  return s;
}

core::Result<std::map<std::string, std::string>> substitution_vars(kube::Client& client, const Node& ks) {
  std::map<std::string, std::string> vars;
  std::string ns = kube::text(ks, {"metadata", "namespace"});
  if (const Node* from = kube::at(ks, {"spec", "postBuild", "substituteFrom"}); from && from->is_sequence()) {
    for (const auto& ref : from->items()) {
      std::string kind = kube::text(ref, {"kind"});
      std::string name = kube::text(ref, {"name"});
      bool optional = kube::text(ref, {"optional"}) == "true";
      bool secret = kind == "Secret";
      if (!secret && kind != "ConfigMap") return core::Error("substituteFrom: unsupported kind '" + kind + "'");
      auto obj = client.get(secret ? kSecretResource : kConfigMapResource, ns, name);
      if (!obj.ok()) {
        if (obj.error().code == 404 && optional) continue;
        return core::Error("substitute from '" + kind + "/" + name + "' error: " + obj.error().message);
      }
      if (const Node* data = obj->find("data"); data && data->is_mapping()) {
        for (const auto& e : data->entries()) {
          const std::string* k = core::key_text(e);
          if (!k || !e.value.is_scalar()) continue;
          if (secret) {
            auto d = core::base64_decode(e.value.text());
            if (!d) return core::Error("substitute from 'Secret/" + name + "': invalid base64 in key " + *k);
            vars[*k] = *d;
          } else {
            vars[*k] = e.value.text();
          }
        }
      }
    }
  }
  if (const Node* sub = kube::at(ks, {"spec", "postBuild", "substitute"}); sub && sub->is_mapping()) {
    for (const auto& e : sub->entries()) {
      const std::string* k = core::key_text(e);
      if (!k) continue;
      std::string v = e.value.is_scalar() ? e.value.text() : "";
      v.erase(std::remove(v.begin(), v.end(), '\n'), v.end());
      vars[*k] = v;
    }
  }
  for (const auto& [k, v] : vars) {
    if (!kube::valid_var_name(k)) {
      return core::Error("'" + k + "' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'");
    }
  }
  return vars;
}

// Age identities from the decryption Secret's *.agekey entries.
core::Result<crypto::age::Identities> decryption_identities(kube::Client& client, const Node& ks) {
  crypto::age::Identities ids;
  std::string secret = kube::text(ks, {"spec", "decryption", "secretRef", "name"});
  if (secret.empty()) return ids;
  std::string ns = kube::text(ks, {"metadata", "namespace"});
  auto s = client.get(kSecretResource, ns, secret);
  if (!s.ok()) return core::Error("cannot get decryption Secret '" + ns + "/" + secret + "': " + s.error().message);
  if (const Node* data = s->find("data"); data && data->is_mapping()) {
    for (const auto& e : data->entries()) {
      const std::string* k = core::key_text(e);
      if (!k || k->size() < 7 || k->compare(k->size() - 7, 7, ".agekey") != 0) continue;
      auto d = core::base64_decode(e.value.is_scalar() ? e.value.text() : "");
      if (!d) return core::Error("decryption Secret key '" + *k + "' is not valid base64");
      auto parsed = crypto::age::parse_identities(*d);
      if (!parsed.ok()) return core::Error("decryption Secret key '" + *k + "': " + parsed.error().message);
      for (auto& id : *parsed) ids.push_back(std::move(id));
    }
  }
  return ids;
}

std::string subject_of(const Node& obj) { return ObjMeta::of(obj).subject(); }

// --- SOPS-encrypted sources and Secret fields (Flux's DecryptSources and DecryptResource) -------

// What marks a document as SOPS-encrypted in each format (an encrypted binary file is a JSON
// envelope).
const char* sops_marker(crypto::sops::Format f) {
  switch (f) {
    case crypto::sops::Format::kDotenv:
      return "sops_mac=ENC[";
    case crypto::sops::Format::kIni:
      return "[sops]";
    case crypto::sops::Format::kYaml:
      return "mac: ENC[";
    case crypto::sops::Format::kJson:
    case crypto::sops::Format::kBinary:
      return "\"mac\": \"ENC[";
  }
  return "";
}

// sops's format for a file name; a `.dockerconfigjson` key is JSON (as in Flux).
crypto::sops::Format sops_format_for(const std::string& name) {
  static constexpr std::string_view kDocker = ".dockerconfigjson";
  if (name.size() >= kDocker.size() &&
      name.compare(name.size() - kDocker.size(), kDocker.size(), kDocker) == 0) {
    return crypto::sops::Format::kJson;
  }
  return crypto::sops::format_for_path(name);
}

// Decrypts, into the build's in-memory overlay, every SOPS-encrypted file that a kustomization
// reachable from a directory (through `resources` and `components` directories) names in a
// secretGenerator (`files`, `envs`) or a patch (`path`). Kustomizations are read through the
// build's file system (the build directory's is the generated one). Files without the format's
// marker are left as they are; references that are missing, remote or outside the artifact are
// not artifact files and are left to the build to report.
class SourceDecryptor {
 public:
  SourceDecryptor(const ArtifactTree& tree, TreeFileSystem& fs, const crypto::sops::IdentityList& ids)
      : tree_(tree), fs_(fs), ids_(ids) {}

  core::Status visit(const std::string& dir) {
    if (!visited_dirs_.insert(dir).second) return core::Status();
    core::ParseOptions po;
    std::optional<std::string> text;
    for (const char* k : kKustomizationFiles) {
      po.file = join(dir, k);
      if (auto t = fs_.read_file("/" + po.file); t.ok()) {
        text = std::move(*t);
        break;
      }
    }
    if (!text) return core::Status();
    po.comments = false;
    auto kus = core::parse_yaml(*text, po);
    if (!kus.ok() || !kus->is_mapping()) return core::Status();  // the build reports it
    if (const Node* gens = kus->find("secretGenerator"); gens && gens->is_sequence()) {
      for (const auto& gen : gens->items()) {
        if (const Node* files = gen.find("files"); files && files->is_sequence()) {
          for (const auto& f : files->items()) {
            if (!f.is_scalar()) continue;
            std::string src = f.text();
            size_t eq = src.find('=');
            std::string key = eq == std::string::npos ? src : src.substr(0, eq);
            std::string path = eq == std::string::npos ? src : src.substr(eq + 1);
            if (auto st = decrypt_file(dir, path, sops_format_for(key)); !st.ok()) return st;
          }
        }
        if (const Node* envs = gen.find("envs"); envs && envs->is_sequence()) {
          for (const auto& e : envs->items()) {
            if (!e.is_scalar()) continue;
            auto format = sops_format_for(e.text());
            if (format == crypto::sops::Format::kBinary) format = crypto::sops::Format::kDotenv;
            if (auto st = decrypt_file(dir, e.text(), format); !st.ok()) return st;
          }
        }
      }
    }
    if (const Node* patches = kus->find("patches"); patches && patches->is_sequence()) {
      for (const auto& patch : patches->items()) {
        std::string path = kube::text(patch, {"path"});
        if (path.empty()) continue;
        if (auto st = decrypt_file(dir, path, sops_format_for(path)); !st.ok()) return st;
      }
    }
    for (const char* field : {"resources", "components"}) {
      const Node* list = kus->find(field);
      if (!list || !list->is_sequence()) continue;
      for (const auto& r : list->items()) {
        if (!r.is_scalar()) continue;
        auto sub = clean_relative(join(dir, r.text()));
        if (!sub || !tree_.dirs.count(*sub)) continue;
        if (auto st = visit(*sub); !st.ok()) return st;
      }
    }
    return core::Status();
  }

 private:
  core::Status decrypt_file(const std::string& dir, const std::string& ref,
                            crypto::sops::Format format) {
    if (ref.empty() || ref[0] == '/') return core::Status();
    auto path = clean_relative(join(dir, ref));
    if (!path || !decrypted_.insert(*path).second) return core::Status();
    auto it = tree_.files.find(*path);
    if (it == tree_.files.end() || it->second.find(sops_marker(format)) == std::string::npos) {
      return core::Status();
    }
    auto plain = crypto::sops::decrypt_document(it->second, *path, format, format, {}, ids_);
    if (!plain.ok()) return core::Error("error decrypting sources: " + plain.error().to_string());
    fs_.overlay(*path, std::move(*plain));
    return core::Status();
  }

  const ArtifactTree& tree_;
  TreeFileSystem& fs_;
  const crypto::sops::IdentityList& ids_;
  std::set<std::string> visited_dirs_, decrypted_;
};

// The data fields of a built Secret that hold a SOPS-encrypted document (a secretGenerator
// file, say) are decrypted in place, into the format the field's name implies.
core::Status decrypt_secret_fields(Node& secret, const crypto::sops::IdentityList& ids) {
  Node* data = secret.find("data");
  if (!data || !data->is_mapping()) return core::Status();
  for (auto& e : data->entries()) {
    const std::string* key = core::key_text(e);
    if (!key || !e.value.is_scalar()) continue;
    auto raw = core::base64_decode(e.value.text());
    if (!raw) continue;  // the apply reports it
    std::optional<crypto::sops::Format> in;
    for (auto f : {crypto::sops::Format::kJson, crypto::sops::Format::kYaml,
                   crypto::sops::Format::kDotenv, crypto::sops::Format::kIni}) {
      if (raw->find(sops_marker(f)) != std::string::npos) {
        in = f;
        break;
      }
    }
    if (!in) continue;
    auto plain = crypto::sops::decrypt_document(*raw, *key, *in, sops_format_for(*key), {}, ids);
    if (!plain.ok()) {
      return core::Error("failed to decrypt and format '" +
                         kube::text(secret, {"metadata", "namespace"}) + "/" +
                         kube::text(secret, {"metadata", "name"}) + "' Secret field '" + *key +
                         "': " + plain.error().message);
    }
    e.value = Node::string(core::base64_encode(*plain));
  }
  return core::Status();
}

}  // namespace

// --- artifact cache ---------------------------------------------------------------------------

core::Result<std::shared_ptr<const ArtifactTree>> ArtifactCache::get(const std::string& url,
                                                                     const std::string& digest) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(digest);
    if (it != entries_.end()) {
      it->second.second = ++tick_;
      return it->second.first;
    }
  }
  auto files = fetch_(url, digest);
  if (!files.ok()) return files.error();
  auto tree = ArtifactTree::from(std::move(*files));
  std::lock_guard<std::mutex> lock(mu_);
  entries_[digest] = {tree, ++tick_};
  while (entries_.size() > max_) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                   [](const auto& a, const auto& b) { return a.second.second < b.second.second; });
    entries_.erase(oldest);
  }
  return tree;
}

// --- generator --------------------------------------------------------------------------------

core::Result<std::string> generate_kustomization(const ArtifactTree& tree, const std::string& dir,
                                                 const Node& ks) {
  Node kus;
  std::string existing;
  for (const char* k : kKustomizationFiles) {
    if (tree.files.count(join(dir, k))) {
      existing = join(dir, k);
      break;
    }
  }
  if (!existing.empty()) {
    core::ParseOptions po;
    po.file = existing;
    auto parsed = core::parse_yaml(tree.files.at(existing), po);
    if (!parsed.ok()) return parsed.error();
    kus = std::move(*parsed);
    if (kus.is_null()) kus = Node::mapping();
    if (!kus.is_mapping()) return core::Error("kustomization file is not a mapping", existing);
  } else {
    std::vector<std::string> resources;
    if (auto st = collect_resources(tree, dir, dir, resources); !st.ok()) return st.error();
    kus = Node::mapping();
    kus.set("apiVersion", Node::string("kustomize.config.k8s.io/v1beta1"));
    kus.set("kind", Node::string("Kustomization"));
    kus.set("resources", string_seq(resources));
  }
  const Node* spec = ks.find("spec");
  auto field = [&](const char* k) -> const Node* { return spec && spec->is_mapping() ? spec->find(k) : nullptr; };
  if (std::string tn = kube::text(ks, {"spec", "targetNamespace"}); !tn.empty()) kus.set("namespace", Node::string(tn));
  if (std::string p = kube::text(ks, {"spec", "namePrefix"}); !p.empty()) kus.set("namePrefix", Node::string(p));
  if (std::string s = kube::text(ks, {"spec", "nameSuffix"}); !s.empty()) kus.set("nameSuffix", Node::string(s));
  if (const Node* patches = field("patches"); patches && patches->is_sequence() && !patches->empty()) {
    Node& list = kus["patches"];
    if (!list.is_sequence()) list = Node::sequence();
    for (const auto& p : patches->items()) list.push_back(p);
  }
  if (const Node* comps = field("components"); comps && comps->is_sequence() && !comps->empty()) {
    Node& list = kus["components"];
    if (!list.is_sequence()) list = Node::sequence();
    bool ignore_missing = kube::text(ks, {"spec", "ignoreMissingComponents"}) == "true";
    for (const auto& c : comps->items()) {
      if (!c.is_scalar()) continue;
      if (ignore_missing) {
        auto rel = clean_relative(join(dir, c.text()));
        if (!rel || !tree.dirs.count(*rel)) continue;
      }
      list.push_back(c);
    }
  }
  if (const Node* images = field("images"); images && images->is_sequence() && !images->empty()) {
    Node& list = kus["images"];
    if (!list.is_sequence()) list = Node::sequence();
    for (const auto& img : images->items()) {
      std::string n = kube::text(img, {"name"});
      Node* target = nullptr;
      for (auto& e : list.items()) {
        if (kube::text(e, {"name"}) == n) target = &e;
      }
      if (!target) {
        list.push_back(img);
        continue;
      }
      // A partial override keeps the other fields (Flux ≥ 1.9.4).
      for (const auto& e : img.entries()) {
        if (const std::string* k = core::key_text(e)) target->set(*k, e.value);
      }
    }
  }
  return core::write_yaml(kus);
}

// --- reconciler -------------------------------------------------------------------------------

KustomizationReconciler::KustomizationReconciler(kube::Client& client, ArtifactCache& artifacts,
                                                 EventRecorder& events, Logger& log, Metrics& metrics,
                                                 KustomizationOptions opts)
    : client_(client), artifacts_(artifacts), events_(events), log_(log), metrics_(metrics), opts_(opts) {}

core::Result<std::vector<Node>> KustomizationReconciler::build(const Node& ks, std::shared_ptr<const ArtifactTree> tree) {
  auto dir = clean_relative(kube::text(ks, {"spec", "path"}));
  if (!dir) return core::Error("kustomization path not found: " + kube::text(ks, {"spec", "path"}) + " is outside the artifact");
  if (!tree->dirs.count(*dir)) {
    return core::Error("kustomization path not found: stat " + kube::text(ks, {"spec", "path"}) + ": no such file or directory");
  }
  auto kus = generate_kustomization(*tree, *dir, ks);
  if (!kus.ok()) return kus.error();
  auto fs = std::make_shared<TreeFileSystem>(tree);
  fs->overlay(join(*dir, "kustomization.yaml"), std::move(*kus));
  for (const char* other : {"kustomization.yml", "Kustomization"}) {
    if (tree->files.count(join(*dir, other))) fs->overlay(join(*dir, other), "");
  }
  bool decrypt = kube::at(ks, {"spec", "decryption"}) != nullptr;
  crypto::age::Identities ids;
  crypto::sops::IdentityList id_list;
  if (decrypt) {
    auto got = decryption_identities(client_, ks);
    if (!got.ok()) return got.error();
    ids = std::move(*got);
    for (const auto& id : ids) id_list.push_back(id.get());
    if (kube::text(ks, {"spec", "decryption", "provider"}) == "sops") {
      SourceDecryptor sources(*tree, *fs, id_list);
      if (auto st = sources.visit(*dir); !st.ok()) return st.error();
    }
  }
  kustomize::BuildOptions bo;
  bo.load_restrictions = kustomize::LoadRestrictions::kNone;
  bo.reorder = kustomize::Reorder::kNone;
  bo.fs = fs;
  auto run_build = [&] { return kustomize::build("/" + *dir, bo); };
  auto built = opts_.build_pool ? opts_.build_pool->call(run_build) : run_build();
  if (!built.ok()) return built.error();
  std::vector<Node> objects = std::move(*built);

  bool substitute = kube::at(ks, {"spec", "postBuild"}) != nullptr;
  std::map<std::string, std::string> vars;
  if (substitute) {
    auto got = substitution_vars(client_, ks);
    if (!got.ok()) return got.error();
    vars = std::move(*got);
    substitute = !vars.empty() || kube::text(ks, {"spec", "postBuild", "substituteStrategy"}) == "Always";
  }
  std::string ks_name = kube::text(ks, {"metadata", "name"});
  std::string ks_ns = kube::text(ks, {"metadata", "namespace"});
  for (auto& obj : objects) {
    if (kube::text(obj, {"apiVersion"}).empty() || kube::text(obj, {"kind"}).empty() ||
        kube::text(obj, {"metadata", "name"}).empty()) {
      return core::Error("resource without apiVersion, kind or metadata.name: " + core::write_json(obj).value_or("?"));
    }
    if (obj.find("sops")) {
      if (!decrypt) {
        return core::Error(subject_of(obj) + " is SOPS encrypted, configuring decryption is required for this secret to be reconciled");
      }
      if (meta_value(obj, "kustomize.toolkit.fluxcd.io/decrypt") != "Disabled") {
        auto json = core::write_json(obj);
        if (!json.ok()) return json.error();
        auto plain = crypto::sops::decrypt_document(*json, subject_of(obj), crypto::sops::Format::kJson,
                                                    crypto::sops::Format::kJson, {}, id_list);
        if (!plain.ok()) return core::Error("failed to decrypt " + subject_of(obj) + ": " + plain.error().message);
        auto parsed = core::parse_json(*plain);
        if (!parsed.ok()) return core::Error("failed to read the decrypted " + subject_of(obj));
        obj = std::move(*parsed);
      }
    } else if (decrypt && kube::text(obj, {"kind"}) == "Secret" &&
               meta_value(obj, "kustomize.toolkit.fluxcd.io/decrypt") != "Disabled") {
      if (auto st = decrypt_secret_fields(obj, id_list); !st.ok()) return st.error();
    }
    if (substitute && meta_value(obj, "kustomize.toolkit.fluxcd.io/substitute") != "disabled") {
      std::string text = core::write_yaml(obj);
      auto out = kube::envsubst(text, vars, {});
      if (!out.ok()) return core::Error("post build failed for '" + subject_of(obj) + "': " + out.error().message);
      core::ParseOptions po;
      po.file = subject_of(obj);
      po.comments = false;
      auto parsed = core::parse_yaml(*out, po);
      if (!parsed.ok()) return core::Error("post build failed for '" + subject_of(obj) + "': " + parsed.error().to_string());
      auto model = core::to_json_model(*parsed, core::Schema::kYaml11);
      if (!model.ok()) return core::Error("post build failed for '" + subject_of(obj) + "': " + model.error().message);
      obj = std::move(*model);
    }
    // Owner labels, then commonMetadata (which overrides existing keys).
    Node& meta = kube::ensure(obj, {"metadata"});
    Node& labels = meta["labels"];
    if (!labels.is_mapping()) labels = Node::mapping();
    if (const Node* cl = kube::at(ks, {"spec", "commonMetadata", "labels"}); cl && cl->is_mapping()) {
      for (const auto& e : cl->entries()) {
        if (const std::string* k = core::key_text(e)) labels.set(*k, e.value);
      }
    }
    if (const Node* ca = kube::at(ks, {"spec", "commonMetadata", "annotations"}); ca && ca->is_mapping()) {
      Node& ann = meta["annotations"];
      if (!ann.is_mapping()) ann = Node::mapping();
      for (const auto& e : ca->entries()) {
        if (const std::string* k = core::key_text(e)) ann.set(*k, e.value);
      }
    }
    labels.set("kustomize.toolkit.fluxcd.io/name", Node::string(ks_name));
    labels.set("kustomize.toolkit.fluxcd.io/namespace", Node::string(ks_ns));
    normalize_for_apply(obj);
  }
  return objects;
}

Outcome KustomizationReconciler::reconcile(const std::string& ns, const std::string& name) {
  auto started = std::chrono::steady_clock::now();
  auto got = client_.get(kKustomizationResource, ns, name);
  if (!got.ok()) {
    if (got.error().code == 404) {
      metrics_.forget(kKind, ns, name);
      return Outcome::done();
    }
    return Outcome::error();
  }
  Node obj = std::move(*got);
  LogFields lf = {{"controller", "kustomization"}, {"controllerGroup", kGroup}, {"controllerKind", kKind},
                  {"name", name}, {"namespace", ns}};
  std::map<std::string, std::string> owner = {{"kustomize.toolkit.fluxcd.io/name", name},
                                              {"kustomize.toolkit.fluxcd.io/namespace", ns}};
  auto inventory_of = [](const Node& o) {
    std::vector<ObjMeta> inv;
    if (const Node* e = kube::at(o, {"status", "inventory", "entries"}); e && e->is_sequence()) {
      for (const auto& entry : e->items()) {
        if (auto m = ObjMeta::parse(kube::text(entry, {"id"}), kube::text(entry, {"v"}))) inv.push_back(*m);
      }
    }
    return inv;
  };
  Applier applier(client_);

  // Deletion: garbage-collect per deletionPolicy, then let go.
  if (!kube::text(obj, {"metadata", "deletionTimestamp"}).empty()) {
    std::string policy = kube::text(obj, {"spec", "deletionPolicy"});
    bool prune = kube::text(obj, {"spec", "prune"}) == "true";
    bool remove = policy == "Delete" || policy == "WaitForTermination" || ((policy.empty() || policy == "MirrorPrune") && prune);
    auto inv = inventory_of(obj);
    if (remove && !suspended(obj) && !inv.empty()) {
      auto res = applier.prune(inv, owner);
      if (res.ok() && res->changed()) events_.emit(obj, false, "Progressing", res->summary());
      if (!res.ok()) events_.emit(obj, true, "PruneFailed", res.error().message);
    }
    if (has_finalizer(obj, kFluxFinalizer)) set_finalizer(client_, kKustomizationResource, obj, kFluxFinalizer, false);
    metrics_.forget(kKind, ns, name);
    return Outcome::done();
  }
  if (!has_finalizer(obj, kFluxFinalizer)) {
    auto updated = set_finalizer(client_, kKustomizationResource, obj, kFluxFinalizer, true);
    if (!updated.ok()) return Outcome::error();
    obj = std::move(*updated);
  }
  Node before = obj;
  metrics_.set_suspended(kKind, ns, name, suspended(obj));
  if (suspended(obj)) {
    echo_reconcile_request(obj);
    patch_status(client_, kKustomizationResource, before, obj);
    log_.info("Reconciliation is suspended for this object", lf);
    return Outcome::done();
  }

  // Durations. An invalid one cannot fix itself: Stalled.
  auto interval = spec_duration(obj, "interval", 10min);
  core::Result<std::chrono::nanoseconds> retry = interval.ok() ? spec_duration(obj, "retryInterval", *interval) : interval;
  std::chrono::nanoseconds default_timeout = interval.ok() ? std::max<std::chrono::nanoseconds>(*interval - 30s, 30s) : 30s;
  auto timeout = spec_duration(obj, "timeout", default_timeout);

  std::string revision;
  auto finish_failure = [&](const std::string& reason, const std::string& message, std::chrono::nanoseconds requeue,
                            bool stalled = false) {
    set_condition(obj, kReady, "False", reason, message);
    if (stalled) {
      set_condition(obj, kStalled, "True", reason, message);
      remove_condition(obj, kReconciling);
    } else if (find_condition(obj, kReconciling)) {
      set_condition(obj, kReconciling, "True", kProgressingWithRetry, condition_message(obj, kReconciling));
    }
    set_observed_generation_if_settled(obj);
    echo_reconcile_request(obj);
    patch_status(client_, kKustomizationResource, before, obj);
    metrics_.set_condition(kKind, ns, name, "Ready", "False");
    std::map<std::string, std::string> ann;
    if (!revision.empty()) ann["kustomize.toolkit.fluxcd.io/revision"] = revision;
    events_.emit(obj, true, reason, message, ann);
    LogFields f = lf;
    f.emplace_back("error", message);
    if (!revision.empty()) f.emplace_back("revision", revision);
    log_.error("Reconciliation failed", f);
    return stalled ? Outcome::done() : Outcome::requeue_after(requeue);
  };
  if (!interval.ok() || !retry.ok() || !timeout.ok()) {
    std::string msg = !interval.ok() ? interval.error().message : !retry.ok() ? retry.error().message : timeout.error().message;
    return finish_failure("InvalidInterval", msg, 0s, true);
  }

  // The source and its artifact.
  std::string src_kind = kube::text(obj, {"spec", "sourceRef", "kind"});
  std::string src_name = kube::text(obj, {"spec", "sourceRef", "name"});
  std::string src_ns = kube::text(obj, {"spec", "sourceRef", "namespace"});
  if (src_ns.empty()) src_ns = ns;
  if (src_kind != "GitRepository") {
    return finish_failure("ArtifactFailed", "source kind '" + src_kind + "' is not supported yet (GitRepository is)", *retry);
  }
  auto src = client_.get(kGitRepositoryResource, src_ns, src_name);
  if (!src.ok()) {
    if (src.error().code == 404) {
      return finish_failure("ArtifactFailed", "Source '" + source_subject(src_kind, src_ns, src_name) + "' not found", *retry);
    }
    return Outcome::error();
  }
  const Node* artifact = kube::at(*src, {"status", "artifact"});
  if (!artifact || !artifact->is_mapping()) {
    return finish_failure("ArtifactFailed", "Source artifact not found, retrying in " + kube::format_duration(opts_.requeue_dependency),
                          opts_.requeue_dependency);
  }
  revision = kube::text(*artifact, {"revision"});

  // dependsOn: each dependency exists, has observed its generation, is Ready, and when it uses
  // the same source has applied this revision.
  if (const Node* deps = kube::at(obj, {"spec", "dependsOn"}); deps && deps->is_sequence()) {
    for (const auto& d : deps->items()) {
      std::string dname = kube::text(d, {"name"});
      std::string dns = kube::text(d, {"namespace"});
      if (dns.empty()) dns = ns;
      auto dep = client_.get(kKustomizationResource, dns, dname);
      std::string why;
      if (!dep.ok()) {
        why = "dependency '" + dns + "/" + dname + "' not found";
      } else if (kube::text(*dep, {"status", "observedGeneration"}) != std::to_string(kube::generation(*dep)) || !is_ready(*dep)) {
        why = "dependency '" + dns + "/" + dname + "' is not ready";
      } else if (kube::text(*dep, {"spec", "sourceRef", "kind"}) == src_kind &&
                 kube::text(*dep, {"spec", "sourceRef", "name"}) == src_name &&
                 (kube::text(*dep, {"spec", "sourceRef", "namespace"}).empty() ? dns : kube::text(*dep, {"spec", "sourceRef", "namespace"})) == src_ns &&
                 kube::text(*dep, {"status", "lastAppliedRevision"}) != revision) {
        why = "dependency '" + dns + "/" + dname + "' revision is not up to date";
      }
      if (!why.empty()) {
        set_condition(obj, kReady, "False", "DependencyNotReady", why);
        echo_reconcile_request(obj);
        patch_status(client_, kKustomizationResource, before, obj);
        metrics_.set_condition(kKind, ns, name, "Ready", "False");
        events_.emit(obj, false, "DependencyNotReady",
                     "Dependencies do not meet ready condition (" + why + "), retrying in " +
                         kube::format_duration(opts_.requeue_dependency));
        return Outcome::requeue_after(opts_.requeue_dependency);
      }
    }
  }

  // Progress.
  std::string progress = "Fetching manifests for revision " + revision + " with a timeout of " + kube::format_duration(*timeout);
  set_condition(obj, kReconciling, "True", kProgressing, progress);
  if (condition_status(obj, kReady) != "False") set_condition(obj, kReady, "Unknown", kProgressing, "Reconciliation in progress");
  if (auto p = patch_status(client_, kKustomizationResource, before, obj); p.ok()) {
    before = *p;
    obj = *p;
  }

  auto tree = artifacts_.get(kube::text(*artifact, {"url"}), kube::text(*artifact, {"digest"}));
  if (!tree.ok()) return finish_failure("ArtifactFailed", tree.error().message, opts_.requeue_dependency);
  kube::ensure(obj, {"status"}).set("lastAttemptedRevision", Node::string(revision));

  auto objects = build(obj, *tree);
  if (!objects.ok()) {
    std::string msg = objects.error().to_string();
    std::string reason = msg.rfind("kustomization path not found", 0) == 0 ? "ArtifactFailed" : "BuildFailed";
    return finish_failure(reason, msg, *retry);
  }
  std::vector<ObjMeta> desired_meta;
  for (const auto& o : *objects) desired_meta.push_back(ObjMeta::of(o));

  // Apply.
  ApplyOptions ao;
  ao.force = kube::text(obj, {"spec", "force"}) == "true";
  ao.is_current = [](const Node& live) { return kube::compute_health(live).status == kube::Health::kCurrent; };
  auto changes = applier.apply_staged(*objects, ao);
  if (!changes.ok()) return finish_failure("ReconciliationFailed", changes.error().message, *retry);
  if (changes->changed()) {
    events_.emit(obj, false, "Progressing", changes->summary(), {{"kustomize.toolkit.fluxcd.io/revision", revision}});
    LogFields f = lf;
    f.emplace_back("revision", revision);
    log_.info("server-side apply completed", f);
  }

  // Inventory (skipped objects included), then prune what left it.
  auto old_inventory = inventory_of(obj);
  Node entries = Node::sequence();
  std::map<std::string, bool> in_new;
  for (const auto& c : changes->entries) {
    Node e = Node::mapping();
    e.set("id", Node::string(c.obj.id()));
    e.set("v", Node::string(c.obj.version));
    entries.push_back(std::move(e));
    in_new[c.obj.id()] = true;
  }
  Node inv = Node::mapping();
  inv.set("entries", std::move(entries));
  kube::ensure(obj, {"status"}).set("inventory", std::move(inv));
  if (kube::text(obj, {"spec", "prune"}) == "true") {
    std::vector<ObjMeta> stale;
    for (const auto& m : old_inventory) {
      if (!in_new.count(m.id())) stale.push_back(m);
    }
    if (!stale.empty()) {
      auto pruned = applier.prune(stale, owner);
      if (!pruned.ok()) {
        // Keep the survivors in the inventory so a later run retries them.
        Node& list = *const_cast<Node*>(kube::at(obj, {"status", "inventory", "entries"}));
        for (const auto& m : stale) {
          Node e = Node::mapping();
          e.set("id", Node::string(m.id()));
          e.set("v", Node::string(m.version));
          list.push_back(std::move(e));
        }
        return finish_failure("PruneFailed", pruned.error().message, *retry);
      }
      if (pruned->changed()) events_.emit(obj, false, "Progressing", pruned->summary(), {{"kustomize.toolkit.fluxcd.io/revision", revision}});
    }
  }

  // Health checks.
  std::vector<ObjMeta> to_check;
  bool wait = kube::text(obj, {"spec", "wait"}) == "true";
  if (wait) {
    for (const auto& c : changes->entries) {
      if (c.action != Action::kSkipped) to_check.push_back(c.obj);
    }
  } else if (const Node* hc = kube::at(obj, {"spec", "healthChecks"}); hc && hc->is_sequence()) {
    for (const auto& h : hc->items()) {
      ObjMeta m;
      std::string av = kube::text(h, {"apiVersion"});
      size_t slash = av.find('/');
      m.group = slash == std::string::npos ? "" : av.substr(0, slash);
      m.version = slash == std::string::npos ? av : av.substr(slash + 1);
      m.kind = kube::text(h, {"kind"});
      m.name = kube::text(h, {"name"});
      m.ns = kube::text(h, {"namespace"});
      to_check.push_back(m);
    }
  }
  if (to_check.empty()) {
    remove_condition(obj, kHealthy);
  } else {
    std::string running = "Running health checks for revision " + revision + " with a timeout of " +
                          kube::format_duration(*timeout);
    set_condition(obj, kReconciling, "True", kProgressing, running);
    set_condition(obj, kHealthy, "Unknown", kProgressing, running);
    // Like Flux, say so before waiting: the wait can last up to the timeout.
    if (auto p = patch_status(client_, kKustomizationResource, before, obj); p.ok()) {
      before = *p;
      obj = *p;
    }
    auto hc_start = std::chrono::steady_clock::now();
    auto deadline = hc_start + *timeout;
    std::string failure;
    std::chrono::milliseconds next_poll{25};
    for (;;) {
      std::vector<std::string> pending, failed;
      for (const auto& m : to_check) {
        if (m.kind == kKind && m.name == name && m.ns == ns) continue;  // never waits on itself
        std::string status = "NotFound";
        std::string av = m.api_version();
        if (av.empty() || m.version.empty()) {
          auto r0 = client_.resource_for(m.group.empty() ? "v1" : m.group + "/v1", m.kind);
          if (r0.ok()) av = r0->api_version();
        }
        auto r = client_.resource_for(av, m.kind);
        if (r.ok()) {
          auto live = client_.get(*r, r->namespaced ? m.ns : "", m.name);
          if (live.ok()) {
            auto h = kube::compute_health(*live);
            if (h.status == kube::Health::kCurrent) continue;
            status = std::string(kube::to_string(h.status));
            if (h.status == kube::Health::kFailed) {
              failed.push_back(m.subject() + " status: '" + status + "'" + (h.message.empty() ? "" : ": " + h.message));
              continue;
            }
          }
        }
        pending.push_back(m.subject() + " status: '" + status + "'");
      }
      if (pending.empty() && failed.empty()) break;
      if (opts_.stopping && opts_.stopping->load()) return Outcome::error();
      if (pending.empty() && !failed.empty()) {
        std::string list;
        for (const auto& f : failed) list += (list.empty() ? "" : ", ") + f;
        failure = "health check failed after " + kube::format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - hc_start)) +
                  ": failed early due to stalled resources: [" + list + "]";
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        std::string list;
        for (const auto& f : failed) list += (list.empty() ? "" : ", ") + f;
        for (const auto& p : pending) list += (list.empty() ? "" : ", ") + p;
        failure = "health check failed after " + kube::format_duration(*timeout) + ": timeout waiting for: [" + list + "]";
        break;
      }
      // Workload status usually settles within milliseconds of the apply (always on the local
      // cluster): re-check soon, then back off to the poll interval.
      auto wake = std::chrono::steady_clock::now() + std::min<std::chrono::milliseconds>(opts_.health_poll, next_poll);
      while (std::chrono::steady_clock::now() < wake && !(opts_.stopping && opts_.stopping->load())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
      next_poll *= 2;
    }
    if (!failure.empty()) {
      set_condition(obj, kHealthy, "False", "HealthCheckFailed", failure);
      return finish_failure("HealthCheckFailed", failure, *retry);
    }
    set_condition(obj, kHealthy, "True", kSucceeded, "Health check passed in " +
                  kube::format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - hc_start)));
  }

  // Success.
  bool was_ready = condition_status(before, kReady) == "True" && kube::text(before, {"status", "lastAppliedRevision"}) == revision;
  kube::ensure(obj, {"status"}).set("lastAppliedRevision", Node::string(revision));
  set_condition(obj, kReady, "True", "ReconciliationSucceeded", "Applied revision: " + revision);
  remove_condition(obj, kReconciling);
  remove_condition(obj, kStalled);
  set_observed_generation_if_settled(obj);
  echo_reconcile_request(obj);
  if (!patch_status(client_, kKustomizationResource, before, obj).ok()) return Outcome::error();
  metrics_.set_condition(kKind, ns, name, "Ready", "True");
  auto next = jitter(*interval);
  std::string took = kube::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started));
  std::string msg = "Reconciliation finished in " + took + ", next run in " + kube::format_duration(*interval);
  if (!was_ready || changes->changed()) {
    events_.emit(obj, false, "ReconciliationSucceeded", msg,
                 {{"kustomize.toolkit.fluxcd.io/revision", revision}, {"kustomize.toolkit.fluxcd.io/commit_status", "update"}});
  }
  LogFields f = lf;
  f.emplace_back("revision", revision);
  log_.info(msg, f);
  return Outcome::requeue_after(next);
}

}  // namespace oc::controllers
