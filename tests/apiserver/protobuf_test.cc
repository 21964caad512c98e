// The Kubernetes protobuf body decoder on hand-built messages: each case writes the bytes the
// way Go's generated marshallers do and compares the decoded tree with the JSON encoding/json
// writes for the same Go object.
#include "apiserver/protobuf.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "apiserver/api.h"
#include "core/json.h"
#include "support/process.h"

namespace oc::apiserver {
namespace {

// A minimal protobuf writer for the tests.
std::string varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(char(v | 0x80));
    v >>= 7;
  }
  out.push_back(char(v));
  return out;
}
std::string tag(int number, int wire) {
  return varint(uint64_t(number) << 3 | unsigned(wire));
}
std::string num(int number, int64_t v) {
  return tag(number, 0) + varint(uint64_t(v));
}
std::string bytes(int number, const std::string& b) {
  return tag(number, 2) + varint(b.size()) + b;
}
std::string entry(int number, const std::string& k, const std::string& v) {
  return bytes(number, bytes(1, k) + bytes(2, v));
}

std::string envelope(const std::string& api_version, const std::string& kind,
                     const std::string& raw) {
  return std::string("k8s\0", 4) + bytes(1, bytes(1, api_version) + bytes(2, kind)) +
         bytes(2, raw) + bytes(3, "") + bytes(4, "");
}

// ObjectMeta as gogo writes it: every non-pointer field, creationTimestamp as an empty message.
std::string meta(const std::string& name, const std::string& ns = "") {
  return bytes(1, name) + bytes(2, "") + bytes(3, ns) + bytes(4, "") + bytes(5, "") + bytes(6, "") +
         num(7, 0) + bytes(8, "");
}

std::string decode_json(const std::string& body) {
  auto r = decode_kube_protobuf(body);
  if (!r.ok()) return "error " + std::to_string(r.error().code) + ": " + r.error().message;
  return *core::write_json(*r);
}

TEST(KubeProtobuf, RecognisesTheMediaType) {
  EXPECT_TRUE(is_kube_protobuf("application/vnd.kubernetes.protobuf"));
  EXPECT_TRUE(is_kube_protobuf("Application/VND.Kubernetes.Protobuf; charset=binary"));
  EXPECT_FALSE(is_kube_protobuf("application/vnd.kubernetes.protobuf+json"));
  EXPECT_FALSE(is_kube_protobuf("application/json"));
  EXPECT_FALSE(is_kube_protobuf("application/com.github.proto-openapi.spec.v2.v1.0+protobuf"));
}

TEST(KubeProtobuf, ConfigMap_WritesGoFieldOrderSortedMapsAndBase64) {
  std::string cm = bytes(1, meta("x", "default")) + entry(2, "b", "2") + entry(2, "a", "1") +
                   entry(3, "bin", std::string("\x00\xff", 2)) + num(4, 0);
  EXPECT_EQ(decode_json(envelope("v1", "ConfigMap", cm)),
            R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","namespace":"default",)"
            R"("creationTimestamp":null},"immutable":false,"data":{"a":"1","b":"2"},)"
            R"("binaryData":{"bin":"AP8="}})");
}

TEST(KubeProtobuf, Map_RepeatedKeyKeepsTheLastValue) {
  std::string cm =
      bytes(1, meta("x")) + entry(2, "k", "first") + entry(2, "a", "") + entry(2, "k", "second");
  EXPECT_EQ(
      decode_json(envelope("v1", "ConfigMap", cm)),
      R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null},)"
      R"("data":{"a":"","k":"second"}})");
}

TEST(KubeProtobuf, Namespace_AbsentStructsAreWrittenAsEmptyObjects) {
  EXPECT_EQ(
      decode_json(envelope("v1", "Namespace", bytes(1, meta("team")))),
      R"({"kind":"Namespace","apiVersion":"v1","metadata":{"name":"team","creationTimestamp":null},)"
      R"("spec":{},"status":{}})");
}

