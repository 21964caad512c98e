// kstatus health. The objects re-express fluxcd/cli-utils pkg/kstatus/status/
// status_compute_test.go and fluxcd/pkg runtime/statusreaders/job_test.go (status and
// condition reason as those tests expect them); messages are the Go code's format strings.
// Cases marked "branch" cover the remaining branches of each rule.
#include "kube/kstatus.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>

#include "core/json.h"
#include "core/scalar.h"
#include "core/yaml.h"

namespace oc::kube {
namespace {

// 2024-05-01T12:00:00Z, the clock of the Pod scheduling cases.
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1714564800));

// Like the Go tests' y2u: YAML → JSON (sigs.k8s.io/yaml, YAML 1.1) → unstructured.
core::Node object(const std::string& yaml) {
  auto doc = core::parse_yaml(yaml);
  EXPECT_TRUE(doc.ok()) << doc.error().message;
  auto model = core::to_json_model(*doc, core::Schema::kYaml11);
  EXPECT_TRUE(model.ok()) << model.error().message;
  return *model;
}

struct Case {
  const char* name;
  std::string yaml;
  Health status;
  std::string reason;
  std::string message;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class Kstatus : public testing::TestWithParam<Case> {};

TEST_P(Kstatus, ComputesStatusReasonAndMessage) {
  const Case& c = GetParam();
  HealthResult r = compute_health(object(c.yaml), kNow);
  EXPECT_EQ(to_string(r.status), to_string(c.status));
  EXPECT_EQ(r.reason, c.reason);
  EXPECT_EQ(r.message, c.message);
}

std::string name_of(const testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

constexpr auto kCurrent = Health::kCurrent;
constexpr auto kInProgress = Health::kInProgress;
constexpr auto kFailed = Health::kFailed;
constexpr auto kTerminating = Health::kTerminating;
constexpr auto kUnknown = Health::kUnknown;

// --- generic properties (generic.go) and the fallback rules (status.go) --------------------

INSTANTIATE_TEST_SUITE_P(
    Generic, Kstatus,
    testing::Values(Case{"DeletionTimestampIsTerminating", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: test, generation: 1, deletionTimestamp: "2024-05-01T11:00:00Z"}
status: {observedGeneration: 2}
)",
                         kTerminating, "", "Resource scheduled for deletion"},
                    Case{"EmptyDeletionTimestampIsIgnored", R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: test, deletionTimestamp: ""}
)",
                         kCurrent, "", "Resource is always ready"},
                    // status_compute_test.go crdMismatchStatusGeneration
                    Case{"GenerationNotObserved", R"(
apiVersion: something/v1
kind: MyCR
metadata: {name: test, namespace: qual, generation: 2}
status: {observedGeneration: 1}
)",
                         kInProgress, "LatestGenerationNotObserved",
                         "MyCR generation is 2, but latest observed generation is 1"},
                    Case{"GenerationWithoutObservedGeneration", R"(
apiVersion: something/v1
kind: MyCR
metadata: {name: test, generation: 5}
)",
                         kCurrent, "", "Resource is current"},
                    Case{"ReconcilingTrueIsInProgress", R"(
apiVersion: example.com/v1
kind: Widget
metadata: {name: test, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: Ready, status: "True"}
  - {type: Reconciling, status: "True", reason: Progressing, message: "Applying revision 2"}
)",
                         kInProgress, "Progressing", "Applying revision 2"},
                    Case{"StalledTrueIsFailed", R"(
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: test, generation: 3}
status:
  observedGeneration: 3
  conditions:
  - {type: Stalled, status: "True", reason: BuildFailed, message: "kustomize build failed"}
  - {type: Ready, status: "False", reason: BuildFailed}
)",
                         kFailed, "BuildFailed", "kustomize build failed"},
                    Case{"StalledBeatsBuiltInRule", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: test}
