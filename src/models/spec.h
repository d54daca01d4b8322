// Model spec strings: "itemknn(k=200,shrink=10)". The same string names a model in the
// configuration, on the command line, in evaluation reports and in saved snapshots. A value may
// be a list: words without '=' continue the value before them ("content(fields=title,brand)"
// gives fields "title,brand").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "recd/status.h"

namespace recd {

class ModelSpec {
 public:
  // InvalidArgument naming the position of a syntax error.
  static Result<ModelSpec> Parse(const std::string& text);

  const std::string& name() const { return name_; }
  // Typed parameter access; InvalidArgument for a malformed value. Each Get marks the key used.
  Status GetInt(const std::string& key, int default_value, int min, int max, int* out);
  Status GetDouble(const std::string& key, double default_value, double min, double max, double* out);
  Status GetString(const std::string& key, const std::string& default_value, std::string* out);
  // InvalidArgument naming any parameter no Get asked for (a typo such as "neighbours=").
  Status CheckAllUsed() const;

 private:
  template <typename T>
  Status GetNumber(const std::string& key, T default_value, T min, T max, const char* what, T* out);

  std::string text_;
  std::string name_;
  std::map<std::string, std::string> params_;
  std::map<std::string, bool> used_;
};

// Expands lists in a spec into every combination: "itemknn(k=[50,100],shrink=[0,10])" gives
// four specs, in order with the last list varying fastest. InvalidArgument on an unclosed '['.
Result<std::vector<std::string>> ExpandSpecGrid(const std::string& text);

}  // namespace recd
