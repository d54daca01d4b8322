// JsonQuote: a string as a JSON string literal, for the few places that build small JSON
// documents by hand (item properties and user attributes made from datasets, webhook data).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace recd {

// `s` (UTF-8) with quotes, '"' and '\\' escaped and control characters as \uXXXX.
inline std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof(esc), "\\u%04x", static_cast<unsigned char>(c));
      out += esc;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace recd
