// Helpers the operator verbs share (verbs_*.cc); not part of the verbs' interface.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "controllers/verbs.h"
#include "core/error.h"
#include "core/node.h"
#include "kube/client.h"

namespace oc::controllers::verbs::detail {

inline constexpr std::string_view kKustomizeGroup = "kustomize.toolkit.fluxcd.io";
inline constexpr std::string_view kHelmGroup = "helm.toolkit.fluxcd.io";
inline const kube::ApiResource kEvents{"", "v1", "events", "Event", true};

bool iequals(std::string_view a, std::string_view b);
std::string lower(std::string s);
// `"s"`.
std::string dq(const std::string& s);
// `"flux-system"`, or `any` with -A, as flux names the namespace in messages.
std::string ns_or_any(const Scope& s);
// "Kustomization 'flux-system/apps' not found".
std::string not_found(const std::string& kind, const std::string& ns, const std::string& name);
// The API resource of a Flux kind, or flux's "no matches for kind" when the cluster lacks its CRD.
core::Result<kube::ApiResource> flux_resource(kube::Client& client, const std::string& kind);
// The object, or "Kind 'ns/name' not found".
core::Result<core::Node> get_object(kube::Client& client, const kube::ApiResource& r,
                                    const std::string& ns, const std::string& name);
void strip_managed_fields(core::Node& obj);
// Objects as kubectl prints them with -o yaml|json: the object itself, or a v1 List.
std::string print_objects(std::vector<core::Node> items, bool single, const std::string& format);
int seconds_of(std::chrono::milliseconds d);
bool stopped(const Scope& s);
// flux's success line after a reconcile: "applied revision …" / "fetched revision …".
std::string success_message(const std::string& kind, const core::Node& obj);
bool spec_suspended(const core::Node& obj);
int64_t int_at(const core::Node& obj, std::initializer_list<std::string_view> path);

}  // namespace oc::controllers::verbs::detail
