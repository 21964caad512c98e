// The file systems a build reads from: the disk, or an in-memory tree (tests, controllers that
// hold an artifact in memory).
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "core/file.h"
#include "kustomize/kustomize.h"
#include "kustomize/paths.h"

namespace oc::kustomize {

namespace {

class DiskFileSystem : public FileSystem {
 public:
  Type stat(const std::string& path) const override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return Type::kMissing;
    return S_ISDIR(st.st_mode) ? Type::kDir : Type::kFile;
  }
  core::Result<std::string> real_path(const std::string& path) const override {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) == nullptr) {
      return core::Error(path + ": " + std::strerror(errno));
    }
    return std::string(buf);
  }
  core::Result<std::string> read_file(const std::string& path) const override {
    return core::read_file(path);
  }
};

std::string absolute(std::string_view path) {
  return is_abs(path) ? clean_path(path) : join_path("/", path);
}

}  // namespace

std::shared_ptr<const FileSystem> disk_file_system() {
  static const std::shared_ptr<const FileSystem> fs = std::make_shared<DiskFileSystem>();
  return fs;
}

void MemoryFileSystem::add_file(std::string_view path, std::string content) {
  std::string p = absolute(path);
  files_[p] = std::move(content);
  for (std::string d = dir_name(p);; d = dir_name(d)) {
    dirs_[d] = 1;
    if (d == "/") break;
  }
}

FileSystem::Type MemoryFileSystem::stat(const std::string& path) const {
  std::string p = absolute(path);
  if (files_.count(p)) return Type::kFile;
  if (dirs_.count(p)) return Type::kDir;
  return Type::kMissing;
}

core::Result<std::string> MemoryFileSystem::real_path(const std::string& path) const {
  std::string p = absolute(path);
  if (files_.count(p) || dirs_.count(p)) return p;
  return core::Error(path + ": no such file or directory");
}

core::Result<std::string> MemoryFileSystem::read_file(const std::string& path) const {
  auto it = files_.find(absolute(path));
  if (it == files_.end()) return core::Error(path + ": no such file or directory");
  return it->second;
}

}  // namespace oc::kustomize
