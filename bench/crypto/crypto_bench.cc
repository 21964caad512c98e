// Benchmarks for src/crypto, against the references in the same run (bench/RESULTS.md, "age and
// sops (issue 5)"):
//
//   1. `opencenter age` vs `age` (Debian 1.1.1): encrypt and decrypt 512 MiB and 1 GiB of random
//      data, binary and armored, input from the page cache, output to /dev/null. Wall time,
//      best of N runs, and the peak RSS of each process.
//   2. The physical limit: `openssl speed -evp chacha20-poly1305` at 16 KiB blocks on this
//      machine, and our binary decryption as a share of it.
//   3. sops: decrypting a YAML file with 10,000 encrypted values (in process, and the whole
//      `opencenter secrets decrypt` command).
//
//   build/release/bench/crypto/crypto_bench [--runs N] [--sizes 512,1024] [--dir /tmp]
//                                           [--oc PATH-TO-OPENCENTER] [--only age|sops]
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/age_keys.h"
#include "crypto/sops.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Timing {
  double seconds = 1e9;      // wall time, best run
  double cpu_seconds = 1e9;  // user + system time, best run (other load on the machine inflates
                             // wall time more than this)
  long max_rss_kb = 0;
  bool ok = true;
};

// Forks `runs` children that each call `child` (which execs), best wall and CPU time of one,
// and the largest peak RSS.
template <class Child>
Timing time_children(const std::string& what, int runs, Child child) {
  Timing best;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      child();
      _exit(127);
    }
    int status = 0;
    struct rusage ru {};
    wait4(pid, &status, 0, &ru);
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::cerr << "command failed: " << what << "\n";
      best.ok = false;
    }
    best.seconds = std::min(best.seconds, s);
    double cpu = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 1e-6 * double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    best.cpu_seconds = std::min(best.cpu_seconds, cpu);
    best.max_rss_kb = std::max(best.max_rss_kb, ru.ru_maxrss);
  }
  return best;
}

// Runs `cmd` with /bin/sh (for the large files, where the shell's millisecond is noise).
Timing time_command(const std::string& cmd, int runs) {
  return time_children(cmd, runs, [&] {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
  });
}

// Runs argv itself in `dir` with stdout on /dev/null: a command measured in milliseconds,
// without a shell's start and fork in the figure.
Timing time_process(const std::vector<std::string>& argv, const std::string& dir, int runs) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  return time_children(argv[0], runs, [&] {
    int null = open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, 1) < 0 || chdir(dir.c_str()) != 0) _exit(126);
    execv(args[0], args.data());
  });
}

std::string capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

std::string self_dir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string p(buf, n > 0 ? size_t(n) : 0);
  return p.substr(0, p.rfind('/'));
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double mbps(double bytes, double s) {
  return bytes / s / 1e6;
}

// ChaCha20-Poly1305 throughput of OpenSSL on this machine (16 KiB blocks), MB/s.
double openssl_limit() {
  std::string out =
      capture("openssl speed -seconds 3 -bytes 16384 -evp chacha20-poly1305 2>/dev/null");
  // Last line: "ChaCha20-Poly1305  4123456.78k"
  size_t p = out.rfind("ChaCha20-Poly1305");
  if (p == std::string::npos) return 0;
  std::istringstream in(out.substr(p + 17));
  std::string v;
  in >> v;
  if (!v.empty() && v.back() == 'k') v.pop_back();
  return std::atof(v.c_str()) * 1000 / 1e6;
}