TEST(KubeProtobuf, Time_SecondsAsRfc3339AndZeroAsNull) {
  std::string m = bytes(1, "x") + bytes(8, num(1, 1700000000) + num(2, 5)) + bytes(9, "");
  EXPECT_EQ(decode_json(envelope("v1", "ServiceAccount", bytes(1, m))),
            R"({"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"x",)"
            R"("creationTimestamp":"2023-11-14T22:13:20Z","deletionTimestamp":null}})");
  // time.Time{} written explicitly is still the zero time.
  std::string zero = bytes(1, "x") + bytes(8, num(1, -62135596800));
  EXPECT_EQ(
      decode_json(envelope("v1", "ServiceAccount", bytes(1, zero))),
      R"({"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null}})");
  std::string before_epoch = bytes(1, "x") + bytes(8, num(1, -1));
  EXPECT_EQ(decode_json(envelope("v1", "ServiceAccount", bytes(1, before_epoch))),
            R"({"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"x",)"
            R"("creationTimestamp":"1969-12-31T23:59:59Z"}})");
  std::string too_late = bytes(1, "x") + bytes(8, num(1, 253402300800));
  EXPECT_NE(decode_json(envelope("v1", "ServiceAccount", bytes(1, too_late))).find("error 400"),
            std::string::npos);
}

TEST(KubeProtobuf, MicroTime_KeepsMicroseconds) {
  std::string ev = bytes(1, meta("e")) + bytes(2, "") + bytes(10, num(1, 0) + num(2, 123456789)) +
                   bytes(14, "kubelet") + bytes(15, "");
  EXPECT_EQ(decode_json(envelope("v1", "Event", ev)),
            R"({"kind":"Event","apiVersion":"v1","metadata":{"name":"e","creationTimestamp":null},)"
            R"("involvedObject":{},"source":{},"firstTimestamp":null,"lastTimestamp":null,)"
            R"("eventTime":"1970-01-01T00:00:00.123456Z","reportingComponent":"kubelet",)"
            R"("reportingInstance":""})");
}

TEST(KubeProtobuf, Service_IntOrStringNegativeInt32AndNonOmitemptyZero) {
  // port -1 the way Go writes a negative int32: sign-extended to ten bytes.
  std::string port1 = bytes(1, "a") + bytes(2, "TCP") + num(3, -1) +
                      bytes(4, num(1, 0) + num(2, 8080) + bytes(3, "")) + num(5, 0);
  std::string port2 = bytes(1, "b") + bytes(2, "TCP") + num(3, 0) +
                      bytes(4, num(1, 1) + num(2, 0) + bytes(3, "http")) + num(5, 0);
  std::string spec =
      bytes(1, port1) + bytes(1, port2) + entry(2, "app", "web") + bytes(4, "ClusterIP");
  EXPECT_EQ(
      decode_json(envelope("v1", "Service", bytes(1, meta("web")) + bytes(2, spec) + bytes(3, ""))),
      R"({"kind":"Service","apiVersion":"v1","metadata":{"name":"web","creationTimestamp":null},)"
      R"("spec":{"ports":[{"name":"a","protocol":"TCP","port":-1,"targetPort":8080},)"
      R"({"name":"b","protocol":"TCP","port":0,"targetPort":"http"}],"selector":{"app":"web"},)"
      R"("type":"ClusterIP"},"status":{"loadBalancer":{}}})");
}

TEST(KubeProtobuf, Deployment_PointersKeepZeroAndQuantitiesPassThrough) {
  std::string container =
      bytes(1, "app") + bytes(2, "nginx") + bytes(6, num(3, 80)) +
      bytes(8, entry(1, "cpu", bytes(1, "500m")) + entry(1, "memory", bytes(1, "64Mi"))) +
      num(16, 0);
  std::string pod_spec =
      bytes(2, container) + bytes(14, bytes(4, varint(1000) + varint(2000)) + num(4, 3000));
  std::string tmpl = bytes(1, meta("") + entry(11, "app", "web")) + bytes(2, pod_spec);
  std::string strategy =
      bytes(1, "RollingUpdate") +
      bytes(2, bytes(1, num(1, 1) + bytes(3, "25%")) + bytes(2, num(1, 0) + num(2, 1)));
  std::string spec = num(1, 0) + bytes(2, entry(1, "app", "web")) + bytes(3, tmpl) +
                     bytes(4, strategy) + num(5, 0) + num(7, 0);
  std::string got =
      decode_json(envelope("apps/v1", "Deployment", bytes(1, meta("web")) + bytes(2, spec)));
  EXPECT_EQ(
      got,
      R"({"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","creationTimestamp":null},)"
      R"("spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":)"
      R"({"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"app",)"
      R"("image":"nginx","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"500m",)"
      R"("memory":"64Mi"}}}],"securityContext":{"supplementalGroups":[1000,2000,3000]}}},)"
      R"("strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":1}}},)"
      R"("status":{}})");
}

