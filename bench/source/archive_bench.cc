// Artifact throughput (src/source): archive a generated tree of 2,000 Kubernetes YAML files the
// way the source controller does (ignore rules + Storage::archive: walk, Go-format tar, gzip,
// sha256, atomic rename) and extract it again, against GNU `tar -czf` / `tar -xzf` of the same
// tree in the same run. Prints the ratios at the end (> 1: opencenter is faster).
//
//   build/release/bench/source/archive_bench      (add --benchmark_filter=… to pick)
//
// Not like for like in two ways, both against us: tar runs as a child process (a few ms of
// fork/exec), and `tar -xzf` writes files to disk while extract() fills memory — so the
// extract row also shows `tar -xzf` into /dev/shm when it exists, and `tar -tzf`
// (decompress + parse only).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "source/artifact.h"

namespace {

namespace fs = std::filesystem;
using oc::source::IgnoreRules;
using oc::source::Storage;

struct Fixture {
  std::string base;      // scratch root
  std::string tree;      // the source tree
  std::string store;     // artifact storage
  std::string tar_out;   // tar -czf output
  std::string artifact;  // our archive of the tree, for the extract benchmarks
  std::string artifact_bytes;
  std::string url, digest;
  size_t tree_bytes = 0;
  size_t files = 0;
  oc::source::ArtifactServer server;

  Fixture() {
    char tmpl[] = "/tmp/oc-archive-bench-XXXXXX";
    base = ::mkdtemp(tmpl);
    tree = base + "/tree";
    store = base + "/store";
    tar_out = base + "/tar.tar.gz";
    make_tree();
    Storage s(store, "http://127.0.0.1");
    auto a =
        s.archive("GitRepository", "bench", "tree", "x.tar.gz", tree, IgnoreRules::none(), "r");
    if (!a.ok()) {
      std::fprintf(stderr, "archive failed: %s\n", a.error().to_string().c_str());
      std::exit(1);
    }
    artifact = s.local_path(*a);
    std::ifstream in(artifact, std::ios::binary);
    artifact_bytes.assign(std::istreambuf_iterator<char>(in), {});
    auto url_base = server.start(store, "127.0.0.1:0");
    if (!url_base.ok()) std::exit(1);
    url = *url_base + "/" + a->path;
    digest = a->digest;
  }
  ~Fixture() {
    server.stop();
    std::error_code ec;
    fs::remove_all(base, ec);
  }

  // 2,000 manifests in 200 directories (apps/<team>/<app>/…), 0.5–4 KB each.
  void make_tree() {
    std::mt19937 rng(7);
    for (int d = 0; d < 200; ++d) {
      std::string dir = tree + "/apps/team" + std::to_string(d % 20) + "/app" + std::to_string(d);
      fs::create_directories(dir);
      for (int f = 0; f < 10; ++f) {
        std::string name = dir + "/" +
                           (f == 0 ? std::string("kustomization") : "res" + std::to_string(f)) +
                           ".yaml";
        std::string y = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app" +
                        std::to_string(d) + "-" + std::to_string(f) + "\n  namespace: team" +
                        std::to_string(d % 20) + "\n  labels:\n    app.kubernetes.io/name: app" +
                        std::to_string(d) +
                        "\nspec:\n  replicas: " + std::to_string(1 + rng() % 5) +
                        "\n  template:\n    spec:\n      containers:\n";
        int containers = 1 + int(rng() % 8);
        for (int c = 0; c < containers; ++c) {
          y += "      - name: c" + std::to_string(c) +
               "\n        image: registry.example.com/team/app:" + std::to_string(rng() % 1000) +
               "\n        env:\n        - name: KEY_" + std::to_string(rng()) +
               "\n          value: \"" + std::to_string(rng()) +
               "\"\n        resources:\n          limits: {cpu: 500m, memory: 256Mi}\n";
        }
        std::ofstream(name) << y;
        tree_bytes += y.size();
        ++files;
      }
    }
  }
};

Fixture& fx() {
  static Fixture f;
  return f;
}

// CPU time (user + system) of this process, all its threads, and its finished children: what
// an archive costs the machine, whatever else is running on it.
double cpu_ms() {
  struct rusage self, children;
  ::getrusage(RUSAGE_SELF, &self);
  ::getrusage(RUSAGE_CHILDREN, &children);
  auto ms = [](const struct timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(self.ru_utime) + ms(self.ru_stime) + ms(children.ru_utime) + ms(children.ru_stime);
}

// Wraps a benchmark loop to report the CPU per iteration as the "cpu_ms" counter.
class CpuMeter {
 public:
  explicit CpuMeter(benchmark::State& st) : st_(st), start_(cpu_ms()) {}
  ~CpuMeter() {
    if (st_.iterations() > 0) st_.counters["cpu_ms"] = (cpu_ms() - start_) / double(st_.iterations());
  }

 private:
  benchmark::State& st_;
  double start_;
};

void run(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "failed: %s\n", cmd.c_str());
    std::exit(1);
  }
}

void BM_Archive_Ours(benchmark::State& st) {
  CpuMeter meter(st);
  Storage s(fx().store, "http://127.0.0.1");
  for (auto _ : st) {
    auto rules = IgnoreRules::load(fx().tree, std::nullopt);
    auto a = s.archive("GitRepository", "bench", "ours", "x.tar.gz", fx().tree, *rules, "r");
    if (!a.ok()) st.SkipWithError(a.error().to_string().c_str());
    benchmark::DoNotOptimize(a);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(fx().tree_bytes));
}