status:
  conditions:
  - {type: Stalled, status: "True", reason: Broken, message: "it broke"}
)",
                         kFailed, "Broken", "it broke"},
                    Case{"FalseReconcilingAndStalledAreIgnored", R"(
apiVersion: example.com/v1
kind: Widget
metadata: {name: test}
status:
  conditions:
  - {type: Reconciling, status: "False"}
  - {type: Stalled, status: "False"}
)",
                         kCurrent, "", "Resource is current"},
                    // crdNoStatus, crdReady, crdNotReady, crdNoCondition
                    Case{"CustomResourceWithoutStatus", R"(
apiVersion: something/v1
kind: MyCR
metadata: {generation: 1, name: test, namespace: qual}
)",
                         kCurrent, "", "Resource is current"},
                    Case{"ReadyTrueIsCurrent", R"(
apiVersion: something/v1
kind: MyCR
metadata: {name: test, namespace: qual, generation: 1}
status:
  conditions:
  - {type: Ready, status: "True", message: All looks ok, reason: AllOk}
)",
                         kCurrent, "", "Resource is Ready"},
                    Case{"ReadyFalseIsInProgress", R"(
apiVersion: something/v1
kind: MyCR
metadata: {generation: 1, name: test, namespace: qual}
status:
  observedGeneration: 1
  conditions:
  - {type: Ready, status: "False", reason: NotReadyYet}
)",
                         kInProgress, "NotReadyYet", ""},
                    Case{"OtherConditionsOnlyIsCurrent", R"(
apiVersion: something/v1
kind: MyCR
metadata: {name: test, namespace: qual, generation: 1}
status:
  conditions:
  - {type: SomeCondition, status: "False"}
)",
                         kCurrent, "", "Resource is current"},
                    Case{"ReadyUnknownIsInProgress", R"(
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: test, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: Ready, status: "Unknown", reason: Progressing, message: "Reconciliation in progress"}
)",
                         kInProgress, "Progressing", "Reconciliation in progress"},
                    Case{"ReadyWithOddStatusFallsThrough", R"(
apiVersion: example.com/v1
kind: Widget
status:
  conditions:
  - {type: Ready, status: "Maybe"}
)",
                         kCurrent, "", "Resource is current"},
                    Case{"FirstReadyConditionDecides", R"(
apiVersion: example.com/v1
kind: Widget
status:
  conditions:
  - {type: Ready, status: "False", reason: First, message: one}
  - {type: Ready, status: "True"}
)",
                         kInProgress, "First", "one"},
                    Case{"CoreKindWithoutRuleUsesReady", R"(
apiVersion: v1
kind: Namespace
metadata: {name: test}
status: {phase: Active}
)",
                         kCurrent, "", "Resource is current"},
                    Case{"UnparsableApiVersionHasNoRule", R"(
apiVersion: a/b/c
kind: Pod
metadata: {name: test}
)",
                         kCurrent, "", "Resource is current"}),
    name_of);

// --- malformed objects: Go's Compute returns an error, the poller reports Unknown ----------

INSTANTIATE_TEST_SUITE_P(
    Errors, Kstatus,
    testing::Values(
        Case{"GenerationNotAnInteger", R"(
apiVersion: example.com/v1
kind: Widget
metadata: {name: test, generation: "1"}
)",
             kUnknown, "",
             "looking up metadata.generation from resource: .metadata.generation accessor error: "
             "1 is of the type string, expected int64"},
        Case{"ObservedGenerationFloat", R"(
apiVersion: example.com/v1
kind: Widget
metadata: {name: test, generation: 1}
status: {observedGeneration: 1.5}
)",
             kUnknown, "",
             "looking up status.observedGeneration from resource: .status.observedGeneration "
             "accessor error: 1.5 is of the type float64, expected int64"},
        Case{"DeletionTimestampNotAString", R"(
apiVersion: example.com/v1
kind: Widget
metadata: {name: test, deletionTimestamp: 5}
)",
             kUnknown, "",
             "looking up metadata.deletionTimestamp from resource: .metadata.deletionTimestamp "
             "accessor error: 5 is of the type int64, expected string"},
        Case{"MetadataNotAMap", R"(
apiVersion: example.com/v1
kind: Widget
metadata: [a, b]
)",
             kUnknown, "",
             "looking up metadata.deletionTimestamp from resource: .metadata.deletionTimestamp "
             "accessor error: [a b] is of the type []interface {}, expected "
             "map[string]interface{}"},
        Case{"StatusNotAMap", R"(
apiVersion: example.com/v1
kind: Widget
status: broken
)",
             kUnknown, "", "cannot restore struct from: string"},
        Case{"ConditionsNotAList", R"(
apiVersion: example.com/v1
kind: Widget
status: {conditions: {type: Ready}}
)",
             kUnknown, "", "cannot restore slice from map"},
        Case{"ConditionNotAMap", R"(
apiVersion: example.com/v1
kind: Widget
status: {conditions: [Ready]}
)",
             kUnknown, "", "cannot restore struct from: string"},
        Case{"ConditionTypeInteger", R"(
apiVersion: example.com/v1
kind: Widget
status: {conditions: [{type: 1, status: "True"}]}
)",
             kUnknown, "", "cannot convert int64 to string"},
        Case{"ConditionStatusInteger", R"(
apiVersion: example.com/v1
kind: Widget
status: {conditions: [{type: Ready, status: 1}]}
)",
             kUnknown, "", "cannot convert int64 to v1.ConditionStatus"},
        Case{"ConditionStatusBoolean", R"(
apiVersion: example.com/v1
kind: Widget
status: {conditions: [{type: Ready, status: true}]}
)",
             kUnknown, "", "unrecognized type: string"},
        Case{"NullConditionIsEmpty", R"(
apiVersion: example.com/v1
kind: Widget
status: {conditions: [null, {type: Ready, status: "True", reason: null}]}
)",
             kCurrent, "", "Resource is Ready"},
        Case{"PodUnknownPhase", R"(
apiVersion: v1
kind: Pod
metadata: {name: test}
status: {phase: Weird}
)",
             kUnknown, "", "unknown phase Weird"},
        Case{"PodContainerStatusesNotAList", R"(
apiVersion: v1
kind: Pod
status: {phase: Running, containerStatuses: nginx}
)",
             kUnknown, "",
             ".status.containerStatuses accessor error: nginx is of the type string, expected "
             "[]interface{}"},
        Case{"PodContainerStatusNotAMap", R"(
apiVersion: v1
kind: Pod
status: {phase: Running, containerStatuses: [nginx]}
)",
             kUnknown, "",
             "interface conversion: interface {} is string, not map[string]interface {}"}),
    name_of);

