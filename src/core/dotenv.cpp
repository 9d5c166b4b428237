#include "core/dotenv.hpp"

namespace brokle {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool valid_key(std::string_view k) {
  if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
  for (char c : k)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}
}  // namespace

result<env_entries> parse_dotenv(std::string_view text) {
  env_entries out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.substr(0, 7) == "export ") line = trim(line.substr(7));
    size_t eq = line.find('=');
    if (eq == std::string_view::npos)
      return make_error(errc::invalid_argument, ".env line " + std::to_string(line_no) + ": expected KEY=VALUE");
    auto key = trim(line.substr(0, eq));
    if (!valid_key(key))
      return make_error(errc::invalid_argument,
                        ".env line " + std::to_string(line_no) + ": invalid variable name '" + std::string(key) + "'");
    auto raw = trim(line.substr(eq + 1));
    std::string value;
    if (!raw.empty() && (raw[0] == '"' || raw[0] == '\'')) {
      char q = raw[0];
      size_t i = 1;
      bool closed = false;
      for (; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == q) {
          closed = true;
          break;
        }
        if (q == '"' && c == '\\' && i + 1 < raw.size()) {
          char n = raw[++i];
          value += n == 'n' ? '\n' : n == 't' ? '\t' : n;
        } else {
          value += c;
        }
      }
      if (!closed)
        return make_error(errc::invalid_argument, ".env line " + std::to_string(line_no) + ": unterminated quote");
      auto rest = trim(raw.substr(i + 1));
      if (!rest.empty() && rest[0] != '#')
        return make_error(errc::invalid_argument,
                          ".env line " + std::to_string(line_no) + ": unexpected text after closing quote");
    } else {
      size_t hash = raw.find(" #");
      value = std::string(trim(hash == std::string_view::npos ? raw : raw.substr(0, hash)));
    }
    out.emplace_back(std::string(key), std::move(value));
  }
  return out;
}

}  // namespace brokle