// A sops YAML document with `n` values (10 per nested map), encrypted for `id`.
std::string sops_doc(size_t n, const oc::crypto::age::X25519Identity& id) {
  std::string plain;
  for (size_t i = 0; i < n / 10; ++i) {
    plain += "service" + std::to_string(i) + ":\n";
    for (int j = 0; j < 10; ++j) {
      plain += "    key" + std::to_string(j) + ": value-" + std::to_string(i * 10 + j) +
               "-0123456789abcdef\n";
    }
  }
  oc::crypto::sops::EncryptSpec spec;
  spec.recipients = {{id.recipient().to_string()}};
  auto enc =
      oc::crypto::sops::encrypt_document(plain, "bench.yaml", oc::crypto::sops::Format::kYaml,
                                         oc::crypto::sops::Format::kYaml, {}, spec);
  if (!enc.ok()) {
    std::cerr << enc.error().to_string() << "\n";
    std::exit(1);
  }
  return *enc;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  std::vector<size_t> sizes_mib = {512, 1024};
  std::string dir = "/tmp";
  std::string only;  // "age" or "sops": run one part
  std::string oc = self_dir() + "/../../opencenter";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--oc") oc = v;
    if (a == "--runs") runs = std::atoi(v.c_str());
    if (a == "--dir") dir = v;
    if (a == "--only") only = v;
    if (a == "--sizes") {
      sizes_mib.clear();
      std::stringstream ss(v);
      std::string s;
      while (std::getline(ss, s, ',')) sizes_mib.push_back(std::stoul(s));
    }
  }
  if (char* real = realpath(oc.c_str(), nullptr)) {
    oc = real;  // the sops command runs from another directory
    free(real);
  }
  if (access(oc.c_str(), X_OK) != 0 ||
      system("command -v age >/dev/null && command -v age-keygen >/dev/null") != 0) {
    std::cerr << "needs the opencenter binary (" << oc << ") and age/age-keygen on PATH\n";
    return 1;
  }
  std::string work = dir + "/oc-crypto-bench";
  system(("rm -rf " + work + " && mkdir -p " + work).c_str());
  std::string key = work + "/key.txt";
  system(("age-keygen -o " + key + " 2>/dev/null").c_str());
  std::string r = capture("age-keygen -y " + key);
  r.erase(r.find_last_not_of("\n") + 1);

  std::printf("cpus: %ld, load average: %s", sysconf(_SC_NPROCESSORS_ONLN),
              capture("cut -d' ' -f1-3 /proc/loadavg").c_str());
  if (only == "sops") sizes_mib.clear();
  std::printf("age: %s", capture("age --version").c_str());
  double limit = openssl_limit();
  std::printf("openssl speed -evp chacha20-poly1305 (16 KiB blocks): %.0f MB/s\n\n", limit);
  std::printf("%-24s %9s %9s %9s %9s %7s %10s %10s %9s %9s\n", "case", "size", "age s", "ours s",
              "age MB/s", "ratio", "ours MB/s", "ours RSS", "age CPU", "ours CPU");

  double best_binary_decrypt = 0;
  for (size_t mib : sizes_mib) {
    std::string in = work + "/in-" + std::to_string(mib);
    system(("head -c " + std::to_string(mib << 20) + " /dev/urandom > " + in).c_str());
    system(("cat " + in + " > /dev/null").c_str());  // into the page cache
    double bytes = double(mib << 20);
    for (bool armor : {false, true}) {
      std::string a = armor ? " -a" : "";
      std::string enc_file = in + (armor ? ".asc" : ".age");
      system(("age" + a + " -r " + r + " -o " + enc_file + " " + in).c_str());
      system(("cat " + enc_file + " > /dev/null").c_str());
      Timing age_e = time_command("age" + a + " -r " + r + " -o /dev/null " + in, runs);
      Timing our_e = time_command(oc + " age" + a + " -r " + r + " -o /dev/null " + in, runs);
      Timing age_d = time_command("age -d -i " + key + " -o /dev/null " + enc_file, runs);
      Timing our_d = time_command(oc + " age -d -i " + key + " -o /dev/null " + enc_file, runs);
      for (auto [name, t_age, t_ours] :
           {std::tuple{"encrypt", age_e, our_e}, std::tuple{"decrypt", age_d, our_d}}) {
        std::string label = std::string(name) + (armor ? " armored" : " binary");
        std::printf("%-24s %6zu MiB %9.3f %9.3f %9.0f %6.2fx %10.0f %7ld MB %8.2fs %8.2fs\n",
                    label.c_str(), mib, t_age.seconds, t_ours.seconds, mbps(bytes, t_age.seconds),
                    t_age.seconds / t_ours.seconds, mbps(bytes, t_ours.seconds),
                    t_ours.max_rss_kb / 1024, t_age.cpu_seconds, t_ours.cpu_seconds);
      }
      if (!armor) best_binary_decrypt = std::max(best_binary_decrypt, mbps(bytes, our_d.seconds));
    }
    std::remove(in.c_str());
    std::remove((in + ".age").c_str());
    std::remove((in + ".asc").c_str());
  }
  if (limit > 0) {
    std::printf(
        "\nbinary decryption, best size: %.0f MB/s = %.0f%% of the OpenSSL limit (target: >= "
        "70%%)\n",
        best_binary_decrypt, 100 * best_binary_decrypt / limit);
  }

  if (only == "age") return 0;

  // sops: 10,000 values.
  auto id = oc::crypto::age::X25519Identity::generate();
  std::string doc = sops_doc(10000, id);
  std::ofstream(work + "/sops.enc.yaml") << doc;
  std::ofstream(work + "/keys.txt") << id.to_string() << "\n";
  double best = 1e9, best_cpu = 1e9;
  for (int i = 0; i < std::max(runs, 5); ++i) {
    auto t0 = Clock::now();
    double c0 = thread_cpu_seconds();
    auto out =
        oc::crypto::sops::decrypt_document(doc, "bench.yaml", oc::crypto::sops::Format::kYaml,
                                           oc::crypto::sops::Format::kYaml, {}, {&id});
    best_cpu = std::min(best_cpu, thread_cpu_seconds() - c0);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
    if (!out.ok()) {
      std::cerr << out.error().to_string() << "\n";
      return 1;
    }
  }
  setenv("SOPS_AGE_KEY_FILE", (work + "/keys.txt").c_str(), 1);
  Timing cli = time_process({oc, "secrets", "decrypt", "sops.enc.yaml"}, work, std::max(runs, 5));
  std::printf(
      "\nsops YAML, 10000 encrypted values (%zu KiB), target <= 50 ms:\n"
      "  decrypt in process:           %.1f ms wall, %.1f ms CPU\n"
      "  `opencenter secrets decrypt`: %.1f ms wall, %.1f ms CPU (whole process)\n",
      doc.size() >> 10, best * 1000, best_cpu * 1000, cli.seconds * 1000, cli.cpu_seconds * 1000);
  std::printf("load average at the end: %s", capture("cut -d' ' -f1-3 /proc/loadavg").c_str());
  system(("rm -rf " + work).c_str());
  return 0;
}