TEST(KubeProtobuf, Secret_BytesMapAsBase64) {
  std::string s = bytes(1, meta("s")) + entry(2, "password", "hunter2") + bytes(3, "Opaque");
  EXPECT_EQ(
      decode_json(envelope("v1", "Secret", s)),
      R"({"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","creationTimestamp":null},)"
      R"("data":{"password":"aHVudGVyMg=="},"type":"Opaque"})");
}

TEST(KubeProtobuf, RawExtension_EmbeddedJson) {
  std::string cr = bytes(1, meta("r")) + bytes(2, bytes(1, R"({"a":[1,2]})")) + num(3, 4);
  EXPECT_EQ(decode_json(envelope("apps/v1", "ControllerRevision", cr)),
            R"({"kind":"ControllerRevision","apiVersion":"apps/v1","metadata":{"name":"r",)"
            R"("creationTimestamp":null},"data":{"a":[1,2]},"revision":4})");
  std::string not_json = bytes(1, meta("r")) + bytes(2, bytes(1, "k8s\x00"));
  EXPECT_NE(decode_json(envelope("apps/v1", "ControllerRevision", not_json)).find("error 415"),
            std::string::npos);
}

TEST(KubeProtobuf, InvalidUtf8BecomesReplacementCharacters) {
  std::string cm = bytes(1, meta("x")) + entry(2, "k", "a\xff\xfe");
  EXPECT_EQ(decode_json(envelope("v1", "ConfigMap", cm)),
            "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\","
            "\"creationTimestamp\":"
            "null},\"data\":{\"k\":\"a\xef\xbf\xbd\xef\xbf\xbd\"}}");
}

TEST(KubeProtobuf, UnknownField_RefusedWith415NamingFieldAndPath) {
  std::string container = bytes(1, "app") + bytes(99, "future");
  std::string spec = bytes(3, bytes(2, bytes(2, container)));
  std::string got =
      decode_json(envelope("apps/v1", "Deployment", bytes(1, meta("web")) + bytes(2, spec)));
  EXPECT_EQ(
      got,
      "error 415: protobuf field 99 of k8s.io.api.core.v1.Container at "
      ".spec.template.spec.containers[0] "
      "is not known to this server (it reads the schema of Kubernetes 1.32); send the object as "
      "application/json");
}

TEST(KubeProtobuf, UnknownKindOrEnvelope_RefusedWith415) {
  EXPECT_EQ(decode_json(envelope("example.com/v1", "Widget", "")),
            "error 415: this server decodes protobuf bodies only for the kinds kubectl's "
            "generators create; "
            "send example.com/v1 Widget as application/json");
  std::string gzip =
      std::string("k8s\0", 4) + bytes(1, bytes(1, "v1") + bytes(2, "ConfigMap")) + bytes(3, "gzip");
  EXPECT_NE(decode_json(gzip).find("error 415"), std::string::npos);
  std::string extra = envelope("v1", "ConfigMap", "") + bytes(7, "");
  EXPECT_NE(decode_json(extra).find("error 415: protobuf field 7 of the runtime.Unknown"),
            std::string::npos);
}

