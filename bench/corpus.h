// A deterministic corpus of real-looking Kubernetes manifests for benchmarks: Deployments,
// Services, ConfigMaps with embedded config files, Secrets and CRD-style objects, written the
// way kubectl and Helm write them (some with comments, as in Git repositories).
#pragma once

#include <cstdint>
#include <string>

namespace oc::bench {

inline std::string make_k8s_corpus(size_t min_bytes, uint32_t seed = 42) {
  uint64_t state = seed;
  auto rnd = [&](uint32_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(state >> 33) % n;
  };
  static const char* const kWords[] = {"alpha",  "bravo",   "charlie", "delta",  "echo",
                                       "foxtrot", "golf",   "hotel",   "india",  "juliet",
                                       "kilo",   "lima",    "mike",    "november", "oscar"};
  auto words = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) {
      if (i) s += ' ';
      s += kWords[rnd(15)];
    }
    return s;
  };
  std::string out;
  out.reserve(min_bytes + 65536);
  for (int n = 0; out.size() < min_bytes; ++n) {
    std::string app = "app-" + std::to_string(n);
    std::string ns = "team-" + std::to_string(n % 37);
    std::string labels =
        "    app.kubernetes.io/name: " + app + "\n    app.kubernetes.io/instance: release-" +
        std::to_string(n) + "\n    app.kubernetes.io/version: \"1.2." + std::to_string(n % 50) +
        "\"\n    helm.sh/chart: " + app + "-1.0.0\n";
    if (!out.empty()) out += "---\n";
    switch (n % 5) {
      case 0:
      case 1:
        out += "# Source: " + app + "/templates/deployment.yaml\n"
               "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + app +
               "\n  namespace: " + ns + "\n  labels:\n" + labels +
               "  annotations:\n    deployment.kubernetes.io/revision: \"" +
               std::to_string(1 + rnd(9)) + "\"\n    description: " + words(18) +
               "\nspec:\n  replicas: " + std::to_string(1 + rnd(5)) +
               "\n  revisionHistoryLimit: 10\n  selector:\n    matchLabels:\n"
               "      app.kubernetes.io/name: " + app +
               "\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%\n"
               "      maxUnavailable: 0\n  template:\n    metadata:\n      labels:\n"
               "        app.kubernetes.io/name: " + app +
               "\n      annotations:\n        checksum/config: " + std::to_string(rnd(1u << 30)) +
               "abcdef0123456789\n    spec:\n      serviceAccountName: " + app +
               "\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 1000\n"
               "        fsGroup: 2000\n      containers:\n      - name: app\n"
               "        image: registry.example.com/" + ns + "/" + app + ":v1.2." +
               std::to_string(n % 50) +
               "\n        imagePullPolicy: IfNotPresent\n        args: [\"--port=8080\", "
               "\"--log-level=info\", \"--metrics\"]\n        ports:\n        - name: http\n"
               "          containerPort: 8080\n          protocol: TCP\n        - name: metrics\n"
               "          containerPort: 9090\n          protocol: TCP\n        env:\n"
               "        - name: LOG_LEVEL\n          value: info  # debug in staging\n"
               "        - name: FEATURE_FLAGS\n          value: \"" + words(4) +
               "\"\n        - name: DB_HOST\n          valueFrom:\n            secretKeyRef:\n"
               "              name: db-" + app + "\n              key: host\n        resources:\n"
               "          limits:\n            cpu: 500m\n            memory: 256Mi\n"
               "          requests:\n            cpu: 100m\n            memory: 128Mi\n"
               "        livenessProbe:\n          httpGet:\n            path: /healthz\n"
               "            port: http\n          initialDelaySeconds: 10\n"
               "          periodSeconds: 10\n        readinessProbe:\n          httpGet:\n"
               "            path: /ready\n            port: http\n        volumeMounts:\n"
               "        - name: config\n          mountPath: /etc/app\n          readOnly: true\n"
               "      volumes:\n      - name: config\n        configMap:\n          name: " +
               app + "-config\n";
        break;
      case 2:
        out += "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + app + "\n  namespace: " +
               ns + "\n  labels:\n" + labels +
               "spec:\n  type: ClusterIP\n  ports:\n  - name: http\n    port: 80\n"
               "    targetPort: http\n    protocol: TCP\n  - name: metrics\n    port: 9090\n"
               "    targetPort: 9090\n  selector:\n    app.kubernetes.io/name: " + app + "\n";
        break;
      case 3: {
        out += "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + app +
               "-config\n  namespace: " + ns + "\ndata:\n  app.yaml: |\n";
        for (int l = 0; l < 25; ++l) {
          out += "    " + std::string(kWords[rnd(15)]) + "_" + std::to_string(l) + ": " +
                 words(1 + int(rnd(6))) + "\n";
        }
        out += "  LOG_LEVEL: info\n  MAX_CONNECTIONS: \"100\"\n  ENABLE_CACHE: \"true\"\n";
        break;
      }
      default:
        out += "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-" + app + "\n  namespace: " +
               ns + "\ntype: Opaque\ndata:\n  host: ZGIuZXhhbXBsZS5jb20=\n"
               "  password: c3VwZXItc2VjcmV0LXBhc3N3b3JkLTEyMzQ1Njc4OTA=\n"
               "  ca.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCK3dJSkFPWjNhYmNkZWYwMTIzNDU2Nzg5MGFiY2RlZjAxMjM0NTY3ODkwYWJjZGVmCg==\n";
        break;
    }
  }
  return out;
}

}  // namespace oc::bench