// --- Deployment ------------------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    Deployment, Kstatus,
    testing::Values(Case{"NoStatus", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: test, generation: 1}
)",
                         kInProgress, "LessReplicas", "Replicas: 0/1"},
                    Case{"OK", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: test, generation: 1, namespace: qual}
status:
  observedGeneration: 1
  updatedReplicas: 1
  readyReplicas: 1
  availableReplicas: 1
  replicas: 1
  conditions:
  - {type: Progressing, status: "True", reason: NewReplicaSetAvailable}
  - {type: Available, status: "True"}
)",
                         kCurrent, "", "Deployment is available. Replicas: 1"},
                    Case{"NotProgressing", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: test, generation: 1, namespace: qual}
spec: {progressDeadlineSeconds: 45}
status:
  observedGeneration: 1
  updatedReplicas: 1
  readyReplicas: 1
  availableReplicas: 1
  replicas: 1
  conditions:
  - {type: Progressing, status: "False", reason: Some reason}
  - {type: Available, status: "True"}
)",
                         kInProgress, "ReplicaSetNotAvailable", "ReplicaSet not Available"},
                    Case{"NoProgressDeadlineSeconds", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: test, generation: 1, namespace: qual}
status:
  observedGeneration: 1
  updatedReplicas: 1
  readyReplicas: 1
  availableReplicas: 1
  replicas: 1
  conditions:
  - {type: Available, status: "True"}
)",
                         kCurrent, "", "Deployment is available. Replicas: 1"},
                    Case{"NotAvailable", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: test, generation: 1, namespace: qual}
status:
  observedGeneration: 1
  updatedReplicas: 1
  readyReplicas: 1
  availableReplicas: 1
  replicas: 1
  conditions:
  - {type: Progressing, status: "True", reason: NewReplicaSetAvailable}
  - {type: Available, status: "False"}
)",
                         kInProgress, "DeploymentNotAvailable", "Deployment not Available"},
                    // branch: ProgressDeadlineExceeded wins over the replica counts.
                    Case{"ProgressDeadlineExceeded", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: test, generation: 2}
spec: {replicas: 3, progressDeadlineSeconds: 600}
status:
  observedGeneration: 2
  replicas: 1
  conditions:
  - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded,
     message: 'ReplicaSet "test-5d9c" has timed out progressing.'}
)",
                         kFailed, "ProgressDeadlineExceeded", "Progress deadline exceeded"},
                    Case{"LessUpdated", R"(
apiVersion: apps/v1
kind: Deployment
spec: {replicas: 3}
status: {replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3}
)",
                         kInProgress, "LessUpdated", "Updated: 1/3"},
                    Case{"ExtraPods", R"(
apiVersion: apps/v1
kind: Deployment
spec: {replicas: 3}
status: {replicas: 5, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3}
)",
                         kInProgress, "ExtraPods", "Pending termination: 2"},
                    Case{"LessAvailable", R"(
apiVersion: apps/v1
kind: Deployment
spec: {replicas: 3}
status: {replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 1}
)",
                         kInProgress, "LessAvailable", "Available: 1/3"},
                    Case{"LessReady", R"(
apiVersion: apps/v1
kind: Deployment
spec: {replicas: 3}
status: {replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 3}
)",
                         kInProgress, "LessReady", "Ready: 2/3"},
                    Case{"ExtensionsGroupScaledToZero", R"(
apiVersion: extensions/v1beta1
kind: Deployment
spec: {replicas: 0}
status:
  conditions:
  - {type: Available, status: "True"}
)",
                         kCurrent, "", "Deployment is available. Replicas: 0"},
                    Case{"ReplicasAsFloatUseDefault", R"(
apiVersion: apps/v1
kind: Deployment
spec: {replicas: 3.5}
status:
  replicas: 1
  updatedReplicas: 1
  readyReplicas: 1
  availableReplicas: 1
  conditions:
  - {type: Available, status: "True"}
)",
                         kCurrent, "", "Deployment is available. Replicas: 1"}),
    name_of);

