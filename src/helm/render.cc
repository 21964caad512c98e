// Helm's engine (pkg/engine/engine.go) over our template executor: dependencies and values
// are resolved, each chart gets its top-level object (.Values .Chart .Files .Release
// .Capabilities .Subcharts .Template), every template is parsed into one set (deepest paths
// first, then reverse lexical order, so parents' defines win) and rendered in that order.
#include "helm/render.h"

#include <pthread.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <optional>

#include "helm/chart_objects.h"
#include "helm/template_parser.h"
#include "helm/values.h"

namespace oc::helm {

std::vector<std::string> Capabilities::default_api_versions() {
  return {"v1",
          "admissionregistration.k8s.io/v1",
          "apiextensions.k8s.io/v1",
          "apiregistration.k8s.io/v1",
          "apps/v1",
          "authentication.k8s.io/v1",
          "authorization.k8s.io/v1",
          "autoscaling/v1",
          "autoscaling/v2",
          "batch/v1",
          "certificates.k8s.io/v1",
          "coordination.k8s.io/v1",
          "discovery.k8s.io/v1",
          "events.k8s.io/v1",
          "flowcontrol.apiserver.k8s.io/v1",
          "networking.k8s.io/v1",
          "node.k8s.io/v1",
          "policy/v1",
          "rbac.authorization.k8s.io/v1",
          "scheduling.k8s.io/v1",
          "storage.k8s.io/v1",
          "v1/ConfigMap",
          "v1/Secret",
          "v1/Service",
          "v1/ServiceAccount",
          "v1/Namespace",
          "v1/Pod",
          "v1/PersistentVolumeClaim",
          "apps/v1/Deployment",
          "apps/v1/StatefulSet",
          "apps/v1/DaemonSet",
          "batch/v1/Job",
          "batch/v1/CronJob",
          "networking.k8s.io/v1/Ingress",
          "networking.k8s.io/v1/NetworkPolicy",
          "policy/v1/PodDisruptionBudget",
          "rbac.authorization.k8s.io/v1/Role",
          "rbac.authorization.k8s.io/v1/ClusterRole",
          "rbac.authorization.k8s.io/v1/RoleBinding",
          "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
          "autoscaling/v2/HorizontalPodAutoscaler",
          "apiextensions.k8s.io/v1/CustomResourceDefinition"};
}

namespace {

// Templates run on a thread of their own with a stack of the render's stack limit plus this
// headroom: Go's goroutine stacks grow to 1 GB, so Helm reaches its include limit (1000 nested
// calls) anywhere, while a caller's thread may have 8 MiB or less (a nested include takes ~3 KiB
// of stack in the release build, ~16 KiB under ASan). The headroom covers what runs between two
// stack checks (parsing a tpl string nested up to the parser's limit, deep function calls).
constexpr size_t kStackHeadroom = size_t(8) << 20;

// Runs `fn` on a new thread with a `bytes` stack and waits for it; false if no such thread can be
// started. An exception thrown by `fn` (std::bad_alloc) is rethrown here.
bool run_on_own_stack(size_t bytes, const std::function<void()>& fn) {
  struct Call {
    const std::function<void()>* fn;
    std::exception_ptr error;
  } call{&fn, nullptr};
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  bool sized = pthread_attr_setstacksize(&attr, bytes) == 0;
  pthread_t thread;
  int rc = sized ? pthread_create(
                       &thread, &attr,
                       [](void* p) -> void* {
                         auto* c = static_cast<Call*>(p);
                         try {
                           (*c->fn)();
                         } catch (...) {
                           c->error = std::current_exception();
                         }
                         return nullptr;
                       },
                       &call)
                 : -1;
  pthread_attr_destroy(&attr);
  if (rc != 0) return false;
  pthread_join(thread, nullptr);
  if (call.error) std::rethrow_exception(call.error);
  return true;
}

template <class T>
core::Result<T> on_own_stack(const ExecLimits& limits, const std::function<core::Result<T>()>& fn) {
  std::optional<core::Result<T>> out;
  if (!run_on_own_stack(limits.max_stack_bytes + kStackHeadroom, [&] { out.emplace(fn()); })) {
    return core::Error("cannot start a thread with a " +
                       std::to_string((limits.max_stack_bytes + kStackHeadroom) >> 20) +
                       " MiB stack to render templates on");
  }
  return std::move(*out);
}

struct Renderable {
  const ChartFile* file;
  Value vals;  // the chart's top-level object (shared by its templates)
  std::string base_path;
  const Chart* chart;
};

core::Result<CapabilitiesInfo> capabilities_info(const Capabilities& caps) {
  CapabilitiesInfo ci;
  std::string v = caps.kube_version;
  if (!v.empty() && v[0] == 'v') v.erase(0, 1);
  size_t d1 = v.find('.');
  if (d1 == std::string::npos)
    return core::Error("invalid kube version \"" + caps.kube_version + "\"");
  size_t d2 = v.find('.', d1 + 1);
  ci.kube_version = "v" + v;
  ci.kube_major = v.substr(0, d1);
  ci.kube_minor = v.substr(d1 + 1, d2 == std::string::npos ? std::string::npos : d2 - d1 - 1);
  ci.api_versions = caps.api_versions;
  ci.helm_version = caps.helm_version;
  ci.go_version = caps.go_version;
  return ci;
}

Value release_value(const ReleaseInfo& r) {
  Value m = Value::map(GoType::kMapIface);
  MapObj* mo = m.map_obj();
  mo->set("Name", Value::string(r.name));
  mo->set("Namespace", Value::string(r.ns));
  mo->set("Revision", Value::integer(r.revision));
  mo->set("Service", Value::string("Helm"));
  mo->set("IsUpgrade", Value::boolean(r.is_upgrade));
  mo->set("IsInstall", Value::boolean(r.is_install));
  return m;
}

// The chart's files as a .Files map, sharing the cached immortal contents.
Value files_value(const Chart& c) {
  auto& cache = *c.parse_cache;
  std::lock_guard<std::mutex> lock(cache.mu);
  if (!cache.files_ready) {
    cache.file_values.reserve(c.files.size());
    for (const auto& f : c.files) {
      Value v = Value::bytes(f.data);
      v.make_immortal();
      cache.file_values.push_back(v);
    }
    cache.files_ready = true;
  }
  Value m = Value::map(GoType::kFiles);
  MapObj* mo = m.map_obj();
  mo->entries().reserve(c.files.size());
  for (size_t i = 0; i < c.files.size(); ++i) {
    mo->append_unsorted(Value::string(c.files[i].name), cache.file_values[i]);
  }
  mo->sort_and_dedupe();
  return m;
}

bool is_library_partial_ok(const Chart& c, const std::string& name) {
  if (!c.is_library()) return true;
  size_t s = name.rfind('/');
  std::string base = s == std::string::npos ? name : name.substr(s + 1);
  return !base.empty() && base[0] == '_';
}

// recAllTpls
Value all_templates(const ChartNode& c, std::map<std::string, Renderable>& tpls, const Value& vals,
                    const CapabilitiesInfo& caps_unused) {
  (void)caps_unused;
  Value subcharts = Value::map(GoType::kMapIface);
  Value next = Value::map(GoType::kValues);
  MapObj* nm = next.map_obj();
  const MapObj* vm = vals.map_obj();
  nm->set("Chart", make_chart_value(c.chart->metadata, c.name, c.is_root()));
  nm->set("Files", files_value(*c.chart));
  nm->set("Release", *vm->find("Release"));
  nm->set("Capabilities", *vm->find("Capabilities"));
  nm->set("Values", Value::map(GoType::kValues));
  nm->set("Subcharts", subcharts);
  if (c.is_root()) {
    nm->set("Values", *vm->find("Values"));
  } else if (const Value* pv = vm->find("Values"); pv && pv->map_obj()) {
    if (const Value* t = pv->map_obj()->find(c.name);
        t && t->kind() == Kind::kMap && t->map_obj() &&
        (t->type() == GoType::kMapIface || t->type() == GoType::kValues)) {
      nm->set("Values", t->with_type(GoType::kValues));
    }
  }
  for (const auto& child : c.deps) {
    subcharts.map_obj()->set(child->name, all_templates(*child, tpls, next, caps_unused));
  }
  std::string base = c.full_path();
  for (const auto& t : c.chart->templates) {
    if (!is_library_partial_ok(*c.chart, t.name)) continue;
    tpls[base + "/" + t.name] = Renderable{&t, next, base + "/templates", c.chart};
  }
  return next;
}

size_t slashes(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '/'));
}

