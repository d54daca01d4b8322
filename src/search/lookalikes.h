// Lookalikes: for each item added to the catalog, the items whose text is like it, found in the
// background through the text index (more-like-this) and filed under each of them. "Which new
// items are like the ones this shopper likes?" is then a lookup on the request path, not a
// search per request (which costs ~0.2 ms a query on the demo shop).
//
// Only the newest `window` queued items are linked (older ones would no longer count as new),
// and each item keeps the `per_item` newest look-alikes filed under it.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/ids.h"
#include "core/top_k.h"
#include "search/text_index.h"

namespace recd {

class Lookalikes {
 public:
  // `index` must outlive this object.
  explicit Lookalikes(const TextIndex& index, size_t window = 1000, size_t per_item = 20);
  ~Lookalikes();

  // Queues `item` (just added or re-described) to be linked.
  void Add(ItemIdx item);
  // Blocks until every item queued so far is linked.
  void Wait();
  // The items linked as look-alikes of `item` (filed when they were added), with their
  // more-like-this relevance; newest first. They may no longer be new: the caller filters.
  std::vector<Scored> Of(ItemIdx item) const;

 private:
  void Loop();

  const TextIndex& index_;
  const size_t window_, per_item_;
  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::deque<ItemIdx> queue_;  // GUARDED_BY(mu_)
  bool busy_ = false;          // GUARDED_BY(mu_)
  bool stop_ = false;          // GUARDED_BY(mu_)
  mutable std::shared_mutex links_mu_;
  std::unordered_map<ItemIdx, std::vector<Scored>> links_;  // GUARDED_BY(links_mu_)
  std::thread worker_;
};

}  // namespace recd