// --- StatefulSet -----------------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    StatefulSet, Kstatus,
    testing::Values(Case{"NoStatus", R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {generation: 1, name: test}
)",
                         kInProgress, "LessReplicas", "Replicas: 0/1"},
                    Case{"BadStatus", R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {generation: 1, name: test, namespace: qual}
status: {observedGeneration: 1, currentReplicas: 1}
)",
                         kInProgress, "LessReplicas", "Replicas: 0/1"},
                    Case{"OK", R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {generation: 1, name: test, namespace: qual}
spec: {replicas: 4}
status: {observedGeneration: 1, currentReplicas: 4, readyReplicas: 4, replicas: 4}
)",
                         kCurrent, "", "All replicas scheduled as expected. Replicas: 4"},
                    Case{"LessReady", R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {generation: 1, name: test, namespace: qual}
spec: {replicas: 4}
status: {observedGeneration: 1, currentReplicas: 4, readyReplicas: 2, replicas: 4}
)",
                         kInProgress, "LessReady", "Ready: 2/4"},
                    Case{"LessCurrent", R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {generation: 1, name: test, namespace: qual}
spec: {replicas: 4}
status: {observedGeneration: 1, currentReplicas: 2, readyReplicas: 4, replicas: 4}
)",
                         kInProgress, "LessCurrent", "current: 2/4"},
                    Case{"ExtraPods", R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {generation: 1, name: test, namespace: qual}
spec: {replicas: 4}
status: {observedGeneration: 1, currentReplicas: 4, readyReplicas: 4, replicas: 8}
)",
                         kInProgress, "ExtraPods", "Pending termination: 4"},
                    // branches
                    Case{"OnDeleteStrategy", R"(
apiVersion: apps/v1
kind: StatefulSet
spec: {replicas: 3, updateStrategy: {type: OnDelete}}
)",
                         kCurrent, "", "StatefulSet is using the ondelete update strategy"},
                    Case{"PartitionRollout", R"(
apiVersion: apps/v1
kind: StatefulSet
spec: {replicas: 4, updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}}
status: {replicas: 4, readyReplicas: 4, currentReplicas: 3, updatedReplicas: 1}
)",
                         kInProgress, "PartitionRollout", "updated: 1/2"},
                    Case{"PartitionRolloutComplete", R"(
apiVersion: apps/v1
kind: StatefulSet
spec: {replicas: 4, updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}}
status: {replicas: 4, readyReplicas: 4, currentReplicas: 2, updatedReplicas: 2}
)",
                         kCurrent, "", "Partition rollout complete. updated: 2"},
                    Case{"RevisionMismatch", R"(
apiVersion: apps/v1
kind: StatefulSet
spec: {replicas: 2}
status: {replicas: 2, readyReplicas: 2, currentReplicas: 2, currentRevision: web-1,
         updateRevision: web-2}
)",
                         kInProgress, "RevisionMismatch",
                         "Waiting for updated revision to match current"},
                    Case{"RevisionsMatch", R"(
apiVersion: apps/v1
kind: StatefulSet
spec: {replicas: 2}
status: {replicas: 2, readyReplicas: 2, currentReplicas: 2, currentRevision: web-2,
         updateRevision: web-2}
)",
                         kCurrent, "", "All replicas scheduled as expected. Replicas: 2"}),
    name_of);

// --- DaemonSet -------------------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    DaemonSet, Kstatus,
    testing::Values(Case{"NoStatus", R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: test, generation: 1}
)",
                         kInProgress, "NoObservedGeneration",
                         "DaemonSet status.observedGeneration not found"},
                    Case{"BadStatus", R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: test, namespace: qual, generation: 1}
status: {observedGeneration: 1, currentReplicas: 1}
)",
                         kInProgress, "NoDesiredNumber", "Missing .status.desiredNumberScheduled"},
                    Case{"OK", R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: test, namespace: qual, generation: 1}
status: {desiredNumberScheduled: 4, currentNumberScheduled: 4, updatedNumberScheduled: 4,
         numberAvailable: 4, numberReady: 4, observedGeneration: 1}
)",
                         kCurrent, "", "All replicas scheduled as expected. Replicas: 4"},
                    Case{"DifferentGeneration", R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: test, namespace: qual, generation: 2}
status: {desiredNumberScheduled: 4, currentNumberScheduled: 4, updatedNumberScheduled: 4,
         numberAvailable: 4, numberReady: 4, observedGeneration: 1}
)",
                         kInProgress, "LatestGenerationNotObserved",
                         "DaemonSet generation is 2, but latest observed generation is 1"},
                    Case{"LessReady", R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: test, namespace: qual, generation: 1}
status: {observedGeneration: 1, desiredNumberScheduled: 4, currentNumberScheduled: 4,
         updatedNumberScheduled: 4, numberAvailable: 4, numberReady: 2}
)",
                         kInProgress, "LessReady", "Ready: 2/4"},
                    Case{"LessAvailable", R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: test, namespace: qual, generation: 1}
status: {observedGeneration: 1, desiredNumberScheduled: 4, currentNumberScheduled: 4,
         updatedNumberScheduled: 4, numberAvailable: 2, numberReady: 4}
)",
                         kInProgress, "LessAvailable", "Available: 2/4"},
                    // branches
                    Case{"NoGeneration", R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: test}
status: {observedGeneration: 1}
)",
                         kInProgress, "NoGeneration", "DaemonSet metadata.generation not found"},
                    Case{"LessCurrent", R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: test, generation: 1}
