#include "controllers/tree_fs.h"

namespace oc::controllers {

std::shared_ptr<const ArtifactTree> ArtifactTree::from(std::map<std::string, std::string> files) {
  auto t = std::make_shared<ArtifactTree>();
  t->dirs.insert("");
  for (auto& [path, content] : files) {
    for (size_t p = path.find('/'); p != std::string::npos; p = path.find('/', p + 1)) {
      t->dirs.insert(path.substr(0, p));
    }
    t->files.emplace(path, std::move(content));
  }
  return t;
}

std::vector<std::string> ArtifactTree::files_in(const std::string& dir) const {
  std::string prefix = dir.empty() ? "" : dir + "/";
  std::vector<std::string> out;
  for (auto it = files.lower_bound(prefix); it != files.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (it->first.find('/', prefix.size()) == std::string::npos) out.push_back(it->first);
  }
  return out;
}

std::vector<std::string> ArtifactTree::subdirs_of(const std::string& dir) const {
  std::string prefix = dir.empty() ? "" : dir + "/";
  std::vector<std::string> out;
  for (auto it = dirs.lower_bound(prefix); it != dirs.end() && it->compare(0, prefix.size(), prefix) == 0; ++it) {
    if (it->size() > prefix.size() && it->find('/', prefix.size()) == std::string::npos) out.push_back(*it);
  }
  return out;
}

void TreeFileSystem::overlay(const std::string& relative_path, std::string content) {
  overlay_[relative_path] = std::move(content);
}

std::string TreeFileSystem::relative(const std::string& absolute) {
  size_t i = 0;
  while (i < absolute.size() && absolute[i] == '/') ++i;
  std::string r = absolute.substr(i);
  while (!r.empty() && r.back() == '/') r.pop_back();
  return r;
}

kustomize::FileSystem::Type TreeFileSystem::stat(const std::string& path) const {
  std::string r = relative(path);
  if (overlay_.count(r) || tree_->files.count(r)) return Type::kFile;
  if (tree_->dirs.count(r)) return Type::kDir;
  return Type::kMissing;
}

core::Result<std::string> TreeFileSystem::real_path(const std::string& path) const {
  if (stat(path) == Type::kMissing) return core::Error("no such file or directory", path);
  return "/" + relative(path);
}

core::Result<std::string> TreeFileSystem::read_file(const std::string& path) const {
  std::string r = relative(path);
  if (auto it = overlay_.find(r); it != overlay_.end()) return it->second;
  if (auto it = tree_->files.find(r); it != tree_->files.end()) return it->second;
  if (tree_->dirs.count(r)) return core::Error("is a directory", path);
  return core::Error("no such file or directory", path);
}

}  // namespace oc::controllers
