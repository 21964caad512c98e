// Document tree throughput against yaml-cpp (and, for JSON, simdjson and RapidJSON building the
// same tree), on the same ≥ 20 MB of Kubernetes manifests, in one run. Prints MB/s per
// benchmark, then the ratios and the heap each tree holds.
//
//   build/release/bench/doc_bench            (add --benchmark_filter=… to pick)
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <rapidjson/document.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>
#include <yaml.h>

#include <cstdio>
#include <map>
#include <string>

#include "bench/corpus.h"
#include "core/json.h"
#include "core/scalar.h"
#include "core/yaml.h"

namespace {

using oc::core::Node;

const std::string& corpus() {
  static const std::string text = oc::bench::make_k8s_corpus(size_t(24) << 20);
  return text;
}

const std::vector<Node>& parsed() {
  static const std::vector<Node> docs = *oc::core::parse_yaml_stream(corpus());
  return docs;
}

const std::string& json_corpus() {
  static const std::string text = [] {
    Node all = Node::sequence();
    for (const Node& d : parsed()) all.push_back(d);
    return *oc::core::write_json(all);
  }();
  return text;
}

void BM_Parse_Ours(benchmark::State& st) {
  for (auto _ : st) {
    auto docs = oc::core::parse_yaml_stream(corpus());
    if (!docs.ok()) st.SkipWithError(docs.error().to_string().c_str());
    benchmark::DoNotOptimize(docs);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(corpus().size()));
}

void BM_Parse_Ours_NoComments(benchmark::State& st) {
  oc::core::ParseOptions o;
  o.comments = false;
  for (auto _ : st) {
    auto docs = oc::core::parse_yaml_stream(corpus(), o);
    benchmark::DoNotOptimize(docs);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(corpus().size()));
}

void BM_Parse_YamlCpp(benchmark::State& st) {
  for (auto _ : st) {
    auto docs = YAML::LoadAll(corpus());
    benchmark::DoNotOptimize(docs);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(corpus().size()));
}

// libyaml's parser alone, building nothing: the floor under our reader.
void BM_Parse_LibyamlEventsOnly(benchmark::State& st) {
  for (auto _ : st) {
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, reinterpret_cast<const unsigned char*>(corpus().data()),
                                 corpus().size());
    yaml_event_t ev;
    size_t n = 0;
    for (;;) {
      if (!yaml_parser_parse(&p, &ev)) break;
      bool end = ev.type == YAML_STREAM_END_EVENT;
      yaml_event_delete(&ev);
      ++n;
      if (end) break;
    }
    yaml_parser_delete(&p);
    benchmark::DoNotOptimize(n);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(corpus().size()));
}

void BM_Write_Ours(benchmark::State& st) {
  const auto& docs = parsed();
  size_t bytes = 0;
  for (auto _ : st) {
    std::string out = oc::core::write_yaml_stream(docs);
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(bytes));
}

void BM_Write_Ours_Kustomize(benchmark::State& st) {
  const auto& docs = parsed();
  std::vector<Node> models;
  for (const auto& d : docs) models.push_back(*oc::core::to_json_model(d, oc::core::Schema::kYaml12));
  size_t bytes = 0;
  for (auto _ : st) {
    std::string out = oc::core::write_yaml_stream(models, oc::core::YamlStyle::kustomize());
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(bytes));
}

void BM_Write_YamlCpp(benchmark::State& st) {
  static const std::vector<YAML::Node> docs = YAML::LoadAll(corpus());
  size_t bytes = 0;
  for (auto _ : st) {
    YAML::Emitter out;
    for (const auto& d : docs) out << YAML::BeginDoc << d;
    bytes = out.size();
    benchmark::DoNotOptimize(out.c_str());
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(bytes));
}

void BM_ParseJson_Ours(benchmark::State& st) {
  for (auto _ : st) {
    auto doc = oc::core::parse_json(json_corpus());
    benchmark::DoNotOptimize(doc);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(json_corpus().size()));
}

Node from_simdjson(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      Node m = Node::mapping();
      for (auto [k, v] : e.get_object()) {
        m.entries().push_back({Node::string(std::string(k)), from_simdjson(v)});
      }
      return m;
    }
    case simdjson::dom::element_type::ARRAY: {
      Node s = Node::sequence();
      for (auto v : e.get_array()) s.push_back(from_simdjson(v));
      return s;
    }
    case simdjson::dom::element_type::STRING:
      return Node::string(std::string(e.get_string().value()));
    case simdjson::dom::element_type::INT64:
      return Node::integer(e.get_int64().value());
    case simdjson::dom::element_type::UINT64:
      return Node::scalar(std::to_string(e.get_uint64().value()), oc::core::ScalarType::kInt);
    case simdjson::dom::element_type::DOUBLE:
      return Node::number(e.get_double().value());
    case simdjson::dom::element_type::BOOL:
      return Node::boolean(e.get_bool().value());
    default:
      return Node::null();
  }
}

