// The demo shop: a synthetic but plausible catalog (departments, categories, brands, prices)
// and a month of shopper behaviour (browsing within a few favourite categories, popularity
// skew, add-to-cart and purchase funnels, complementary categories after a purchase, anonymous
// sessions). Deterministic for a given seed. Written as catalog.jsonl and events.jsonl, the
// formats `recd import` reads.
#pragma once

#include <cstdint>
#include <string>

#include "recd/status.h"

namespace recd::cli {

struct DemoShopOptions {
  int items = 3000;
  int users = 1500;
  int sessions = 12000;  // browsing sessions, a quarter of them anonymous
  uint64_t seed = 42;
  int64_t end_ms = 0;    // the last event's time; 0: now
  int days = 30;
};

// Writes `dir`/catalog.jsonl, `dir`/users.jsonl (registered shoppers' attributes) and
// `dir`/events.jsonl; the directory must exist.
Status WriteDemoShop(const DemoShopOptions& options, const std::string& dir, uint64_t* events_written);

}  // namespace recd::cli