// sortTemplates: deeper paths first, then reverse lexical.
std::vector<std::string> sorted_names(const std::map<std::string, Renderable>& tpls) {
  std::vector<std::string> keys;
  keys.reserve(tpls.size());
  for (const auto& [k, v] : tpls) keys.push_back(k);
  std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    size_t ca = slashes(a), cb = slashes(b);
    if (ca == cb) return a > b;
    return ca > cb;
  });
  return keys;
}

core::Result<std::vector<std::shared_ptr<Tree>>> parse_cached(const Chart& c,
                                                              const std::string& name,
                                                              const std::string& text) {
  auto& cache = *c.parse_cache;
  {
    std::lock_guard<std::mutex> lock(cache.mu);
    if (auto it = cache.trees.find(name); it != cache.trees.end()) return it->second;
    if (auto it = cache.errors.find(name); it != cache.errors.end()) return it->second;
  }
  // Not a copy of the text: the chart owns it and outlives its parse cache (chart.h).
  std::shared_ptr<const std::string> unowned(std::shared_ptr<const std::string>(), &text);
  auto parsed = parse_template(name, std::move(unowned), helm_func_table());
  std::lock_guard<std::mutex> lock(cache.mu);
  if (!parsed.ok()) {
    cache.errors.emplace(name, parsed.error());
    return parsed.error();
  }
  cache.trees.emplace(name, *parsed);
  return std::move(*parsed);
}

