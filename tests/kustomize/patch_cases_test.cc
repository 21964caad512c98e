// Strategic-merge and JSON patch edge cases compared live with kubectl kustomize: each case is
// a resource and a patch; both tools build the same kustomization.
#include <gtest/gtest.h>

#include "differential.h"

namespace oc::kustomize {
namespace {

struct PatchCase {
  const char* name;
  const char* resource;
  const char* patch;  // the `patches:` list of the kustomization
};

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
  annotations:
    count: 3
    flag: true
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy:
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: web
    spec:
      initContainers:
      - name: init
        image: busybox
      containers:
      - name: main
        image: nginx:1.19
        args: ["--a", "--b"]
        env:
        - name: A
          value: "1"
        - name: B
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        ports:
        - containerPort: 80
        - containerPort: 443
          protocol: TCP
        volumeMounts:
        - name: data
          mountPath: /data
      - name: sidecar
        image: envoy
      volumes:
      - name: data
        emptyDir: {}
      - name: cfg
        configMap:
          name: cfg
      tolerations:
      - key: a
        operator: Exists
)";

const char* kService = R"(apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
  - port: 80
    protocol: UDP
    targetPort: 53
  - name: https
    port: 443
)";

const PatchCase kCases[] = {
    {"ContainerImageByName", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      template:\n        spec:\n          containers:\n          - name: sidecar\n"
     "            image: envoy:2\n"},
    {"EnvMergedAndPrepended", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      template:\n        spec:\n          containers:\n          - name: main\n"
     "            env:\n            - name: C\n              value: c\n            - name: A\n"
     "              value: \"2\"\n"},
    {"ContainerPortsMultiKey", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      template:\n        spec:\n          containers:\n          - name: main\n"
     "            ports:\n            - containerPort: 443\n              name: https\n"
     "            - containerPort: 9000\n"},
    {"ServicePortsMultiKey", kService,
     "- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: svc\n    "
     "spec:\n"
     "      ports:\n      - port: 80\n        protocol: UDP\n        targetPort: 5353\n"
     "      - port: 8443\n        name: alt\n"},
    {"ArgsListReplaced", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      template:\n        spec:\n          containers:\n          - name: main\n"
     "            args: [\"--c\"]\n"},
    {"VolumeSourceChangeKeepsBoth", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      template:\n        spec:\n          volumes:\n          - name: data\n"
     "            persistentVolumeClaim:\n              claimName: pvc\n"},
    {"RetainKeysDirectiveIsKept", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      strategy:\n        $retainKeys: [type]\n        type: Recreate\n"},
    {"ElementReplaceDirective", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      template:\n        spec:\n          containers:\n          - name: main\n"
     "            image: other\n            $patch: replace\n"},
    {"ListReplaceDirective", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      template:\n        spec:\n          containers:\n          - $patch: "
     "replace\n"
     "          - name: only\n            image: only\n"},
    {"ListDeleteDirective", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      template:\n        spec:\n          initContainers:\n          - $patch: "
     "delete\n"},
    {"NullRemovesFieldAndEmptyMapStays", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "      annotations: null\n    spec:\n      replicas: null\n      template:\n        "
     "metadata:\n"
     "          annotations: {}\n"},
    {"TargetedPatchByLabelSelector", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: "
     "ignored\n"
     "      labels:\n        patched: \"yes\"\n  target:\n    labelSelector: app=web\n"},
    {"TargetedPatchByNameRegex", kDeployment,
     "- patch: |-\n    kind: Deployment\n    metadata:\n      name: ignored\n    spec:\n"
     "      replicas: 5\n  target:\n    name: w.b\n    kind: Dep.*\n"},
    {"AllowNameChange", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: "
     "renamed\n"
     "  target:\n    name: web\n  options:\n    allowNameChange: true\n"},
    {"AllowKindChange", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: StatefulSet\n    metadata:\n      name: web\n"
     "  target:\n    name: web\n  options:\n    allowKindChange: true\n"},
    {"JsonPatchYamlOps", kDeployment,
     "- patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/0/image\n"
     "      value: nginx:2\n    - op: add\n      path: /metadata/labels/yes\n      value: yes\n"
     "    - op: add\n      path: /spec/template/spec/containers/0/args/-\n      value: 0777\n"
     "  target:\n    kind: Deployment\n"},
    {"JsonPatchJsonOps", kService,
     "- patch: '[{\"op\": \"remove\", \"path\": \"/spec/ports/1\"}, {\"op\": \"copy\", \"from\": "
     "\"/spec/selector\", \"path\": \"/metadata/labels\"}]'\n  target:\n    kind: Service\n"},
    {"JsonPatchReplaceMissingMemberAdds", kService,
     "- patch: |-\n    - op: replace\n      path: /spec/type\n      value: NodePort\n  target:\n"
     "    kind: Service\n"},
    {"PatchDeletesTheObject", kService,
     "- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: svc\n"
     "    $patch: delete\n"},
    {"TolerationsReplaced", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      template:\n        spec:\n          tolerations:\n          - key: b\n"
     "            operator: Exists\n"},
    {"MatchExpressionsReplaced", kDeployment,
     "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
     "    spec:\n      selector:\n        matchExpressions:\n        - key: tier\n"
     "          operator: In\n          values: [a]\n"},
};

void PrintTo(const PatchCase& c, std::ostream* os) { *os << c.name; }

class PatchCasesVsKubectl : public ::testing::TestWithParam<PatchCase> {
 protected:
  void SetUp() override {
    if (!difftest::have_kubectl()) GTEST_SKIP() << "kubectl not found: differential test skipped";
  }
};

TEST_P(PatchCasesVsKubectl, SameBytesAsKubectl) {
  const PatchCase& c = GetParam();
  test::TempDir d;
  difftest::write_tree(d.path(), {{"app/res.yaml", c.resource},
                                  {"app/kustomization.yaml",
                                   std::string("resources:\n- res.yaml\npatches:\n") + c.patch}});
  EXPECT_EQ(difftest::compare(d.path() + "/app"), "");
}

INSTANTIATE_TEST_SUITE_P(Cases, PatchCasesVsKubectl, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace oc::kustomize