TEST(KubeProtobuf, MalformedInput_RefusedWith400) {
  EXPECT_NE(decode_json("{\"kind\":\"ConfigMap\"}").find("error 400"), std::string::npos);
  std::string cm = bytes(1, meta("x")) + entry(2, "k", "v");
  std::string body = envelope("v1", "ConfigMap", cm);
  // Every truncation of the object's bytes is refused, never half-decoded.
  for (size_t cut = 1; cut < cm.size(); ++cut) {
    std::string raw = cm.substr(0, cut);
    std::string b =
        std::string("k8s\0", 4) + bytes(1, bytes(1, "v1") + bytes(2, "ConfigMap")) + bytes(2, raw);
    auto r = decode_kube_protobuf(b);
    if (r.ok()) continue;  // some prefixes are whole messages
    EXPECT_EQ(r.error().code, 400) << cut << ": " << r.error().message;
  }
  // A length running past the buffer, a wrong wire type, an impossible IntOrString, a bad quantity.
  EXPECT_NE(decode_json(std::string("k8s\0", 4) + tag(2, 2) + varint(1000) + "x").find("error 400"),
            std::string::npos);
  EXPECT_NE(decode_json(envelope("v1", "ConfigMap", num(1, 5))).find("error 400"),
            std::string::npos);
  std::string bad_ios = bytes(1, bytes(1, "a") + bytes(4, num(1, 7)));
  EXPECT_NE(decode_json(envelope("v1", "Service", bytes(1, meta("s")) + bytes(2, bad_ios)))
                .find("error 400"),
            std::string::npos);
  std::string bad_q = bytes(2, entry(1, "cpu", bytes(1, "lots")));
  EXPECT_NE(
      decode_json(envelope("v1", "ResourceQuota", bytes(1, meta("q")) + bad_q)).find("error 400"),
      std::string::npos);
  // A varint of eleven bytes.
  EXPECT_NE(decode_json(envelope("v1", "ConfigMap", tag(4, 0) + std::string(10, '\xff') + "\x01"))
                .find("error 400"),
            std::string::npos);
}

TEST(KubeProtobuf, Expansion_IsBounded) {
  // Each 2-byte empty Container expands to {"name":"","resources":{}}; a body of many is refused
  // rather than allowed to grow without limit.
  std::string containers;
  for (int i = 0; i < 200000; ++i) containers += bytes(2, "");
  std::string spec = bytes(3, bytes(2, containers));
  auto r = decode_kube_protobuf(
      envelope("apps/v1", "Deployment", bytes(1, meta("web")) + bytes(2, spec)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400);
  EXPECT_NE(r.error().message.find("too large"), std::string::npos);
}

// Through Api::handle: POST and PUT take protobuf bodies; refusals are Status objects.
TEST(KubeProtobufApi, CreateAndUpdateWithProtobufBodies) {
  test::TempDir dir;
  auto store = Store::open(dir.file("state.db"));
  ASSERT_TRUE(store.ok());
  Registry registry;
  Api api(**store, registry);
  auto call = [&](const std::string& method, const std::string& path, const std::string& body) {
    Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.content_type = "application/vnd.kubernetes.protobuf";
    r.accept = "application/vnd.kubernetes.protobuf,application/json";
    return api.handle(r);
  };
  ASSERT_EQ(
      call("POST", "/api/v1/namespaces", envelope("v1", "Namespace", bytes(1, meta("pb")))).status,
      201);
  Response created = call("POST", "/api/v1/namespaces/pb/configmaps",
                          envelope("v1", "ConfigMap", bytes(1, meta("x")) + entry(2, "k", "v")));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.content_type, "application/json");
  auto obj = core::parse_json(created.body);
  ASSERT_TRUE(obj.ok());
  std::string rv = (*obj)["metadata"]["resourceVersion"].text();
  std::string update =
      bytes(1, bytes(1, "x") + bytes(3, "pb") + bytes(6, rv)) + entry(2, "k", "changed");
  Response updated =
      call("PUT", "/api/v1/namespaces/pb/configmaps/x", envelope("v1", "ConfigMap", update));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_NE(updated.body.find(R"("data":{"k":"changed"})"), std::string::npos) << updated.body;

  Response unknown = call("POST", "/api/v1/namespaces/pb/configmaps",
                          envelope("v1", "ConfigMap", bytes(1, meta("y")) + bytes(42, "")));
  EXPECT_EQ(unknown.status, 415);
  EXPECT_NE(unknown.body.find(R"("reason":"UnsupportedMediaType")"), std::string::npos)
      << unknown.body;
  EXPECT_NE(unknown.body.find("protobuf field 42 of k8s.io.api.core.v1.ConfigMap"),
            std::string::npos);
  Response missing = call("GET", "/api/v1/namespaces/pb/configmaps/y", "");
  EXPECT_EQ(missing.status, 404);  // nothing half-decoded was stored
}

}  // namespace
}  // namespace oc::apiserver
