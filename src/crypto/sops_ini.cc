// The sops INI store (getsops/sops stores/ini/store.go). sops reads and writes INI with
// gopkg.in/ini.v1 (non-unique sections allowed, default options); this file reproduces the
// parts of that library's parser and writer that the store reaches: '#'/';' comment lines
// attached to the next section or key, "=" or ":" delimiters, quoted keys, `"""`/'`' quoted
// and multi-line values, '\' continuation lines, inline comments, and the aligned "key = value"
// layout with a blank line between sections.
#include <algorithm>
#include <unordered_map>

#include "crypto/sops_formats.h"

namespace oc::crypto::sops::formats {

namespace {

constexpr std::string_view kDefault = "DEFAULT";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}
std::string_view trim(std::string_view s) {
  s = trim_left(s);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim_left_chars(std::string_view s, std::string_view chars) {
  while (!s.empty() && chars.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  return s;
}

// sops stripCommentChar.
std::string strip_comment_char(std::string_view c) {
  if (!c.empty() && c[0] == ';') return std::string(trim_left_chars(c, "; "));
  if (!c.empty() && c[0] == '#') return std::string(trim_left_chars(c, "# "));
  return std::string(c);
}

struct IniKey {
  std::string name, value, comment;
};
struct IniSection {
  std::string name, comment;
  std::vector<IniKey> keys;
  std::unordered_map<std::string, size_t> index;  // key name → position (ini.v1 keeps one per name)
  IniKey* find(const std::string& n) {
    auto it = index.find(n);
    return it == index.end() ? nullptr : &keys[it->second];
  }
  IniKey& add(const std::string& n) {
    index.emplace(n, keys.size());
    keys.push_back(IniKey{n, "", ""});
    return keys.back();
  }
};

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  core::Result<std::vector<IniSection>> run() {
    // A UTF-8 byte order mark is skipped (UTF-16 marks too, as ini.v1 does).
    if (text_.substr(0, 3) == "\xEF\xBB\xBF")
      text_.remove_prefix(3);
    else if (text_.substr(0, 2) == "\xFE\xFF" || text_.substr(0, 2) == "\xFF\xFE")
      text_.remove_prefix(2);
    std::vector<IniSection> secs(1);
    secs[0].name = kDefault;
    long counter = 1;
    while (!eof()) {
      std::string_view raw = next_line();
      std::string_view line = trim_left(raw);
      if (line.empty()) continue;
      if (line[0] == '#' || line[0] == ';') {
        comment_ += line;
        continue;
      }
      if (line[0] == '[') {
        size_t close = line.rfind(']');
        if (close == std::string_view::npos) return error("unclosed section");
        std::string name(line.substr(1, close - 1));
        if (name.empty()) return error("empty section name");
        size_t c = line.find_first_of("#;", close + 1);
        if (c != std::string_view::npos) comment_ += line.substr(c);
        IniSection s;
        s.name = std::move(name);
        s.comment = std::string(trim(comment_));
        comment_.clear();
        counter = 1;
        secs.push_back(std::move(s));
        continue;
      }
      auto kv = key_value(line);
      if (!kv.ok()) return kv.error();
      auto [name, value] = std::move(*kv);
      if (name == "-") name = "#" + std::to_string(counter++);
      IniSection& sec = secs.back();
      IniKey* k = sec.find(name);
      if (!k) k = &sec.add(name);
      k->value = std::move(value);
      k->comment = std::string(trim(comment_));
      comment_.clear();
    }
    return secs;
  }

 private:
  bool eof() const { return pos_ >= text_.size(); }

  // The next line with its '\n' (ini.v1 reads with ReadBytes('\n')).
  std::string_view next_line() {
    size_t nl = text_.find('\n', pos_);
    size_t end = nl == std::string_view::npos ? text_.size() : nl + 1;
    std::string_view l = text_.substr(pos_, end - pos_);
    pos_ = end;
    ++line_no_;
    return l;
  }

  core::Error error(std::string msg) const {
    return core::Error(std::move(msg), file_, int(line_no_));
  }

  core::Result<std::pair<std::string, std::string>> key_value(std::string_view line) {
    std::string name;
    size_t offset;
    std::string quote;
    if (line[0] == '"')
      quote = (line.size() > 6 && line.substr(0, 3) == "\"\"\"") ? "\"\"\"" : "\"";
    else if (line[0] == '`')
      quote = "`";
    if (!quote.empty()) {
      size_t start = quote.size();
      size_t pos = line.find(quote, start);
      if (pos == std::string_view::npos) return error("missing closing key quote");
      size_t d = line.find_first_of("=:", pos + start);
      if (d == std::string_view::npos) return error("key-value delimiter not found");
      name = std::string(trim(line.substr(start, pos - start)));
      offset = d + 1;
    } else {
      size_t d = line.find_first_of("=:");
      if (d == std::string_view::npos) return error("key-value delimiter not found");
      if (d == 0) return error("empty key name");
      name = std::string(trim(line.substr(0, d)));
      offset = d + 1;
    }
    auto v = value(line.substr(offset));
    if (!v.ok()) return v.error();
    return std::pair{std::move(name), std::move(*v)};
  }

  core::Result<std::string> value(std::string_view in) {
    std::string_view line = trim_left(in);
    if (line.empty()) return std::string();
    std::string_view quote;
    if (line.size() > 3 && line.substr(0, 3) == "\"\"\"")
      quote = "\"\"\"";
    else if (line[0] == '`')
      quote = "`";
    if (!quote.empty()) {
      size_t start = quote.size();
      size_t pos = line.substr(start).rfind(quote);
      if (pos != std::string_view::npos) return std::string(line.substr(start, pos));
      // A multi-line value runs to the line holding the closing quote.
      std::string val(line.substr(start));
      for (;;) {
        if (eof()) return error("missing closing value quote");
        std::string_view next = next_line();
        size_t q = next.rfind(quote);
        if (q != std::string_view::npos) {
          val += next.substr(0, q);
          size_t c = next.find_first_of("#;", q);
          if (c != std::string_view::npos) comment_ += trim(next.substr(c));
          return val;
        }
        val += next;
      }
    }
    line = trim(line);
    if (line.back() == '\\') {
      std::string val(line.substr(0, line.size() - 1));
      while (!eof()) {
        std::string_view next = trim(next_line());
        if (next.empty()) break;
        val += next;
        if (val.back() != '\\') break;
        val.pop_back();
      }
      return val;
    }
    size_t c = line.find_first_of("#;");
    if (c != std::string_view::npos) {
      comment_ += line.substr(c);
      line = trim(line.substr(0, c));
    }
    for (char q : {'\'', '"'}) {
      if (line.size() >= 2 && line.front() == q && line.back() == q &&
          line.substr(1).find(q) == line.size() - 2) {
        return std::string(line.substr(1, line.size() - 2));
      }
    }
    return std::string(line);
  }

  std::string_view text_;
  const std::string& file_;
  size_t pos_ = 0, line_no_ = 0;
  std::string comment_;
};

void write_comment_lines(std::string& out, const std::string& comment, bool trim_plain) {
  size_t p = 0;
  for (;;) {
    size_t nl = comment.find('\n', p);
    std::string_view l(comment.data() + p, (nl == std::string::npos ? comment.size() : nl) - p);
    if (!l.empty() && (l[0] == '#' || l[0] == ';')) {
      out += l[0];
      out += ' ';
      out += trim(l.substr(1));
    } else {
      out += "; ";
      out += trim_plain ? trim(l) : l;
    }
    out += '\n';
    if (nl == std::string::npos) break;
    p = nl + 1;
  }
}

}  // namespace

core::Result<Branch> ini_load(std::string_view text, const std::string& file) {
  auto secs = Parser(text, file).run();
  if (!secs.ok()) return secs.error();
  Branch b;
  for (IniSection& s : *secs) {
    Value items = Value::mapping();
    if (!s.comment.empty())
      items.map.push_back(Item{Value::comment(strip_comment_char(s.comment)), Value()});
    for (IniKey& k : s.keys) {
      items.map.push_back(Item{Value::str(k.name), Value::str(k.value)});
      if (!k.comment.empty())
        items.map.push_back(Item{Value::comment(strip_comment_char(k.comment)), Value()});
    }
    b.push_back(Item{Value::str(s.name), std::move(items)});
  }
  return b;
}

core::Result<std::string> ini_emit(const Branch& branch) {
  std::vector<IniSection> secs;
  for (const Item& it : branch) {
    if (it.key.is_comment()) continue;
    if (it.key.kind != Kind::kString || it.key.text.empty()) {
      return core::Error("error encoding section: empty section name");
    }
    if (it.value.kind != Kind::kMap) {
      return core::Error("error encoding section " + it.key.text +
                         ": section values should always be maps");
    }
    IniSection s;
    s.name = it.key.text;
    size_t first = 0;
    const auto& m = it.value.map;
    if (!m.empty() && m[0].key.is_comment()) {
      s.comment = m[0].key.text;
      first = 1;
    }
    IniKey* last = nullptr;
    for (size_t i = first; i < m.size(); ++i) {
      if (m[i].key.is_comment()) {
        if (last) last->comment = m[i].key.text;
        continue;
      }
      std::string name = to_bytes(m[i].key);
      if (name.empty()) return core::Error("error encoding key: empty key name");
      std::string value = val_to_string(m[i].value);
      last = s.find(name);
      if (!last) last = &s.add(name);
      last->value = value;
    }
    secs.push_back(std::move(s));
  }
  std::string out;
  for (size_t i = 0; i < secs.size(); ++i) {
    IniSection& s = secs[i];
    if (!s.comment.empty()) write_comment_lines(out, s.comment, false);
    if (i > 0 || s.name != kDefault) {
      out += "[" + s.name + "]\n";
    } else if (s.keys.empty()) {
      continue;
    }
    size_t align = 0;
    for (const IniKey& k : s.keys) {
      size_t len = k.name.size();
      if (k.name.find('"') != std::string::npos || k.name.find_first_of("=:") != std::string::npos)
        len += 2;
      else if (k.name.find('`') != std::string::npos)
        len += 6;
      align = std::max(align, len);
    }
    for (const IniKey& k : s.keys) {
      if (!k.comment.empty()) write_comment_lines(out, k.comment, true);
      std::string name = k.name;
      if (name.find('"') != std::string::npos || name.find_first_of("=:") != std::string::npos) {
        name = "`" + name + "`";
      } else if (name.find('`') != std::string::npos) {
        name = "\"\"\"" + name + "\"\"\"";
      }
      std::string v = k.value;
      if (v.find_first_of("\n`") != std::string::npos)
        v = "\"\"\"" + v + "\"\"\"";
      else if (v.find_first_of("#;") != std::string::npos)
        v = "`" + v + "`";
      else if (trim(v).size() != v.size())
        v = "\"" + v + "\"";
      out += name;
      if (align > name.size()) out.append(align - name.size(), ' ');
      out += " = " + v + "\n";
    }
    if (i + 1 < secs.size()) out += '\n';
  }
  return out;
}

}  // namespace oc::crypto::sops::formats
