// Time-decayed counters for popularity and trending.
//
// A DecayedCounter holds sum_i w_i * 2^(-(t - t_i) / half_life) without touching it as time
// passes: it stores log2(sum_i w_i * 2^(t_i / half_life)), which orders items the same way at
// any time t. So ranking by popularity needs no per-item update when the clock moves, and
// adding an event is O(1). Only positive weights count (popularity is attention, not liking).
//
// Trending compares a short and a long half-life counter of the same item: the score
//     (rate_short - rate_long) / sqrt(rate_long + 1)
// (rates in events per hour) rewards items whose recent attention exceeds their baseline, and
// damps the noise of items with very little traffic.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace recd {

class DecayedCounter {
 public:
  // Adds weight w (> 0) at time t_ms, with the counter's half-life.
  void Add(double w, int64_t t_ms, double half_life_hours) {
    if (!(w > 0)) return;
    double x = Exponent(t_ms, half_life_hours) + std::log2(w);
    if (log2_mass_ == kEmpty) {
      log2_mass_ = x;
    } else {
      double hi = std::max(log2_mass_, x), lo = std::min(log2_mass_, x);
      log2_mass_ = hi + std::log2(1.0 + std::exp2(lo - hi));
    }
  }
  // A time-invariant ranking key: larger means more popular at every instant.
  double RankKey() const { return log2_mass_; }
  bool empty() const { return log2_mass_ == kEmpty; }
  // The decayed sum at time now_ms.
  double ValueAt(int64_t now_ms, double half_life_hours) const {
    if (empty()) return 0.0;
    return std::exp2(log2_mass_ - Exponent(now_ms, half_life_hours));
  }

 private:
  static double Exponent(int64_t t_ms, double half_life_hours) {
    return static_cast<double>(t_ms) / (half_life_hours * 3.6e6);
  }
  static constexpr double kEmpty = -std::numeric_limits<double>::infinity();
  double log2_mass_ = kEmpty;
};

// Trending score from the short and long counters (see the file comment).
inline double TrendingScore(const DecayedCounter& short_c, const DecayedCounter& long_c,
                            int64_t now_ms, double short_hl_hours, double long_hl_hours) {
  // A decayed sum with half-life h is about (rate * h / ln 2); turn both into rates per hour.
  double rate_short = short_c.ValueAt(now_ms, short_hl_hours) * std::log(2.0) / short_hl_hours;
  double rate_long = long_c.ValueAt(now_ms, long_hl_hours) * std::log(2.0) / long_hl_hours;
  return (rate_short - rate_long) / std::sqrt(rate_long + 1.0);
}

}  // namespace recd
