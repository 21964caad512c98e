#include "kustomize/loader.h"

#include <optional>

#include "kustomize/paths.h"

namespace oc::kustomize {

namespace {

using core::Error;

// A git repository reference as kustomize accepts it in `resources`
// (api/internal/git/repospec.go): "github.com/org/repo//sub?ref=v1", "https://host/org/repo.git",
// "git@host:org/repo", "ssh://…", "git::…".
struct RepoSpec {
  std::string url;
  std::string subpath;
  std::string ref;
};

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

std::optional<RepoSpec> parse_repo_spec(std::string_view s) {
  bool forced = starts_with(s, "git::");  // go-getter's forced git
  if (forced) s.remove_prefix(5);
  std::string_view query;
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    query = s.substr(q + 1);
    s = s.substr(0, q);
  }
  bool known_host = starts_with(s, "github.com/") || starts_with(s, "gitlab.com/") ||
                    starts_with(s, "bitbucket.org/");
  bool scheme = starts_with(s, "https://") || starts_with(s, "http://") ||
                starts_with(s, "ssh://") || starts_with(s, "git://") || starts_with(s, "file://");
  bool scp = starts_with(s, "git@");
  if (!forced && !known_host && !scp &&
      !(scheme && (s.find(".git") != std::string_view::npos ||
                   s.find("//", s.find("://") + 3) != std::string_view::npos ||
                   s.find("/_git/") != std::string_view::npos))) {
    return std::nullopt;
  }
  RepoSpec spec;
  size_t host_start = scheme ? s.find("://") + 3 : 0;
  size_t sub = s.find("//", host_start);
  std::string_view repo = s.substr(0, sub);
  if (sub != std::string_view::npos) spec.subpath = clean_path(s.substr(sub + 2));
  if (sub == std::string_view::npos) {
    // Without "//", a ".git" suffix ends the repository ("host/org/repo.git/sub").
    if (size_t g = repo.find(".git/"); g != std::string_view::npos) {
      spec.subpath = clean_path(repo.substr(g + 5));
      repo = repo.substr(0, g + 4);
    }
  }
  spec.url = known_host ? "https://" + std::string(repo) : std::string(repo);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    if (starts_with(kv, "ref=")) spec.ref = kv.substr(4);
    if (starts_with(kv, "version=") && spec.ref.empty()) spec.ref = kv.substr(8);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return spec;
}

}  // namespace

bool Loader::is_remote_file(const std::string& path) {
  return starts_with(path, "https://") || starts_with(path, "http://");
}

bool Loader::is_repo_url(const std::string& path) {
  return parse_repo_spec(path).has_value();
}

core::Result<std::unique_ptr<Loader>> Loader::make_root(std::shared_ptr<const FileSystem> fs,
                                                        const std::string& path,
                                                        LoadRestrictions restrictions,
                                                        RemoteFetcher* remote) {
  auto real = fs->real_path(path.empty() ? "." : path);
  if (!real.ok() || fs->stat(*real) != FileSystem::Type::kDir) {
    return Error("'" + path + "' is not a directory");
  }
  std::unique_ptr<Loader> l(new Loader());
  l->fs_ = std::move(fs);
  l->root_ = *real;
  l->display_ = clean_path(path.empty() ? "." : path);
  l->restrictions_ = restrictions;
  l->remote_ = remote;
  return l;
}

std::string Loader::display_path(const std::string& rel) const {
  if (is_abs(rel) || is_remote_file(rel)) return rel;
  return join_path(display_, rel);
}

bool Loader::is_directory(const std::string& path) const {
  std::string full = is_abs(path) ? clean_path(path) : join_path(root_, path);
  auto real = fs_->real_path(full);
  return real.ok() && fs_->stat(*real) == FileSystem::Type::kDir;
}