// The parts of BM_Archive_Ours: loading the ignore rules (a walk for .sourceignore files) and
// the archive alone.
void BM_LoadIgnoreRules(benchmark::State& st) {
  CpuMeter meter(st);
  for (auto _ : st) benchmark::DoNotOptimize(IgnoreRules::load(fx().tree, std::nullopt));
}

void BM_ArchiveOnly_Ours(benchmark::State& st) {
  CpuMeter meter(st);
  Storage s(fx().store, "http://127.0.0.1");
  IgnoreRules rules = IgnoreRules::none();
  for (auto _ : st) {
    auto a = s.archive("GitRepository", "bench", "ours", "x.tar.gz", fx().tree, rules, "r");
    benchmark::DoNotOptimize(a);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(fx().tree_bytes));
}

void BM_Archive_TarCzf(benchmark::State& st) {
  CpuMeter meter(st);
  for (auto _ : st) run("tar -czf '" + fx().tar_out + "' -C '" + fx().tree + "' .");
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(fx().tree_bytes));
}

void BM_Extract_Ours(benchmark::State& st) {
  CpuMeter meter(st);
  for (auto _ : st) {
    auto files = oc::source::extract(fx().artifact_bytes);
    if (!files.ok() || files->size() != fx().files) st.SkipWithError("extract failed");
    benchmark::DoNotOptimize(files);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(fx().tree_bytes));
}

void BM_Extract_TarXzf(benchmark::State& st) {
  CpuMeter meter(st);
  std::string out = fx().base + "/xzf";
  for (auto _ : st) {
    run("rm -rf '" + out + "' && mkdir '" + out + "' && tar -xzf '" + fx().artifact + "' -C '" +
        out + "'");
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(fx().tree_bytes));
}

void BM_Extract_TarXzfShm(benchmark::State& st) {
  CpuMeter meter(st);
  if (!fs::exists("/dev/shm")) {
    st.SkipWithError("no /dev/shm");
    return;
  }
  std::string out = "/dev/shm/oc-archive-bench-" + std::to_string(::getpid());
  for (auto _ : st) {
    run("rm -rf '" + out + "' && mkdir '" + out + "' && tar -xzf '" + fx().artifact + "' -C '" +
        out + "'");
  }
  run("rm -rf '" + out + "'");
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(fx().tree_bytes));
}

void BM_List_TarTzf(benchmark::State& st) {
  CpuMeter meter(st);
  for (auto _ : st) run("tar -tzf '" + fx().artifact + "' >/dev/null");
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(fx().tree_bytes));
}

void BM_Fetch_Ours(benchmark::State& st) {
  CpuMeter meter(st);
  oc::source::FetchLimits l;
  for (auto _ : st) {
    auto files = oc::source::fetch(fx().url, fx().digest, l);
    if (!files.ok()) st.SkipWithError(files.error().to_string().c_str());
    benchmark::DoNotOptimize(files);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(fx().tree_bytes));
}

BENCHMARK(BM_Archive_Ours)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_LoadIgnoreRules)->Unit(benchmark::kMillisecond)->MinTime(1);
BENCHMARK(BM_ArchiveOnly_Ours)->Unit(benchmark::kMillisecond)->MinTime(1);
BENCHMARK(BM_Archive_TarCzf)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_Extract_Ours)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_Extract_TarXzf)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_Extract_TarXzfShm)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_List_TarTzf)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_Fetch_Ours)->Unit(benchmark::kMillisecond)->MinTime(2);

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.error_occurred) continue;
      ms_[r.run_name.function_name] = r.GetAdjustedRealTime();
      auto it = r.counters.find("cpu_ms");
      if (it != r.counters.end()) cpu_[r.run_name.function_name] = it->second.value;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    auto ratio = [&](const char* a, const char* b) {
      if (!ms_.count(a) || !ms_.count(b)) return;
      std::printf("  %-20s %8.2f ms wall %7.2f ms cpu  vs  %-20s %8.2f ms wall %7.2f ms cpu"
                  "  = %5.2fx wall, %5.2fx cpu\n",
                  a, ms_[a], cpu_[a], b, ms_[b], cpu_[b], ms_[b] / ms_[a], cpu_[b] / cpu_[a]);
    };
    std::printf(
        "\nratios (per run, same tree, same run; > 1 means opencenter is faster; cpu is user+sys of\n"
        "this process, its threads and its tar/gzip children):\n");
    std::printf("  tree: %zu files, %.2f MB; artifact %.2f MB\n", fx().files, fx().tree_bytes / 1e6,
                fx().artifact_bytes.size() / 1e6);
    ratio("BM_Archive_Ours", "BM_Archive_TarCzf");
    ratio("BM_ArchiveOnly_Ours", "BM_Archive_TarCzf");
    ratio("BM_Extract_Ours", "BM_Extract_TarXzf");
    ratio("BM_Extract_Ours", "BM_Extract_TarXzfShm");
    ratio("BM_Extract_Ours", "BM_List_TarTzf");
    ratio("BM_Fetch_Ours", "BM_Extract_TarXzf");
  }

 private:
  std::map<std::string, double> ms_, cpu_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  (void)fx();
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
