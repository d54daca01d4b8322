#include "models/spec.h"

#include <cctype>
#include <charconv>
#include <sstream>

namespace recd {

namespace {
std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}
}  // namespace

Result<ModelSpec> ModelSpec::Parse(const std::string& text) {
  ModelSpec spec;
  spec.text_ = text;
  const std::string where = "model spec '" + text + "': ";
  size_t open = text.find('(');
  spec.name_ = Trim(text.substr(0, open));
  if (spec.name_.empty()) return Status::InvalidArgument(where + "missing model name");
  for (char c : spec.name_) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return Status::InvalidArgument(where + "bad character '" + std::string(1, c) + "' in the name");
    }
  }
  if (open == std::string::npos) return spec;
  if (text.back() != ')') return Status::InvalidArgument(where + "expected ')' at the end");
  std::string body = text.substr(open + 1, text.size() - open - 2);
  std::stringstream in(body);
  std::string pair;
  std::string last_key;
  while (std::getline(in, pair, ',')) {
    if (Trim(pair).empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string::npos && !last_key.empty()) {  // a list value: "fields=title,brand"
      spec.params_[last_key] += "," + Trim(pair);
      continue;
    }
    if (eq == std::string::npos) return Status::InvalidArgument(where + "expected key=value, got '" + Trim(pair) + "'");
    std::string key = Trim(pair.substr(0, eq)), value = Trim(pair.substr(eq + 1));
    if (key.empty() || value.empty()) return Status::InvalidArgument(where + "empty key or value in '" + Trim(pair) + "'");
    if (spec.params_.count(key)) return Status::InvalidArgument(where + "'" + key + "' given twice");
    spec.params_[key] = value;
    last_key = key;
  }
  return spec;
}

template <typename T>
Status ModelSpec::GetNumber(const std::string& key, T default_value, T min, T max, const char* what, T* out) {
  auto it = params_.find(key);
  used_[key] = true;
  if (it == params_.end()) {
    *out = default_value;
    return Status::OK();
  }
  const std::string& v = it->second;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  if (ec != std::errc() || p != v.data() + v.size() || !(*out >= min && *out <= max)) {
    std::ostringstream msg;
    msg << "model spec '" << text_ << "': " << key << " must be " << what << " from " << min << " to " << max
        << ", got '" << v << "'";
    return Status::InvalidArgument(msg.str());
  }
  return Status::OK();
}

Status ModelSpec::GetInt(const std::string& key, int default_value, int min, int max, int* out) {
  return GetNumber(key, default_value, min, max, "an integer", out);
}

Status ModelSpec::GetDouble(const std::string& key, double default_value, double min, double max, double* out) {
  return GetNumber(key, default_value, min, max, "a number", out);
}

Status ModelSpec::GetString(const std::string& key, const std::string& default_value, std::string* out) {
  auto it = params_.find(key);
  used_[key] = true;
  *out = it == params_.end() ? default_value : it->second;
  return Status::OK();
}

Status ModelSpec::CheckAllUsed() const {
  for (const auto& [key, value] : params_) {
    if (!used_.count(key)) {
      return Status::InvalidArgument("model spec '" + text_ + "': unknown parameter '" + key + "' for " + name_);
    }
  }
  return Status::OK();
}

Result<std::vector<std::string>> ExpandSpecGrid(const std::string& text) {
  size_t open = text.find('[');
  if (open == std::string::npos) return std::vector<std::string>{text};
  size_t close = text.find(']', open);
  if (close == std::string::npos) return Status::InvalidArgument("model spec '" + text + "': '[' without ']'");
  Result<std::vector<std::string>> tails = ExpandSpecGrid(text.substr(close + 1));
  if (!tails.ok()) return tails.status();
  std::vector<std::string> out;
  std::stringstream values(text.substr(open + 1, close - open - 1));
  std::string value;
  while (std::getline(values, value, ',')) {
    value = Trim(value);
    if (value.empty()) return Status::InvalidArgument("model spec '" + text + "': empty value in a list");
    for (const std::string& tail : *tails) out.push_back(text.substr(0, open) + value + tail);
  }
  if (out.empty()) return Status::InvalidArgument("model spec '" + text + "': empty list");
  return out;
}

}  // namespace recd
