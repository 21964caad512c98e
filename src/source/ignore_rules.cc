// IgnoreRules: Flux's .sourceignore loading and default exclusions (fluxcd/pkg
// sourceignore/sourceignore.go, artifact/storage/archive.go SourceIgnoreFilter).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "core/file.h"
#include "source/artifact.h"

namespace oc::source {

namespace {

using gitignore::Pattern;

// sourceignore.go's ExcludeVCS, ExcludeExt, ExcludeCI and ExcludeExtra.
// clang-format off
constexpr std::string_view kExcludeVcs[] = {".git/", ".gitignore", ".gitmodules", ".gitattributes"};
constexpr std::string_view kExcludeDefault[] = {
    "*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv", "*.tar.gz", "*.zip",
    ".github/", ".circleci/", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".drone.yml",
    "cloudbuild.yaml", "codeship-services.yml", "codeship-steps.yml",
    "**/.goreleaser.yml", "**/.sops.yaml", "**/.flux.yaml"};
// clang-format on

constexpr const char* kIgnoreFile = ".sourceignore";

core::Error sys_error(const std::string& path, const char* what) {
  return core::Error(std::string(what) + ": " + std::strerror(errno), path);
}

struct Entry {
  std::string name;
  unsigned char type;  // d_type; DT_UNKNOWN when the filesystem does not say
  bool operator<(const Entry& o) const { return name < o.name; }
};

std::vector<Entry> sorted_entries(DIR* d) {
  std::vector<Entry> entries;
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") entries.push_back({std::string(n), e->d_type});
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// The .sourceignore of `dir`, if any. Flux opens it following symlinks; we follow a symlink
// only when it resolves inside the tree, so a repository cannot make us read outside it.
core::Result<std::string> read_ignore_file(const std::string& dir, const std::string& real_root) {
  std::string path = dir + "/" + kIgnoreFile;
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::string();
    return sys_error(path, "cannot stat");
  }
  if (S_ISLNK(st.st_mode)) {
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) return std::string();
    std::string target = buf;
    if (target.compare(0, real_root.size() + 1, real_root + "/") != 0) return std::string();
    if (::stat(target.c_str(), &st) != 0) return std::string();
  }
  // A directory named .sourceignore reads as nothing in Go (the scanner's read fails).
  if (!S_ISREG(st.st_mode)) return std::string();
  auto text = core::read_file(path, size_t(64) << 20);
  if (!text.ok()) return text.error();
  return std::move(*text);
}

// sourceignore.LoadIgnorePatterns: this directory's file first, then the subdirectories in
// lexical order, depth first; .git is not searched.
core::Status load_dir(const std::string& dir, std::vector<std::string>& domain,
                      const std::string& real_root, std::vector<Pattern>& out) {
  auto text = read_ignore_file(dir, real_root);
  if (!text.ok()) return text.error();
  for (Pattern& p : gitignore::read_patterns(*text, domain)) out.push_back(std::move(p));

  DIR* d = ::opendir(dir.c_str());
  if (!d) return sys_error(dir, "cannot read directory");
  std::vector<Entry> entries = sorted_entries(d);
  ::closedir(d);
  for (const Entry& e : entries) {
    if (e.name == ".git") continue;
    std::string child = dir + "/" + e.name;
    bool is_dir = e.type == DT_DIR;
    // Like Go's DirEntry.IsDir: the directory entry's type, a symlink is not a directory.
    if (e.type == DT_UNKNOWN) {
      struct stat st;
      if (::lstat(child.c_str(), &st) != 0) return sys_error(child, "cannot stat");
      is_dir = S_ISDIR(st.st_mode);
    }
    if (!is_dir) continue;
    domain.push_back(e.name);
    core::Status s = load_dir(child, domain, real_root, out);
    domain.pop_back();
    if (!s.ok()) return s;
  }
  return core::Status::success();
}

}  // namespace

IgnoreRules IgnoreRules::build(std::vector<Pattern> user) {
  IgnoreRules r;
  r.user_patterns_ = user.size();
  std::vector<Pattern> all;
  for (std::string_view p : kExcludeVcs) all.push_back(Pattern::parse(p));
  // An empty list means Flux's NewDefaultMatcher; any pattern means VCS + the patterns only.
  if (user.empty()) {
    for (std::string_view p : kExcludeDefault) all.push_back(Pattern::parse(p));
  }
  for (Pattern& p : user) {
    r.has_inclusion_ = r.has_inclusion_ || p.inclusion();
    all.push_back(std::move(p));
  }
  r.matcher_ = gitignore::Matcher(std::move(all));
  return r;
}

core::Result<IgnoreRules> IgnoreRules::load(const std::string& root_dir,
                                            const std::optional<std::string>& spec_ignore) {
  char buf[PATH_MAX];
  if (!::realpath(root_dir.c_str(), buf)) return sys_error(root_dir, "cannot resolve");
  std::string real_root = buf;
  struct stat st;
  if (::stat(real_root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return core::Error("not a directory", root_dir);
  }
  std::vector<Pattern> user;
  std::vector<std::string> domain;
  core::Status s = load_dir(real_root, domain, real_root, user);
  if (!s.ok()) return s.error();
  if (spec_ignore) {
    for (Pattern& p : gitignore::read_patterns(*spec_ignore, {})) user.push_back(std::move(p));
  }
  return build(std::move(user));
}

IgnoreRules IgnoreRules::from_spec(std::string_view spec_ignore) {
  return build(gitignore::read_patterns(spec_ignore, {}));
}

IgnoreRules IgnoreRules::none() {
  IgnoreRules r;  // no patterns at all: only the built-in .git rule below applies
  return r;
}

bool IgnoreRules::ignored(std::string_view relative_path, bool is_dir) const {
  std::string_view comps[256];
  std::vector<std::string_view> many;
  size_t n = 0;
  bool overflow = false;
  size_t start = 0;
  while (start <= relative_path.size()) {
    size_t slash = relative_path.find('/', start);
    size_t end = slash == std::string_view::npos ? relative_path.size() : slash;
    std::string_view c = relative_path.substr(start, end - start);
    if (!c.empty() && c != ".") {
      if (n < std::size(comps) && !overflow) {
        comps[n++] = c;
      } else {
        if (!overflow) many.assign(comps, comps + n);
        overflow = true;
        many.push_back(c);
      }
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::span<const std::string_view> path = overflow ? std::span<const std::string_view>(many)
                                                    : std::span<const std::string_view>(comps, n);
  if (path.empty()) return false;  // the root is never ignored
  // .git directories never enter an artifact, whatever the patterns say (Flux relies on its
  // VCS pattern ".git/", which a user "!.git/" could undo).
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == ".git" && (i + 1 < path.size() || is_dir)) return true;
  }
  return matcher_.match(path, is_dir);
}

}  // namespace oc::source
