// Line-oriented input for the importers and dataset loaders: plain files or zstd-compressed ones (".zst", read
// through the zstd command), with byte progress for the progress bar, and a CSV splitter.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "recd/status.h"

namespace recd {

class LineReader {
 public:
  ~LineReader();
  // IOError naming the path when it cannot be opened.
  Status Open(const std::string& path);
  // False at the end of input. Strips a trailing '\r'.
  bool Next(std::string* line);
  // Closes the input; IOError when a decompressor failed (a truncated or corrupt .zst).
  Status Close();
  uint64_t line_number() const { return line_number_; }
  // Bytes consumed, and the total when known (0 for compressed input).
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  FILE* file_ = nullptr;
  bool piped_ = false;
  std::string path_;
  uint64_t line_number_ = 0, bytes_read_ = 0, total_bytes_ = 0;
  char* buf_ = nullptr;
  size_t cap_ = 0;
};

// Splits one CSV record (RFC 4180 quoting: "a,b" and "" for a quote) on `sep`.
std::vector<std::string> SplitCsv(std::string_view line, char sep);

// ISO-8859-1 to UTF-8 (the MovieLens 100K item file is Latin-1).
std::string Latin1ToUtf8(std::string_view in);

// A progress bar on stderr: "[#######-------]  48%  120,000 events  95,000/s".
class Progress {
 public:
  explicit Progress(std::string what) : what_(std::move(what)) {}
  void Update(uint64_t count, uint64_t done_bytes, uint64_t total_bytes);
  void Finish(uint64_t count);

 private:
  std::string what_;
  int64_t start_us_ = -1, last_us_ = 0;
};

}  // namespace recd
