#include "data/text_input.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "core/clock.h"

namespace recd {

LineReader::~LineReader() {
  (void)Close();
  std::free(buf_);
}

Status LineReader::Close() {
  if (!file_) return Status::OK();
  int rc = piped_ ? pclose(file_) : fclose(file_);
  file_ = nullptr;
  if (rc != 0) return Status::IOError("reading '" + path_ + "' failed (truncated or corrupt?)");
  return Status::OK();
}

Status LineReader::Open(const std::string& path) {
  path_ = path;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Status::IOError("cannot open '" + path + "': no such file");
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".zst") == 0) {
    std::string quoted = "'";
    for (char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted += "'";
    file_ = popen(("zstd -dcq " + quoted).c_str(), "r");
    piped_ = true;
  } else {
    file_ = fopen(path.c_str(), "r");
    total_bytes_ = static_cast<uint64_t>(st.st_size);
  }
  if (!file_) return Status::IOError("cannot open '" + path + "'");
  return Status::OK();
}

bool LineReader::Next(std::string* line) {
  ssize_t n = getline(&buf_, &cap_, file_);
  if (n < 0) return false;
  bytes_read_ += static_cast<uint64_t>(n);
  ++line_number_;
  while (n > 0 && (buf_[n - 1] == '\n' || buf_[n - 1] == '\r')) --n;
  line->assign(buf_, static_cast<size_t>(n));
  return true;
}

std::vector<std::string> SplitCsv(std::string_view line, char sep) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string Latin1ToUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

void Progress::Update(uint64_t count, uint64_t done_bytes, uint64_t total_bytes) {
  int64_t now = MonotonicMicros();
  if (start_us_ < 0) start_us_ = last_us_ = now;
  if (now - last_us_ < 200000) return;
  last_us_ = now;
  double secs = std::max(1e-6, (now - start_us_) / 1e6);
  if (total_bytes > 0) {
    double frac = std::min(1.0, static_cast<double>(done_bytes) / total_bytes);
    int filled = static_cast<int>(frac * 30);
    std::fprintf(stderr, "\r%s [%s%s] %3d%%  %llu  %.0f/s ", what_.c_str(),
                 std::string(filled, '#').c_str(), std::string(30 - filled, '-').c_str(),
                 static_cast<int>(frac * 100), static_cast<unsigned long long>(count), count / secs);
  } else {
    std::fprintf(stderr, "\r%s %llu  %.0f/s ", what_.c_str(), static_cast<unsigned long long>(count),
                 count / secs);
  }
  std::fflush(stderr);
}

void Progress::Finish(uint64_t count) {
  if (last_us_ > start_us_) std::fprintf(stderr, "\r");  // a bar was drawn: overwrite it
  double secs = start_us_ < 0 ? 0 : (MonotonicMicros() - start_us_) / 1e6;
  std::fprintf(stderr, "%s: %llu in %.1f s%40s\n", what_.c_str(),
               static_cast<unsigned long long>(count), secs, "");
}

}  // namespace recd