status: {observedGeneration: 1, desiredNumberScheduled: 4, currentNumberScheduled: 3,
         updatedNumberScheduled: 4, numberAvailable: 4, numberReady: 4}
)",
                         kInProgress, "LessCurrent", "Current: 3/4"},
                    Case{"LessUpdated", R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: test, generation: 1}
status: {observedGeneration: 1, desiredNumberScheduled: 4, currentNumberScheduled: 4,
         updatedNumberScheduled: 1, numberAvailable: 4, numberReady: 4}
)",
                         kInProgress, "LessUpdated", "Updated: 1/4"},
                    Case{"ExtensionsGroup", R"(
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: {name: test, generation: 1}
status: {observedGeneration: 1, desiredNumberScheduled: 0}
)",
                         kCurrent, "", "All replicas scheduled as expected. Replicas: 0"}),
    name_of);

// --- ReplicaSet ------------------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(ReplicaSet, Kstatus,
                         testing::Values(Case{"NoStatus", R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: test, generation: 1}
)",
                                              kInProgress, "LessLabelled", "Labelled: 0/1"},
                                         Case{"OK1", R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: test, namespace: qual, generation: 1}
spec: {replicas: 2}
status:
  observedGeneration: 1
  replicas: 2
  readyReplicas: 2
  availableReplicas: 2
  fullyLabeledReplicas: 2
  conditions:
  - {type: ReplicaFailure, status: "False"}
)",
                                              kCurrent, "", "ReplicaSet is available. Replicas: 2"},
                                         Case{"OK2", R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: test, namespace: qual, generation: 1}
spec: {replicas: 2}
status: {observedGeneration: 1, fullyLabeledReplicas: 2, replicas: 2, readyReplicas: 2,
         availableReplicas: 2}
)",
                                              kCurrent, "", "ReplicaSet is available. Replicas: 2"},
                                         Case{"LessAvailable", R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: test, namespace: qual, generation: 1}
spec: {replicas: 4}
status: {observedGeneration: 1, replicas: 4, readyReplicas: 4, availableReplicas: 2,
         fullyLabeledReplicas: 4}
)",
                                              kInProgress, "LessAvailable", "Available: 2/4"},
                                         Case{"LessReady", R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: test, namespace: qual, generation: 1}
spec: {replicas: 4}
status: {observedGeneration: 1, replicas: 4, readyReplicas: 2, availableReplicas: 4,
         fullyLabeledReplicas: 4}
)",
                                              kInProgress, "LessReady", "Ready: 2/4"},
                                         Case{"ReplicaFailure", R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: test, namespace: qual, generation: 1}
spec: {replicas: 4}
status:
  observedGeneration: 1
  replicas: 4
  readyReplicas: 4
  fullyLabeledReplicas: 4
  availableReplicas: 4
  conditions:
  - {type: ReplicaFailure, status: "True"}
)",
                                              kInProgress, "ReplicaFailure",
                                              "Replica Failure condition. Check Pods"},
                                         // branch
                                         Case{"ExtraPods", R"(
apiVersion: apps/v1
kind: ReplicaSet
spec: {replicas: 2}
status: {replicas: 3, readyReplicas: 3, availableReplicas: 3, fullyLabeledReplicas: 3}
)",
                                              kInProgress, "ExtraPods", "Pending termination: 1"}),
                         name_of);

