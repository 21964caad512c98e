// kubectl's typed generators (`kubectl create <kind>`) send protobuf bodies. Each case runs the
// real kubectl v1.32 against `opencenter apiserver` (the real binary, on an ephemeral 127.0.0.1
// port), checks in kubectl's -v=9 log that the POST really was protobuf and that the body decodes
// to exactly the JSON `--dry-run=client -o json` prints for the same command, then reads the object
// back with `kubectl get -o json` and checks fields.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "apiserver/protobuf.h"
#include "core/json.h"
#include "support/process.h"

namespace oc::apiserver {
namespace {

struct Check {
  std::string pointer;  // RFC 6901 JSON pointer into the object
  std::string json;     // its expected value, as compact JSON
};

struct Target {
  std::string get;  // kubectl get arguments naming one object
  std::vector<Check> checks;
};

struct Case {
  std::string name;
  std::vector<std::string> commands;  // kubectl arguments; every one must send protobuf
  std::vector<Target> targets;
  // Run after `commands`: kubectl 1.32's `run` and `expose` build unstructured objects and send
  // JSON, so they are only checked to work.
  std::vector<std::string> json_commands = {};
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

// Keys sorted: `kubectl get -o json` prints objects with sorted keys whatever the server sent.
std::string canonical(const core::Node& n) {
  core::JsonStyle st;
  st.sort_keys = true;
  auto j = core::write_json(n, st);
  return j.ok() ? *j : "<unwritable>";
}

std::string canonical(const std::string& json) {
  auto n = core::parse_json(json);
  return n.ok() ? canonical(*n) : "<bad expectation " + json + ">";
}

// Compact JSON of the node at `pointer` (keys sorted), or "<missing>".
std::string at(const core::Node& root, const std::string& pointer) {
  const core::Node* n = &root;
  size_t pos = 1;
  while (pos <= pointer.size() && pos > 0 && n) {
    size_t end = pointer.find('/', pos);
    std::string seg = pointer.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    for (size_t p; (p = seg.find("~1")) != std::string::npos;) seg.replace(p, 2, "/");
    for (size_t p; (p = seg.find("~0")) != std::string::npos;) seg.replace(p, 2, "~");
    if (n->is_mapping()) {
      n = n->find(seg);
    } else if (n->is_sequence()) {
      size_t i = std::stoul(seg);
      n = i < n->items().size() ? &n->items()[i] : nullptr;
    } else {
      n = nullptr;
    }
    pos = end == std::string::npos ? 0 : end + 1;
  }
  return n ? canonical(*n) : "<missing>";
}

class KubectlProtobuf : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    if (!test::on_path("kubectl")) return;
    dir_ = new test::TempDir();
    kubeconfig_ = dir_->file("kubeconfig");
    pid_ = ::fork();
    if (pid_ == 0) {
      test::die_with_parent();
      std::string log = dir_->file("apiserver.log");
      FILE* f = std::fopen(log.c_str(), "w");
      if (f) {
        ::dup2(fileno(f), 1);
        ::dup2(fileno(f), 2);
      }
      std::string data = dir_->file("data");
      ::execl(OC_BINARY, OC_BINARY, "apiserver", "--data-dir", data.c_str(), "--listen",
              "127.0.0.1:0", "--kubeconfig-out", kubeconfig_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && !std::filesystem::exists(kubeconfig_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ready_ = std::filesystem::exists(kubeconfig_);
    // Not UTF-8, so `kubectl create configmap --from-file` puts it in binaryData.
    dir_->write("bin", std::string("\x00\xff\xfe", 3));
  }
  static void TearDownTestSuite() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = 0;
    }
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!test::on_path("kubectl")) GTEST_SKIP() << "kubectl not installed";
    ASSERT_TRUE(ready_) << "opencenter apiserver did not start:\n"
                        << test::read_all(dir_->file("apiserver.log"));
  }

  static test::RunResult kubectl(const std::string& args) {
    return test::run("cd '" + dir_->path() + "' && KUBECONFIG=" + kubeconfig_ +
                     " HOME=" + dir_->path() + " kubectl " + args);
  }