void BM_ParseJson_SimdjsonToTree(benchmark::State& st) {
  simdjson::dom::parser parser;
  for (auto _ : st) {
    simdjson::dom::element root = parser.parse(json_corpus());
    Node n = from_simdjson(root);
    benchmark::DoNotOptimize(n);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(json_corpus().size()));
}

Node from_rapidjson(const rapidjson::Value& v) {
  if (v.IsObject()) {
    Node m = Node::mapping();
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      m.entries().push_back({Node::string(std::string(it->name.GetString(), it->name.GetStringLength())),
                             from_rapidjson(it->value)});
    }
    return m;
  }
  if (v.IsArray()) {
    Node s = Node::sequence();
    for (const auto& i : v.GetArray()) s.push_back(from_rapidjson(i));
    return s;
  }
  if (v.IsString()) return Node::string(std::string(v.GetString(), v.GetStringLength()));
  if (v.IsInt64()) return Node::integer(v.GetInt64());
  if (v.IsNumber()) return Node::number(v.GetDouble());
  if (v.IsBool()) return Node::boolean(v.GetBool());
  return Node::null();
}

void BM_ParseJson_RapidjsonToTree(benchmark::State& st) {
  for (auto _ : st) {
    rapidjson::Document d;
    d.Parse(json_corpus().data(), json_corpus().size());
    Node n = from_rapidjson(d);
    benchmark::DoNotOptimize(n);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(json_corpus().size()));
}

void BM_WriteJson_Ours(benchmark::State& st) {
  auto doc = *oc::core::parse_json(json_corpus());
  size_t bytes = 0;
  for (auto _ : st) {
    auto out = oc::core::write_json(doc);
    bytes = out->size();
    benchmark::DoNotOptimize(out);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(bytes));
}

BENCHMARK(BM_Parse_Ours)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_Parse_Ours_NoComments)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_Parse_LibyamlEventsOnly)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_Parse_YamlCpp)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Write_Ours)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_Write_Ours_Kustomize)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_Write_YamlCpp)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ParseJson_Ours)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_ParseJson_SimdjsonToTree)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_ParseJson_RapidjsonToTree)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_WriteJson_Ours)->Unit(benchmark::kMillisecond)->MinTime(3);

// Console output plus a closing table of ratios.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      auto it = r.counters.find("bytes_per_second");
      if (it != r.counters.end()) mbps_[r.benchmark_name()] = it->second.value / 1e6;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    auto ratio = [&](const char* a, const char* b) {
      if (!mbps_.count(a) || !mbps_.count(b)) return;
      std::printf("  %-32s %8.1f MB/s  vs  %-30s %8.1f MB/s  = %5.2fx\n", a, mbps_[a], b,
                  mbps_[b], mbps_[a] / mbps_[b]);
    };
    std::printf("\nratios (same input, same run; corpus %.1f MB YAML, %.1f MB JSON):\n",
                corpus().size() / 1e6, json_corpus().size() / 1e6);
    ratio("BM_Parse_Ours/min_time:3.000", "BM_Parse_YamlCpp/iterations:3");
    ratio("BM_Parse_Ours_NoComments/min_time:3.000", "BM_Parse_YamlCpp/iterations:3");
    ratio("BM_Parse_Ours/min_time:3.000", "BM_Parse_LibyamlEventsOnly/min_time:3.000");
    ratio("BM_Write_Ours/min_time:3.000", "BM_Write_YamlCpp/iterations:3");
    ratio("BM_Write_Ours_Kustomize/min_time:3.000", "BM_Write_YamlCpp/iterations:3");
    ratio("BM_ParseJson_Ours/min_time:3.000", "BM_ParseJson_SimdjsonToTree/min_time:3.000");
    ratio("BM_ParseJson_Ours/min_time:3.000", "BM_ParseJson_RapidjsonToTree/min_time:3.000");
  }

 private:
  std::map<std::string, double> mbps_;
};

size_t heap_in_use() { return mallinfo2().uordblks; }

void report_memory() {
  const std::string& text = corpus();
  size_t before = heap_in_use();
  {
    auto docs = oc::core::parse_yaml_stream(text);
    size_t ours = heap_in_use() - before;
    size_t before_cpp = heap_in_use();
    auto cpp = YAML::LoadAll(text);
    size_t theirs = heap_in_use() - before_cpp;
    std::printf("\nheap held by the parsed tree (%.1f MB input): ours %.1f MB, yaml-cpp %.1f MB "
                "(%.2fx less)\n",
                text.size() / 1e6, ours / 1e6, theirs / 1e6, double(theirs) / double(ours));
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  (void)corpus();
  (void)parsed();
  (void)json_corpus();
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  report_memory();
  benchmark::Shutdown();
  return 0;
}