// Helm removes "<no value>" from rendered text. The result is sized exactly: a large chart
// keeps every rendered template until the end.
std::string strip_no_value(std::string_view s) {
  size_t p = s.find("<no value>");
  if (p == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t q = 0;
  while (p != std::string_view::npos) {
    out.append(s.substr(q, p - q));
    q = p + 10;
    p = s.find("<no value>", q);
  }
  out.append(s.substr(q));
  return out;
}

bool is_partial(const std::string& name) {
  size_t s = name.rfind('/');
  return name.compare(s == std::string::npos ? 0 : s + 1, 1, "_") == 0;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Executes every template of the set; fills `out` (NOTES.txt included, partials skipped).
core::Status exec_all(std::map<std::string, Renderable>& tpls, const RenderOptions& opts,
                      const std::shared_ptr<TreeArena>& arena,
                      std::map<std::string, std::string>& out) {
  std::vector<std::string> keys = sorted_names(tpls);
  TemplateSet set;
  for (const auto& name : keys) {
    const Renderable& r = tpls.at(name);
    auto trees = parse_cached(*r.chart, name, r.file->data);
    if (!trees.ok()) {
      core::Error e = trees.error();
      e.message = helm_parse_error_message(e.message);
      e.file = name;
      return e;
    }
    set.add(*trees);
  }
  ExecOptions eo;
  eo.strict = opts.strict;
  eo.limits = opts.limits;
  eo.lookup = opts.lookup;
  eo.arena = arena;
  Executor exec(set, eo);
  std::string text;  // one output buffer for all templates: it grows once, to the largest
  for (const auto& name : keys) {
    if (is_partial(name)) continue;
    Renderable& r = tpls.at(name);
    Value tv = Value::map(GoType::kValues);
    tv.map_obj()->set("Name", Value::string(name));
    tv.map_obj()->set("BasePath", Value::string(r.base_path));
    r.vals.map_obj()->set("Template", tv);
    text.clear();
    auto st = exec.execute(name, r.vals, text);
    if (!st.ok()) {
      core::Error e = st.error();
      e.message = helm_exec_error_message(e.message);
      if (e.file.empty()) e.file = name;
      return e;
    }
    out[name] = strip_no_value(text);
  }
  return {};
}

void collect_crds(const ChartNode& c, std::vector<ChartFile>& out) {
  for (const ChartFile* f : c.chart->crd_files()) {
    out.push_back(ChartFile{c.full_path() + "/" + f->name, f->data});
  }
  for (const auto& d : c.deps) collect_crds(*d, out);
}

}  // namespace

core::Status sort_manifests(const std::map<std::string, std::string>& files, RenderResult& result);

namespace {

core::Result<RenderResult> render_here(const Chart& chart, const core::Node& user_values,
                                       const RenderOptions& opts) {
  // Declared first so it outlives every value of this render (values may share tpl's literals).
  auto arena = std::make_shared<TreeArena>();
  Value user = user_values_to_value(user_values);
  if (user.kind() != Kind::kMap) user = Value::map(GoType::kMapIface);
  auto root = process_dependencies(chart, user);
  if (!root.ok()) return root.error();
  auto vals = coalesce_values(**root, user);
  if (!vals.ok()) return vals.error();
  auto caps = capabilities_info(opts.capabilities);
  if (!caps.ok()) return caps.error();

  Value top = Value::map(GoType::kValues);
  top.map_obj()->set("Values", vals->with_type(GoType::kValues));
  top.map_obj()->set("Release", release_value(opts.release));
  top.map_obj()->set("Capabilities", make_capabilities_value(*caps));

  std::map<std::string, Renderable> tpls;
  all_templates(**root, tpls, top, *caps);
  std::map<std::string, std::string> rendered;
  if (auto st = exec_all(tpls, opts, arena, rendered); !st.ok()) return st.error();

  RenderResult result;
  std::string notes_key = chart.metadata.name + "/templates/NOTES.txt";
  for (auto& [k, v] : rendered) {
    if (ends_with(k, "NOTES.txt")) {
      if (k == notes_key) result.notes = v;
      continue;
    }
    result.templates.emplace(k, std::move(v));
  }
  if (opts.split_manifests) {
    if (auto st = sort_manifests(result.templates, result); !st.ok()) return st.error();
  }
  collect_crds(**root, result.crds);
  return result;
}

core::Result<std::string> render_text_here(std::string_view text, const core::Node& values,
                                           const RenderOptions& opts) {
  // The trees come first: values below may share their literals and must go first.
  auto arena = std::make_shared<TreeArena>();
  auto parsed = parse_template("tpl", std::make_shared<const std::string>(text), helm_func_table());
  if (!parsed.ok()) return parsed.error();
  arena->insert(arena->end(), parsed->begin(), parsed->end());
  TemplateSet set;
  set.add(*parsed);

  Value user = user_values_to_value(values);
  if (user.kind() != Kind::kMap) user = Value::map(GoType::kMapIface);
  auto caps = capabilities_info(opts.capabilities);
  if (!caps.ok()) return caps.error();
  Value top = Value::map(GoType::kValues);
  MapObj* tm = top.map_obj();
  tm->set("Values", user.with_type(GoType::kValues));
  tm->set("Release", release_value(opts.release));
  tm->set("Capabilities", make_capabilities_value(*caps));
  ChartMetadata md;
  md.name = "test";
  md.version = "0.1.0";
  tm->set("Chart", make_chart_value(md, "test", true));
  tm->set("Files", Value::map(GoType::kFiles));
  Value tv = Value::map(GoType::kValues);
  tv.map_obj()->set("Name", Value::string("tpl"));
  tv.map_obj()->set("BasePath", Value::string("test/templates"));
  tm->set("Template", tv);

  ExecOptions eo;
  eo.strict = opts.strict;
  eo.limits = opts.limits;
  eo.lookup = opts.lookup;
  eo.arena = arena;
  Executor exec(set, eo);
  std::string out;
  auto st = exec.execute("tpl", top, out);
  if (!st.ok()) return st.error();
  return strip_no_value(out);
}

}  // namespace

core::Result<RenderResult> render(const Chart& chart, const core::Node& user_values,
                                  const RenderOptions& opts) {
  return on_own_stack<RenderResult>(opts.limits,
                                    [&] { return render_here(chart, user_values, opts); });
}

core::Result<std::string> render_template_text(std::string_view text, const core::Node& values,
                                               const RenderOptions& opts) {
  return on_own_stack<std::string>(opts.limits,
                                   [&] { return render_text_here(text, values, opts); });
}

}  // namespace oc::helm