  static test::TempDir* dir_;
  static std::string kubeconfig_;
  static pid_t pid_;
  static bool ready_;
};

test::TempDir* KubectlProtobuf::dir_ = nullptr;
std::string KubectlProtobuf::kubeconfig_;
pid_t KubectlProtobuf::pid_ = 0;
bool KubectlProtobuf::ready_ = false;

// The protobuf request body kubectl -v=9 logs as a hex dump (-v=8 truncates it):
//   "Request Body" body=<
//   \t00000000  6b 38 73 00 0a 29 0a 0e  61 75 74 6f 73 63 61 6c  |k8s..)..autoscal|
//    >
std::string logged_protobuf_body(const std::string& log) {
  size_t p = log.find("\"Request Body\" body=<\n");
  if (p == std::string::npos) return "";
  std::string out;
  for (p = log.find('\n', p) + 1; p < log.size() && log[p] == '\t';) {
    size_t eol = log.find('\n', p);
    std::string line = log.substr(p + 1, log.find('|', p) - p - 1);
    std::istringstream words(line);
    std::string word;
    words >> word;  // offset
    while (words >> word) out.push_back(char(std::stoi(word, nullptr, 16)));
    p = eol == std::string::npos ? log.size() : eol + 1;
  }
  return out;
}

// The command with --dry-run=client -o json, which prints the object kubectl would send.
std::string dry_run(const std::string& cmd) {
  size_t dashes = cmd.find(" -- ");
  if (dashes == std::string::npos) return cmd + " --dry-run=client -o json";
  return cmd.substr(0, dashes) + " --dry-run=client -o json" + cmd.substr(dashes);
}

TEST_P(KubectlProtobuf, CreatesAndReadsBack) {
  const Case& c = GetParam();
  for (const std::string& cmd : c.commands) {
    auto r = kubectl("-v=9 " + cmd);
    ASSERT_EQ(r.exit_code, 0) << "kubectl " << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find("Content-Type: application/vnd.kubernetes.protobuf"), std::string::npos)
        << "kubectl " << cmd << " did not send protobuf";
    EXPECT_EQ(r.err.find(" 415 "), std::string::npos) << r.err;
    // Differential: the decoded body equals the JSON kubectl writes for the same object.
    auto decoded = decode_kube_protobuf(logged_protobuf_body(r.err));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message << "\n" << r.err;
    auto want = kubectl(dry_run(cmd));
    ASSERT_EQ(want.exit_code, 0) << want.err;
    EXPECT_EQ(canonical(*decoded), canonical(want.out)) << "kubectl " << cmd;
  }
  for (const std::string& cmd : c.json_commands) {
    auto r = kubectl(cmd);
    ASSERT_EQ(r.exit_code, 0) << "kubectl " << cmd << "\n" << r.err;
  }
  for (const Target& t : c.targets) {
    auto got = kubectl("get " + t.get + " -o json");
    ASSERT_EQ(got.exit_code, 0) << got.err;
    auto obj = core::parse_json(got.out);
    ASSERT_TRUE(obj.ok()) << got.out;
    for (const Check& check : t.checks) {
      EXPECT_EQ(at(*obj, check.pointer), canonical(check.json)) << t.get << " " << check.pointer;
    }
  }
}