core::Result<std::string> Loader::load(const std::string& path) const {
  if (is_remote_file(path)) {
    if (remote_ == nullptr) {
      return Error("remote file '" + path +
                   "': fetching remote resources is not available in this build");
    }
    return remote_->fetch_file(path);
  }
  std::string full = is_abs(path) ? clean_path(path) : join_path(root_, path);
  if (restrictions_ == LoadRestrictions::kNone) {
    if (fs_->stat(full) == FileSystem::Type::kMissing)
      return Error("no such file: " + display_path(path));
    if (fs_->stat(full) == FileSystem::Type::kDir) {
      return Error("'" + display_path(path) + "' is a directory, not a file");
    }
    return fs_->read_file(full);
  }
  auto real = fs_->real_path(full);
  if (!real.ok()) return Error("no such file: " + display_path(path));
  if (fs_->stat(*real) == FileSystem::Type::kDir) {
    return Error("'" + display_path(path) + "' is a directory, not a file");
  }
  if (!path_within(*real, root_)) {
    return Error("security: file '" + display_path(path) + "' (" + *real +
                 ") is not in or below '" + display_ +
                 "' (use --load-restrictor LoadRestrictionsNone to allow it)");
  }
  return fs_->read_file(*real);
}

core::Status Loader::check_cycle(const std::string& candidate) const {
  for (const Loader* l = this; l != nullptr; l = l->parent_) {
    if (l->repo_.empty() && path_within(l->root_, candidate)) {
      return Error("cycle detected: " + candidate + " is, or contains, " + l->root_ +
                   ", which is already being built");
    }
  }
  return {};
}

core::Result<std::unique_ptr<Loader>> Loader::sub_loader(const std::string& path) const {
  if (path.empty()) return Error("a base directory cannot be empty");
  if (auto spec = parse_repo_spec(path)) {
    for (const Loader* l = this; l != nullptr; l = l->parent_) {
      if (!l->repo_.empty() && starts_with(l->repo_, spec->url)) {
        return Error("cycle detected: URI '" + path + "' referenced by previous URI '" + l->repo_ +
                     "'");
      }
    }
    if (remote_ == nullptr) {
      return Error("remote base '" + path +
                   "': fetching git repositories is not available in this build");
    }
    auto checkout = remote_->fetch_repo(spec->url, spec->ref);
    if (!checkout.ok()) return checkout.error();
    std::string dir = join_path(checkout->dir, spec->subpath);
    auto real = checkout->fs->real_path(dir);
    if (!real.ok() || checkout->fs->stat(*real) != FileSystem::Type::kDir) {
      return Error("'" + path + "' does not name a directory in the repository");
    }
    if (!path_within(*real, checkout->dir)) {
      return Error("'" + path + "' refers to a directory outside of the repository");
    }
    std::unique_ptr<Loader> l(new Loader());
    l->fs_ = checkout->fs;
    l->root_ = *real;
    l->display_ = path;
    l->restrictions_ = LoadRestrictions::kRootOnly;  // remote trees are always confined
    l->remote_ = remote_;
    l->parent_ = this;
    l->repo_ = spec->url;
    l->repo_dir_ = checkout->dir;
    return l;
  }
  if (is_abs(path)) return Error("new root '" + path + "' cannot be absolute");
  std::string full = join_path(root_, path);
  auto real = fs_->real_path(full);
  if (!real.ok()) return Error("no such directory: " + display_path(path));
  if (fs_->stat(*real) != FileSystem::Type::kDir) {
    return Error("'" + display_path(path) + "' is not a directory");
  }
  if (!repo_dir_.empty() && !path_within(*real, repo_dir_)) {
    // fileloader.go errIfGitContainmentViolation.
    return Error("security: bases in kustomizations found in cloned git repos must be within the "
                 "repo, but '" + path + "' is outside it");
  }
  if (auto s = check_cycle(*real); !s.ok()) return s.error();
  std::unique_ptr<Loader> l(new Loader());
  l->fs_ = fs_;
  l->root_ = *real;
  l->display_ = display_path(path);
  l->restrictions_ = restrictions_;
  l->remote_ = remote_;
  l->parent_ = this;
  l->repo_dir_ = repo_dir_;
  return l;
}

}  // namespace oc::kustomize
