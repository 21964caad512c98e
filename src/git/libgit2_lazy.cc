// libgit2's functions, opened on first use (src/core/dynlib.h): repository.cc calls them as
// usual, and commands that never fetch from Git do not pay for loading libgit2 with mbedTLS,
// libssh2, PCRE2 and http-parser.
#include <git2.h>

#include "core/dynlib.h"

namespace {
constexpr oc::core::DynamicLibrary kGit2{oc_dyn_git2_SONAME, oc_dyn_git2_PACKAGE};
}  // namespace

extern "C" {

int git_libgit2_init(void) {
  OC_DYNAMIC_CALL(kGit2, git_libgit2_init)();
}
int git_libgit2_shutdown(void) {
  OC_DYNAMIC_CALL(kGit2, git_libgit2_shutdown)();
}
const git_error* git_error_last(void) {
  OC_DYNAMIC_CALL(kGit2, git_error_last)();
}

int git_repository_init(git_repository** out, const char* path, unsigned is_bare) {
  OC_DYNAMIC_CALL(kGit2, git_repository_init)(out, path, is_bare);
}
int git_repository_open_bare(git_repository** out, const char* bare_path) {
  OC_DYNAMIC_CALL(kGit2, git_repository_open_bare)(out, bare_path);
}
void git_repository_free(git_repository* repo) {
  OC_DYNAMIC_CALL(kGit2, git_repository_free)(repo);
}

int git_remote_init_callbacks(git_remote_callbacks* opts, unsigned int version) {
  OC_DYNAMIC_CALL(kGit2, git_remote_init_callbacks)(opts, version);
}
int git_proxy_options_init(git_proxy_options* opts, unsigned int version) {
  OC_DYNAMIC_CALL(kGit2, git_proxy_options_init)(opts, version);
}
int git_fetch_options_init(git_fetch_options* opts, unsigned int version) {
  OC_DYNAMIC_CALL(kGit2, git_fetch_options_init)(opts, version);
}
int git_remote_create_anonymous(git_remote** out, git_repository* repo, const char* url) {
  OC_DYNAMIC_CALL(kGit2, git_remote_create_anonymous)(out, repo, url);
}
int git_remote_create_detached(git_remote** out, const char* url) {
  OC_DYNAMIC_CALL(kGit2, git_remote_create_detached)(out, url);
}
int git_remote_connect(git_remote* remote, git_direction direction,
                       const git_remote_callbacks* callbacks, const git_proxy_options* proxy_opts,
                       const git_strarray* custom_headers) {
  OC_DYNAMIC_CALL(kGit2, git_remote_connect)(remote, direction, callbacks, proxy_opts,
                                             custom_headers);
}
int git_remote_ls(const git_remote_head*** out, size_t* size, git_remote* remote) {
  OC_DYNAMIC_CALL(kGit2, git_remote_ls)(out, size, remote);
}
int git_remote_fetch(git_remote* remote, const git_strarray* refspecs,
                     const git_fetch_options* opts, const char* reflog_message) {
  OC_DYNAMIC_CALL(kGit2, git_remote_fetch)(remote, refspecs, opts, reflog_message);
}
int git_remote_disconnect(git_remote* remote) {
  OC_DYNAMIC_CALL(kGit2, git_remote_disconnect)(remote);
}
void git_remote_free(git_remote* remote) {
  OC_DYNAMIC_CALL(kGit2, git_remote_free)(remote);
}

int git_credential_userpass_plaintext_new(git_credential** out, const char* username,
                                          const char* password) {
  OC_DYNAMIC_CALL(kGit2, git_credential_userpass_plaintext_new)(out, username, password);
}
int git_credential_ssh_key_memory_new(git_credential** out, const char* username,
                                      const char* publickey, const char* privatekey,
                                      const char* passphrase) {
  OC_DYNAMIC_CALL(kGit2, git_credential_ssh_key_memory_new)(out, username, publickey, privatekey,
                                                            passphrase);
}

int git_revparse_single(git_object** out, git_repository* repo, const char* spec) {
  OC_DYNAMIC_CALL(kGit2, git_revparse_single)(out, repo, spec);
}
const git_oid* git_object_id(const git_object* obj) {
  OC_DYNAMIC_CALL(kGit2, git_object_id)(obj);
}
void git_object_free(git_object* object) {
  OC_DYNAMIC_CALL(kGit2, git_object_free)(object);
}
int git_oid_cpy(git_oid* out, const git_oid* src) {
  OC_DYNAMIC_CALL(kGit2, git_oid_cpy)(out, src);
}
int git_oid_fromstr(git_oid* out, const char* str) {
  OC_DYNAMIC_CALL(kGit2, git_oid_fromstr)(out, str);
}
char* git_oid_tostr(char* out, size_t n, const git_oid* id) {
  OC_DYNAMIC_CALL(kGit2, git_oid_tostr)(out, n, id);
}

int git_commit_lookup(git_commit** commit, git_repository* repo, const git_oid* id) {
  OC_DYNAMIC_CALL(kGit2, git_commit_lookup)(commit, repo, id);
}
const git_signature* git_commit_author(const git_commit* commit) {
  OC_DYNAMIC_CALL(kGit2, git_commit_author)(commit);
}
const char* git_commit_message(const git_commit* commit) {
  OC_DYNAMIC_CALL(kGit2, git_commit_message)(commit);
}
git_time_t git_commit_time(const git_commit* commit) {
  OC_DYNAMIC_CALL(kGit2, git_commit_time)(commit);
}
int git_commit_tree(git_tree** tree_out, const git_commit* commit) {
  OC_DYNAMIC_CALL(kGit2, git_commit_tree)(tree_out, commit);
}
void git_commit_free(git_commit* commit) {
  OC_DYNAMIC_CALL(kGit2, git_commit_free)(commit);
}

int git_tree_lookup(git_tree** out, git_repository* repo, const git_oid* id) {
  OC_DYNAMIC_CALL(kGit2, git_tree_lookup)(out, repo, id);
}
size_t git_tree_entrycount(const git_tree* tree) {
  OC_DYNAMIC_CALL(kGit2, git_tree_entrycount)(tree);
}
const git_tree_entry* git_tree_entry_byindex(const git_tree* tree, size_t idx) {
  OC_DYNAMIC_CALL(kGit2, git_tree_entry_byindex)(tree, idx);
}
const char* git_tree_entry_name(const git_tree_entry* entry) {
  OC_DYNAMIC_CALL(kGit2, git_tree_entry_name)(entry);
}
const git_oid* git_tree_entry_id(const git_tree_entry* entry) {
  OC_DYNAMIC_CALL(kGit2, git_tree_entry_id)(entry);
}
git_filemode_t git_tree_entry_filemode(const git_tree_entry* entry) {
  OC_DYNAMIC_CALL(kGit2, git_tree_entry_filemode)(entry);
}
void git_tree_free(git_tree* tree) {
  OC_DYNAMIC_CALL(kGit2, git_tree_free)(tree);
}

int git_blob_lookup(git_blob** blob, git_repository* repo, const git_oid* id) {
  OC_DYNAMIC_CALL(kGit2, git_blob_lookup)(blob, repo, id);
}
const void* git_blob_rawcontent(const git_blob* blob) {
  OC_DYNAMIC_CALL(kGit2, git_blob_rawcontent)(blob);
}
git_object_size_t git_blob_rawsize(const git_blob* blob) {
  OC_DYNAMIC_CALL(kGit2, git_blob_rawsize)(blob);
}
void git_blob_free(git_blob* blob) {
  OC_DYNAMIC_CALL(kGit2, git_blob_free)(blob);
}

}  // extern "C"