// --- Pod -------------------------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    Pod, Kstatus,
    testing::Values(Case{"NoStatus", R"(
apiVersion: v1
kind: Pod
metadata: {generation: 1, name: test}
)",
                         kInProgress, "PodNotObserved", "Pod phase not available"},
                    Case{"Ready", R"(
apiVersion: v1
kind: Pod
metadata: {generation: 1, name: test, namespace: qual}
status:
  conditions:
  - {type: Ready, status: "True"}
  phase: Running
)",
                         kCurrent, "", "Pod is Ready"},
                    Case{"CompletedSuccessfully", R"(
apiVersion: v1
kind: Pod
metadata: {generation: 1, name: test, namespace: qual}
status:
  phase: Succeeded
  conditions:
  - {type: Ready, status: "False", reason: PodCompleted}
)",
                         kCurrent, "", "Pod has completed successfully"},
                    Case{"CompletedFailed", R"(
apiVersion: v1
kind: Pod
metadata: {generation: 1, name: test, namespace: qual}
status:
  phase: Failed
  conditions:
  - {type: Ready, status: "False", reason: PodCompleted}
)",
                         kCurrent, "", "Pod has completed, but not successfully"},
                    Case{"BeingScheduled", R"(
apiVersion: v1
kind: Pod
metadata: {creationTimestamp: "2024-05-01T12:00:00Z", generation: 1, name: test, namespace: qual}
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "False", reason: Unschedulable}
)",
                         kInProgress, "PodNotScheduled", "Pod has not been scheduled"},
                    Case{"Unschedulable", R"(
apiVersion: v1
kind: Pod
metadata: {generation: 1, name: test, namespace: qual}
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "False", reason: Unschedulable}
)",
                         kFailed, "PodUnschedulable", "Pod could not be scheduled"},
                    Case{"CrashLooping", R"(
apiVersion: v1
kind: Pod
metadata: {generation: 1, name: test, namespace: qual}
status:
  phase: Running
  conditions:
  - {type: PodScheduled, status: "False", reason: Unschedulable}
  containerStatuses:
  - name: nginx
    state:
      waiting: {reason: CrashLoopBackOff}
)",
                         kFailed, "ContainerCrashLooping", "Containers in CrashLoop state: nginx"},
                    // branches
                    Case{"RunningNotReady", R"(
apiVersion: v1
kind: Pod
status:
  phase: Running
  conditions:
  - {type: Ready, status: "False"}
  containerStatuses:
  - {name: app, state: {running: {}}}
  - {name: side, state: {waiting: {reason: ContainerCreating}}}
  - {name: bare}
)",
                         kInProgress, "PodRunningNotReady", "Pod is running but is not Ready"},
                    Case{"SeveralCrashLooping", R"(
apiVersion: v1
kind: Pod
status:
  phase: Running
  containerStatuses:
  - {name: a, state: {waiting: {reason: CrashLoopBackOff}}}
  - {name: b, state: {running: {}}}
  - {name: c, state: {waiting: {reason: CrashLoopBackOff}}}
)",
                         kFailed, "ContainerCrashLooping", "Containers in CrashLoop state: a,c"},
                    Case{"PendingScheduled", R"(
apiVersion: v1
kind: Pod
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "True"}
)",
                         kInProgress, "PodPending", "Pod is in the Pending phase"},
                    Case{"PendingOtherReason", R"(
apiVersion: v1
kind: Pod
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "False", reason: SchedulerError}
)",
                         kInProgress, "PodPending", "Pod is in the Pending phase"},
                    Case{"UnschedulableWithinWindow", R"(
apiVersion: v1
kind: Pod
metadata: {creationTimestamp: "2024-05-01T11:59:46Z"}
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "False", reason: Unschedulable}
)",
                         kInProgress, "PodNotScheduled", "Pod has not been scheduled"},
                    Case{"UnschedulableAtWindowEnd", R"(
apiVersion: v1
kind: Pod
metadata: {creationTimestamp: "2024-05-01T11:59:45Z"}
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "False", reason: Unschedulable}
)",
                         kFailed, "PodUnschedulable", "Pod could not be scheduled"},
                    Case{"UnschedulableWithOffsetTimestamp", R"(
apiVersion: v1
kind: Pod
metadata: {creationTimestamp: "2024-05-01T13:59:50.5+02:00"}
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "False", reason: Unschedulable}
)",
                         kInProgress, "PodNotScheduled", "Pod has not been scheduled"},
                    Case{"UnschedulableBadTimestampIsZeroTime", R"(
apiVersion: v1
kind: Pod
metadata: {creationTimestamp: "2024-05-01 12:00:00"}
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "False", reason: Unschedulable}
)",
                         kFailed, "PodUnschedulable", "Pod could not be scheduled"}),
    name_of);

// --- PVC, Service, PDB, always-ready kinds ---------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    OtherBuiltIns, Kstatus,
    testing::Values(
        Case{"PvcNoStatus", R"(
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {generation: 1, name: test}
)",
             kInProgress, "NotBound", "PVC is not Bound. phase: unknown"},
        Case{"PvcBound", R"(
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {generation: 1, name: test, namespace: qual}
status: {phase: Bound}
)",
             kCurrent, "", "PVC is Bound"},
        Case{"PvcPending", R"(
apiVersion: v1
kind: PersistentVolumeClaim
status: {phase: Pending}
)",
             kInProgress, "NotBound", "PVC is not Bound. phase: Pending"},
        Case{"ServiceDefault", R"(
apiVersion: v1
kind: Service
metadata: {name: test, namespace: qual, generation: 1}
)",
             kCurrent, "", "Service is ready"},
        Case{"ServiceNodePort", R"(
apiVersion: v1
kind: Service
metadata: {name: test, namespace: qual, generation: 1}
spec: {type: NodePort}
)",
             kCurrent, "", "Service is ready"},
        Case{"ServiceLoadBalancerOK", R"(
apiVersion: v1
kind: Service
metadata: {name: test, namespace: qual, generation: 1}
spec: {type: LoadBalancer, clusterIP: "1.2.3.4"}
)",
             kCurrent, "", "Service is ready"},
        Case{"ServiceLoadBalancerNoIP", R"(
apiVersion: v1
kind: Service
metadata: {name: test, namespace: qual, generation: 1}
spec: {type: LoadBalancer}
)",
             kInProgress, "NoIPAssigned", "ClusterIP not set. Service type: LoadBalancer"},
        Case{"PdbNotObserved", R"(
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {generation: 2, name: test, namespace: qual}
status: {observedGeneration: 1}
)",
             kInProgress, "LatestGenerationNotObserved",
             "PodDisruptionBudget generation is 2, but latest observed generation is 1"},
        Case{"PdbObserved", R"(
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {generation: 1, name: test, namespace: qual}
status: {observedGeneration: 1}
)",
             kCurrent, "", "AllowedDisruptions has been computed."},
        Case{"CronJobNoStatus", R"(
apiVersion: batch/v1
kind: CronJob
metadata: {name: test, namespace: qual, generation: 1}
)",
             kCurrent, "", "Resource is always ready"},
        Case{"CronJobWithStatus", R"(
apiVersion: batch/v1
kind: CronJob
metadata: {name: test, namespace: qual, generation: 1}
status:
)",
             kCurrent, "", "Resource is always ready"},
        Case{"ConfigMap", R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: test}
