// Small accessors for Kubernetes objects held as JSON-model Nodes, and the time formats the API
// uses (RFC 3339 timestamps, Go durations such as "5m0s" in Flux specs and messages).
#pragma once

#include <ctime>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/node.h"

namespace oc::kube {

// Walks a path of mapping keys; nullptr when any step is missing or not a mapping.
const core::Node* at(const core::Node& n, std::initializer_list<std::string_view> keys);
// The scalar text at a path, or "" when missing or null.
std::string text(const core::Node& n, std::initializer_list<std::string_view> keys);
// The mapping at a path, created (with the mappings above it) when missing.
core::Node& ensure(core::Node& n, std::initializer_list<std::string_view> keys);
// metadata.generation, or 0.
int64_t generation(const core::Node& obj);

// A random RFC 4122 version-4 UUID.
std::string new_uid();
// A time as the API server writes timestamps: "2026-11-26T10:00:00Z".
std::string rfc3339(std::time_t t);
// Now, in that form.
std::string now_rfc3339();
// Now with nanoseconds, as `flux reconcile` writes requestedAt: "2026-11-26T10:00:00.123456789Z".
std::string now_rfc3339_nano();

// Go's time.ParseDuration ("1h30m", "500ms", "2.5s"); nullopt when invalid.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);
// Go's time.Duration.String(): "5m0s", "1.5s", "300ms", "0s".
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace oc::kube