std::vector<Case> cases() {
  return {
      {"Namespace",
       {"create namespace pb-ns"},
       {{"namespace pb-ns", {{"/kind", R"("Namespace")"}, {"/metadata/name", R"("pb-ns")"}}}}},
      {"ConfigMap",
       {"create configmap pb-cm --from-literal=a=b --from-literal=c=d --from-file=blob=bin"},
       {{"configmap pb-cm",
         {{"/data", R"({"a":"b","c":"d"})"},
          {"/binaryData", R"({"blob":"AP/+"})"},
          {"/metadata/namespace", R"("default")"}}}}},
      {"SecretGeneric",
       {"create secret generic pb-secret --from-literal=password=hunter2 --type=Opaque"},
       {{"secret pb-secret",
         {{"/data", R"({"password":"aHVudGVyMg=="})"}, {"/type", R"("Opaque")"}}}}},
      {"SecretDockerRegistry",
       {"create secret docker-registry pb-reg --docker-server=r.example --docker-username=u "
        "--docker-password=p"},
       {{"secret pb-reg", {{"/type", R"("kubernetes.io/dockerconfigjson")"}}}}},
      {"ServiceAccount",
       {"create serviceaccount pb-sa"},
       {{"serviceaccount pb-sa", {{"/metadata/name", R"("pb-sa")"}}}}},
      {"DeploymentAndExpose",
       {"create deployment pb-deploy --image=nginx:1.27 --replicas=3 --port=80"},
       {{"deployment pb-deploy",
         {{"/spec/replicas", "3"},
          {"/spec/selector", R"({"matchLabels":{"app":"pb-deploy"}})"},
          {"/spec/template/metadata/labels", R"({"app":"pb-deploy"})"},
          {"/spec/template/spec/containers/0/name", R"("nginx")"},
          {"/spec/template/spec/containers/0/image", R"("nginx:1.27")"},
          {"/spec/template/spec/containers/0/ports", R"([{"containerPort":80}])"},
          {"/spec/template/spec/containers/0/resources", "{}"},
          {"/spec/strategy", "{}"}}},
        {"service pb-exposed",
         {{"/spec/selector", R"({"app":"pb-deploy"})"},
          {"/spec/ports/0/port", "8080"},
          {"/spec/ports/0/targetPort", "80"},
          {"/spec/ports/0/protocol", R"("TCP")"}}}},
       {"expose deployment pb-deploy --name=pb-exposed --port=8080 --target-port=80"}},
      {"ServiceClusterIP",
       {"create service clusterip pb-svc --tcp=80:8080,443:https"},
       {{"service pb-svc",
         {{"/spec/type", R"("ClusterIP")"},
          {"/spec/selector", R"({"app":"pb-svc"})"},
          {"/spec/ports/0", R"({"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080})"},
          {"/spec/ports/1/targetPort", R"("https")"}}}}},
      {"ServiceNodePort",
       {"create service nodeport pb-np --tcp=80:8080 --node-port=30080"},
       {{"service pb-np", {{"/spec/type", R"("NodePort")"}, {"/spec/ports/0/nodePort", "30080"}}}}},
      {"ServiceExternalName",
       {"create service externalname pb-ext --external-name=db.example.com"},
       {{"service pb-ext",
         {{"/spec/type", R"("ExternalName")"}, {"/spec/externalName", R"("db.example.com")"}}}}},
      {"Job",
       {"create job pb-job --image=busybox -- echo hi"},
       {{"job pb-job",
         {{"/spec/template/spec/containers/0/command", R"(["echo","hi"])"},
          {"/spec/template/spec/containers/0/image", R"("busybox")"},
          {"/spec/template/spec/restartPolicy", R"("Never")"}}}}},
      {"CronJobAndJobFromIt",
       {"create cronjob pb-cron --image=busybox '--schedule=*/5 * * * *' --restart=OnFailure -- "
        "date",
        "create job pb-manual --from=cronjob/pb-cron"},
       {{"cronjob pb-cron",
         {{"/spec/schedule", R"("*/5 * * * *")"},
          {"/spec/jobTemplate/spec/template/spec/containers/0/image", R"("busybox")"}}},
        {"job pb-manual",
         {{"/metadata/annotations/cronjob.kubernetes.io~1instantiate", R"("manual")"},
          {"/metadata/ownerReferences/0/kind", R"("CronJob")"},
          {"/metadata/ownerReferences/0/name", R"("pb-cron")"},
          {"/metadata/ownerReferences/0/controller", "true"},
          {"/spec/template/spec/containers/0/command", R"(["date"])"},
          {"/spec/template/spec/restartPolicy", R"("OnFailure")"}}}}},
      {"Role",
       {"create role pb-role --verb=get,list --resource=pods,configmaps --resource-name=one"},
       {{"role pb-role",
         {{"/rules",
           R"([{"verbs":["get","list"],"apiGroups":[""],"resources":["pods","configmaps"],)"
           R"("resourceNames":["one"]}])"}}}}},
      {"RoleBinding",
       {"create rolebinding pb-rb --role=pb-role --user=alice --serviceaccount=default:pb-sa"},
       {{"rolebinding pb-rb",
         {{"/roleRef",
           R"({"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pb-role"})"},
          {"/subjects/0",
           R"({"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"})"},
          {"/subjects/1", R"({"kind":"ServiceAccount","name":"pb-sa","namespace":"default"})"}}}}},
      {"ClusterRole",
       {"create clusterrole pb-cr --verb=get --resource=nodes --non-resource-url=/healthz"},
       {{"clusterrole pb-cr",
         {{"/rules/0", R"({"verbs":["get"],"apiGroups":[""],"resources":["nodes"]})"},
          {"/rules/1", R"({"verbs":["get"],"nonResourceURLs":["/healthz"]})"}}}}},
      {"ClusterRoleAggregated",
       {"create clusterrole pb-agg --aggregation-rule=rbac.example.com/aggregate-to-view=true"},
       {{"clusterrole pb-agg",
         {{"/aggregationRule",
           R"({"clusterRoleSelectors":[{"matchLabels":{"rbac.example.com/aggregate-to-view":"true"}}]})"}}}}},
      {"ClusterRoleBinding",
       {"create clusterrolebinding pb-crb --clusterrole=pb-cr --group=devs"},
       {{"clusterrolebinding pb-crb",
         {{"/roleRef/name", R"("pb-cr")"},
          {"/subjects",
           R"([{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"}])"}}}}},
      {"Quota",
       {"create quota pb-quota --hard=cpu=1,memory=1Gi,pods=10 --scopes=NotTerminating"},
       {{"resourcequota pb-quota",
         {{"/spec/hard", R"({"cpu":"1","memory":"1Gi","pods":"10"})"},
          {"/spec/scopes", R"(["NotTerminating"])"}}}}},
      {"PriorityClass",
       {"create priorityclass pb-pc --value=1000 --description=important "
        "--preemption-policy=Never"},
       {{"priorityclass pb-pc",
         {{"/value", "1000"},
          {"/description", R"("important")"},
          {"/preemptionPolicy", R"("Never")"}}}}},
      {"PodDisruptionBudget",
       {"create poddisruptionbudget pb-pdb --selector=app=web --min-available=50%",
        "create pdb pb-pdb2 --selector=app=web --max-unavailable=1"},
       {{"poddisruptionbudget pb-pdb",
         {{"/spec/minAvailable", R"("50%")"},
          {"/spec/selector", R"({"matchLabels":{"app":"web"}})"}}},
        {"poddisruptionbudget pb-pdb2", {{"/spec/maxUnavailable", "1"}}}}},
      {"Ingress",
       {"create ingress pb-ing --class=nginx '--rule=foo.example.com/bar*=svc:8080,tls=my-cert' "
        "--default-backend=defsvc:http --annotation=a=b"},
       {{"ingress pb-ing",
         {{"/spec/ingressClassName", R"("nginx")"},
          {"/spec/defaultBackend", R"({"service":{"name":"defsvc","port":{"name":"http"}}})"},
          {"/spec/rules/0/host", R"("foo.example.com")"},
          {"/spec/rules/0/http/paths/0",
           R"({"path":"/bar","pathType":"Prefix","backend":{"service":{"name":"svc","port":{"number":8080}}}})"},
          {"/spec/tls", R"([{"hosts":["foo.example.com"],"secretName":"my-cert"}])"},
          {"/metadata/annotations/a", R"("b")"}}}}},
      {"Run",
       {},
       {{"pod pb-pod",
         {{"/metadata/labels", R"({"app":"pb","tier":"web"})"},
          {"/spec/containers/0/args", R"(["sleep","10"])"},
          {"/spec/containers/0/env", R"([{"name":"A","value":"1"}])"},
          {"/spec/containers/0/ports", R"([{"containerPort":80}])"},
          {"/spec/containers/0/imagePullPolicy", R"("IfNotPresent")"},
          {"/spec/restartPolicy", R"("Never")"}}}},
       {"run pb-pod --image=nginx --labels=app=pb,tier=web --env=A=1 --port=80 --restart=Never "
        "--image-pull-policy=IfNotPresent -- sleep 10"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Kinds, KubectlProtobuf, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace oc::apiserver
