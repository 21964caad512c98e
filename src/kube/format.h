// Human-facing formats Kubernetes tools share: ages like "5m30s" (apimachinery's
// duration.HumanDuration) and RFC 3339 timestamps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace oc::kube {

// "2s", "5m30s", "3h", "2d4h", "3y" — exactly as kubectl prints ages.
std::string human_duration(int64_t seconds);
// Seconds since the epoch of an RFC 3339 UTC timestamp ("2026-11-26T10:00:00Z").
std::optional<int64_t> parse_rfc3339(std::string_view ts);
// The age of an object created at `ts`, or "<unknown>".
std::string age_since(std::string_view ts);

}  // namespace oc::kube
