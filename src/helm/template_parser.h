// Go text/template's parser (text/template/parse/parse.go): one source text gives the
// template named after it plus one tree per {{define}}/{{block}}. Errors read exactly like
// Go's ("template: NAME:LINE: MESSAGE"); Error.line/column also say where.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "helm/template_ast.h"

namespace oc::helm {

class FuncTable;

// Parses `text` as template `name`. Functions are resolved against `funcs` (an unknown one
// is an error, as in Go). The first tree is `name` itself, followed by the defined templates in
// source order.
core::Result<std::vector<std::shared_ptr<Tree>>> parse_template(
    const std::string& name, std::shared_ptr<const std::string> text, const FuncTable& funcs);

}  // namespace oc::helm
