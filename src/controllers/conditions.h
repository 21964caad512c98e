// Status conditions the way Flux's runtime writes them (fluxcd/pkg runtime/conditions):
// lastTransitionTime changes only when the status changes, observedGeneration is the object's
// generation at the time, and Ready sorts first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/node.h"

namespace oc::controllers {

// Condition types and reasons shared by every Flux kind (apis/meta).
inline constexpr std::string_view kReady = "Ready";
inline constexpr std::string_view kReconciling = "Reconciling";
inline constexpr std::string_view kStalled = "Stalled";
inline constexpr std::string_view kHealthy = "Healthy";

inline constexpr std::string_view kProgressing = "Progressing";
inline constexpr std::string_view kProgressingWithRetry = "ProgressingWithRetry";
inline constexpr std::string_view kSucceeded = "Succeeded";

// The condition of `type` in obj.status.conditions, or nullptr.
const core::Node* find_condition(const core::Node& obj, std::string_view type);
// "True", "False", "Unknown", or "" when absent.
std::string condition_status(const core::Node& obj, std::string_view type);
std::string condition_reason(const core::Node& obj, std::string_view type);
std::string condition_message(const core::Node& obj, std::string_view type);
bool is_ready(const core::Node& obj);

// Sets a condition in obj.status.conditions (created as needed).
void set_condition(core::Node& obj, std::string_view type, std::string_view status,
                   std::string_view reason, std::string_view message);
void remove_condition(core::Node& obj, std::string_view type);

}  // namespace oc::controllers