data: {a: b}
)",
             kCurrent, "", "Resource is always ready"},
        Case{"Secret", R"(
apiVersion: v1
kind: Secret
metadata: {name: test}
status:
  conditions:
  - {type: Ready, status: "False"}
)",
             kCurrent, "", "Resource is always ready"},
        Case{"ConfigMapInOtherGroupHasNoRule", R"(
apiVersion: example.com/v1
kind: ConfigMap
status:
  conditions:
  - {type: Ready, status: "False", reason: Waiting}
)",
             kInProgress, "Waiting", ""}),
    name_of);

// --- CustomResourceDefinition ----------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(CustomResourceDefinition, Kstatus,
                         testing::Values(Case{"NoConditions", R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {generation: 1}
)",
                                              kInProgress, "Installing", "Install in progress"},
                                         Case{"Installing", R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {generation: 1}
status:
  conditions:
  - {type: NamesAccepted, status: "True", reason: NoConflicts}
  - {type: Established, status: "False", reason: Installing}
)",
                                              kInProgress, "Installing", "Install in progress"},
                                         Case{"NamesNotAccepted", R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {generation: 1}
status:
  conditions:
  - {type: NamesAccepted, status: "False", reason: SomeReason}
)",
                                              kFailed, "SomeReason", ""},
                                         Case{"Established", R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {generation: 1}
status:
  conditions:
  - {type: NamesAccepted, status: "True", reason: NoConflicts}
  - {type: Established, status: "True", reason: InitialNamesAccepted}
)",
                                              kCurrent, "", "CRD is established"},
                                         // branch
                                         Case{"EstablishedFalseOtherReason", R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
status:
  conditions:
  - {type: Established, status: "False", reason: NotEstablished, message: "not yet"}
)",
                                              kFailed, "NotEstablished", "not yet"}),
                         name_of);

// --- Job: Flux's reader ----------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    FluxJob, Kstatus,
    testing::Values(
        // status_compute_test.go jobNoStatus, jobComplete, jobFailed, jobInProgress (kstatus
        // calls the last one Current; Flux waits for completion).
        Case{"NoStatus", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: test, namespace: qual, generation: 1}
)",
             kInProgress, "JobNotStarted", "Job not started. active: 0/1"},
        Case{"Complete", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: test, namespace: qual, generation: 1}
status:
  succeeded: 1
  active: 0
  conditions:
  - {type: Complete, status: "True"}
)",
             kCurrent, "", "Job Completed. succeeded: 1/1"},
        Case{"Failed", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: test, namespace: qual, generation: 1}
spec: {completions: 4}
status:
  succeeded: 3
  failed: 1
  conditions:
  - {type: Failed, status: "True", reason: JobFailed}
)",
             kFailed, "JobFailed", "Job Failed. failed: 1/4"},
        Case{"InProgress", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: test, namespace: qual, generation: 1}
spec: {completions: 10, parallelism: 2}
status:
  startTime: "2019-06-04T01:17:13Z"
  succeeded: 3
  failed: 1
  active: 2
  conditions:
  - {type: Failed, status: "False"}
  - {type: Complete, status: "False"}
)",
             kInProgress, "JobInProgress", "Job in progress. success:3, active: 2, failed: 1"},
        // job_test.go
        Case{"Suspended", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec: {suspend: true}
status: {}
)",
             kCurrent, "", "Job is suspended"},
        Case{"NotStartedParallelism3", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec: {parallelism: 3}
status: {}
)",
             kInProgress, "JobNotStarted", "Job not started. active: 0/3"},
        Case{"NoStatusFieldParallelism2", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec: {parallelism: 2}
)",
             kInProgress, "JobNotStarted", "Job not started. active: 0/2"},
        Case{"StartedAndRunning", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec: {}
status: {startTime: "2024-05-01T11:00:00Z", active: 2, succeeded: 1, failed: 1}
)",
             kInProgress, "JobInProgress", "Job in progress. success:1, active: 2, failed: 1"},
        Case{"InvalidConditions", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: job}
