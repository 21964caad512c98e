// ImageTagTransformer (api/filters/imagetag, api/internal/image): rewrites container images
// whose name matches `images[].name`.
#include "kustomize/regex.h"
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Node;
using core::Status;

namespace {

struct ImageParts {
  std::string name, tag, digest;
};

// image.Split: a ':' before the first '/' is a registry port, not a tag.
ImageParts split_image(const std::string& image) {
  std::string_view search = image;
  size_t slash = image.find('/');
  size_t offset = 0;
  if (slash != std::string::npos && slash > 0) {
    search = std::string_view(image).substr(slash);
    offset = slash;
  }
  size_t id = search.find('@');
  size_t ic = search.find(':');
  if (ic == std::string_view::npos && id == std::string_view::npos) return {image, "", ""};
  if (id != std::string_view::npos && (ic == std::string_view::npos || id < ic)) {
    id += offset;
    return {image.substr(0, id), "", image.substr(id + 1)};
  }
  if (id != std::string_view::npos && ic != std::string_view::npos) {
    id += offset;
    ic += offset;
    return {image.substr(0, ic), image.substr(ic + 1, id - ic - 1), image.substr(id + 1)};
  }
  ic += offset;
  return {image.substr(0, ic), image.substr(ic + 1), ""};
}

class Updater {
 public:
  Updater(const Image& image, std::optional<Regex> re) : image_(image), re_(std::move(re)) {}

  // imageTagUpdater.SetImageValue.
  Status update(Node& field) const {
    if (!field.is_scalar()) return core::Error("wrong node kind: expected a scalar image");
    if (!re_) {
      // kustomize splices the name into a regex unchecked and crashes when it is invalid.
      return core::Error("images: name '" + image_.name +
                         "' is not a valid regular expression (kustomize matches images with it)");
    }
    if (!re_->matches(field.text())) return {};
    ImageParts p = split_image(field.text());
    if (!image_.new_name.empty()) p.name = image_.new_name;
    if (!image_.new_tag.empty() && !image_.digest.empty()) {
      p.tag = image_.new_tag;
      p.digest = image_.digest;
    } else if (!image_.new_tag.empty()) {
      p.tag = image_.new_tag;
      p.digest.clear();
    } else if (!image_.digest.empty()) {
      p.tag.clear();
      p.digest = image_.digest;
    } else if (!image_.tag_suffix.empty()) {
      p.tag += image_.tag_suffix;
      p.digest.clear();
    }
    std::string out = p.name;
    if (!p.tag.empty()) out += ":" + p.tag;
    if (!p.digest.empty()) out += "@" + p.digest;
    field = Node::string(std::move(out));
    return {};
  }

  // The legacy pass: every `containers`/`initContainers` list anywhere in the object.
  Status legacy_walk(Node& node) const {
    if (node.is_mapping()) {
      for (auto& e : node.entries()) {
        if (Status s = legacy_walk(e.value); !s.ok()) return s;
        const std::string& key = e.key.text();
        if ((key == "containers" || key == "initContainers") && e.value.is_sequence()) {
          for (auto& c : e.value.items()) {
            Node* image = c.is_mapping() ? c.find("image") : nullptr;
            if (image == nullptr) continue;
            if (Status s = update(*image); !s.ok()) return s;
          }
        }
      }
    } else if (node.is_sequence()) {
      for (auto& item : node.items()) {
        if (Status s = legacy_walk(item); !s.ok()) return s;
      }
    }
    return {};
  }

 private:
  const Image& image_;
  std::optional<Regex> re_;
};

}  // namespace

Status transform_images(ResMap& m, const Image& image, const std::vector<FieldSpec>& fss) {
  // image.IsImageMatched: the name is spliced into the pattern unescaped.
  auto re = Regex::compile("^" + image.name + "(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$");
  Updater u(image, re.ok() ? std::optional<Regex>(*re) : std::nullopt);
  for (auto& rp : m.list()) {
    if (rp->kind() == "CustomResourceDefinition") continue;
    if (Status s = u.legacy_walk(rp->obj); !s.ok()) return s;
  }
  SetFn set = [&u](Node& field) { return u.update(field); };
  for (auto& rp : m.list()) {
    if (rp->kind() == "CustomResourceDefinition") continue;
    Gvk gvk = rp->gvk();
    for (const auto& fs : fss) {
      if (Status s = apply_field_spec(rp->obj, gvk, fs, CreateKind::kNone, set); !s.ok()) return s;
    }
  }
  return {};
}

}  // namespace oc::kustomize