status: {conditions: invalid}
)",
             kUnknown, "", "cannot restore slice from string"},
        // branches
        Case{"SuspendFalseIsIgnored", R"(
apiVersion: batch/v1
kind: Job
spec: {suspend: false}
status: {startTime: "2024-05-01T11:00:00Z", active: 1}
)",
             kInProgress, "JobInProgress", "Job in progress. success:0, active: 1, failed: 0"},
        Case{"SuspendNotABoolIsIgnored", R"(
apiVersion: batch/v1
kind: Job
spec: {suspend: "yes"}
)",
             kInProgress, "JobNotStarted", "Job not started. active: 0/1"},
        Case{"CompletionsDefaultToParallelism", R"(
apiVersion: batch/v1
kind: Job
spec: {parallelism: 3}
status:
  succeeded: 3
  conditions:
  - {type: Complete, status: "True"}
)",
             kCurrent, "", "Job Completed. succeeded: 3/3"},
        Case{"FirstTrueConditionDecides", R"(
apiVersion: batch/v1
kind: Job
status:
  failed: 2
  conditions:
  - {type: Failed, status: "True"}
  - {type: Complete, status: "True"}
)",
             kFailed, "JobFailed", "Job Failed. failed: 2/1"},
        // Flux's reader runs alone: no Terminating, no generation check for Jobs.
        Case{"DeletionTimestampNotChecked", R"(
apiVersion: batch/v1
kind: Job
metadata: {name: job, generation: 2, deletionTimestamp: "2024-05-01T11:00:00Z"}
status:
  observedGeneration: 1
  conditions:
  - {type: Complete, status: "True"}
)",
             kCurrent, "", "Job Completed. succeeded: 0/1"},
        Case{"OtherGroupJobUsesGenericRules", R"(
apiVersion: example.com/v1
kind: Job
status:
  conditions:
  - {type: Ready, status: "True"}
)",
             kCurrent, "", "Resource is Ready"}),
    name_of);

TEST(KstatusApi, StatusNamesAreKstatusStrings) {
  EXPECT_EQ(to_string(Health::kCurrent), "Current");
  EXPECT_EQ(to_string(Health::kInProgress), "InProgress");
  EXPECT_EQ(to_string(Health::kFailed), "Failed");
  EXPECT_EQ(to_string(Health::kTerminating), "Terminating");
  EXPECT_EQ(to_string(Health::kNotFound), "NotFound");
  EXPECT_EQ(to_string(Health::kUnknown), "Unknown");
}

TEST(KstatusApi, ReadsJsonFromTheApiServer) {
  auto obj = core::parse_json(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","generation":4},
    "spec":{"replicas":3,"progressDeadlineSeconds":600},
    "status":{"observedGeneration":4,"replicas":3,"updatedReplicas":3,"readyReplicas":3,
      "availableReplicas":3,"conditions":[
        {"type":"Available","status":"True"},
        {"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable"}]}})");
  ASSERT_TRUE(obj.ok());
  HealthResult r = compute_health(*obj);
  EXPECT_EQ(r.status, Health::kCurrent);
  EXPECT_EQ(r.message, "Deployment is available. Replicas: 3");
}

// Numbers are typed the way apimachinery decodes JSON: an integer literal is int64, anything
// else float64, which GetIntField ignores.
TEST(KstatusApi, FloatReplicasInJsonFallBackToTheDefault) {
  auto obj = core::parse_json(R"({"apiVersion":"apps/v1","kind":"ReplicaSet",
    "spec":{"replicas":3.0},
    "status":{"replicas":1,"readyReplicas":1,"availableReplicas":1,"fullyLabeledReplicas":1e0}})");
  ASSERT_TRUE(obj.ok());
  HealthResult r = compute_health(*obj);
  EXPECT_EQ(r.status, Health::kInProgress);
  EXPECT_EQ(r.message, "Labelled: 0/1");
}

TEST(KstatusApi, IntegralFloatsInYamlAreIntegersAfterYamlToJson) {
  HealthResult r = compute_health(object(R"(
apiVersion: apps/v1
kind: ReplicaSet
spec: {replicas: 2.0}
status: {replicas: 2, readyReplicas: 2, availableReplicas: 2, fullyLabeledReplicas: 2}
)"));
  EXPECT_EQ(r.status, Health::kCurrent);
  EXPECT_EQ(r.message, "ReplicaSet is available. Replicas: 2");
  auto raw = core::parse_yaml(
      "apiVersion: apps/v1\nkind: ReplicaSet\nspec: {replicas: 2.0}\n"
      "status: {fullyLabeledReplicas: 1}\n");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(compute_health(*raw).message, "Labelled: 1/2");
}

TEST(KstatusApi, PodSchedulingWindowUsesTheCurrentClock) {
  // Created just now by the real clock: still within the 15s window.
  auto created = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::time_t t = std::chrono::system_clock::to_time_t(created);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  std::string yaml = std::string("apiVersion: v1\nkind: Pod\nmetadata: {creationTimestamp: \"") +
                     buf +
                     "\"}\nstatus:\n  phase: Pending\n  conditions:\n  - {type: PodScheduled, "
                     "status: \"False\", reason: Unschedulable}\n";
  EXPECT_EQ(compute_health(object(yaml)).status, Health::kInProgress);
}

TEST(KstatusApi, NonMappingIsUnknown) {
  EXPECT_EQ(compute_health(core::Node::string("x")).status, Health::kUnknown);
  EXPECT_EQ(compute_health(core::Node::sequence()).status, Health::kUnknown);
}

}  // namespace
}  // namespace oc::kube
